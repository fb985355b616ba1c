import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { HttpResponse } from '../../http/client'
import { hasHtmlRoot, readAnswer, readXmlMembers } from './token-body'
import { tokenErrorFor } from './token-errors'

function response(status: number, contentType: string | undefined, body: string): HttpResponse {
  return {
    status,
    headers: contentType === undefined ? {} : { 'content-type': contentType },
    body,
    url: 'http://127.0.0.1/api/v1/auth/token',
    sentAt: 0,
    receivedAt: 0,
    skewMs: null,
    json: () => JSON.parse(body) as unknown
  }
}

const context = { grant: 'password', clientId: 'tokendesk-demo', purpose: 'Keycloak proxy password login', secrets: [] } as const

const NOT_THE_PROXY =
  "Keycloak proxy password login: the server's answer (HTTP 400) is not from a Keycloak token proxy. Check the base URL: it is the proxy's root, without api/v1/auth/token."

describe('HTML pages without a DOCTYPE', () => {
  it.each([
    ['text/html', '<html>Bad Request</html>'],
    [undefined, '<html>Bad Request</html>'],
    ['text/html; charset=iso-8859-1', '<HTML><HEAD><TITLE>Bad Request</TITLE></HEAD><BODY>Bad Request</BODY></HTML>'],
    ['application/xml', '<html lang="en"><body><h1>400 Bad Request</h1></body></html>'],
    [undefined, '\uFEFF\r\n  <?xml version="1.0"?>\n<!-- nginx -->\n<html xmlns="http://www.w3.org/1999/xhtml"><body>Bad Request</body></html>'],
    ['text/html', '<Html/>'],
    ['text/html', '<h:html xmlns:h="http://www.w3.org/1999/xhtml"><h:body>Bad Request</h:body></h:html>']
  ])('%s %j is a page, not an answer', (contentType, body) => {
    expect(readAnswer(contentType, body)).toBeNull()
    const error = tokenErrorFor(response(400, contentType, body), context)
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE')
    expect(error.message).toBe(NOT_THE_PROXY)
    expect(error.details?.fields).toEqual({ baseUrl: 'Check the base URL.' })
  })

  it('a 5xx HTML page without a DOCTYPE stays the common server-failure sentence', () => {
    const error = tokenErrorFor(response(502, 'text/html', '<html>Bad Gateway</html>'), context)
    expect(error.code).toBe('UPSTREAM_ERROR')
    expect(error.message).toMatch(/the server failed \(HTTP 502\)/)
  })

  it('hasHtmlRoot: only an <html> root element after the prolog counts', () => {
    expect(hasHtmlRoot('<html>')).toBe(true)
    expect(hasHtmlRoot('<html')).toBe(true)
    expect(hasHtmlRoot('  <HTML\tlang="en">')).toBe(true)
    expect(hasHtmlRoot('<?xml version="1.0"?><!-- a --><!-- b --><html>')).toBe(true)
    expect(hasHtmlRoot('<htmlish>x</htmlish>')).toBe(false)
    expect(hasHtmlRoot('<AccessTokenResponse><html>x</html></AccessTokenResponse>')).toBe(false)
    expect(hasHtmlRoot('Bad Request <html>')).toBe(false)
    expect(hasHtmlRoot('<!-- never closed <html>')).toBe(false)
    expect(hasHtmlRoot('<?xml never closed <html>')).toBe(false)
    expect(hasHtmlRoot('<!--><html>')).toBe(false)
  })

  it('property: any prolog of whitespace, BOM, declarations and comments before <html> is still a page', () => {
    const prologPart = fc.constantFrom(' ', '\n', '\r\n', '\t', '\uFEFF', '<?xml version="1.0" encoding="utf-8"?>', '<!-- proxy -->', '<!---->', '<?xml-stylesheet href="a.css"?>')
    const htmlTag = fc.constantFrom('<html>', '<HTML>', '<Html >', '<html lang="en">', '<html/>')
    fc.assert(
      fc.property(fc.array(prologPart, { maxLength: 6 }), htmlTag, fc.constantFrom('text/html', undefined, 'application/xml'), (prolog, tag, contentType) => {
        const body = `${prolog.join('')}${tag}${tag.endsWith('/>') ? '' : 'Bad Request</html>'}`
        expect(hasHtmlRoot(body)).toBe(true)
        expect(readAnswer(contentType, body)).toBeNull()
      })
    )
  })

  it('a long run of unclosed prolog openers is scanned in linear time', () => {
    const started = performance.now()
    expect(hasHtmlRoot('<!--'.repeat(50_000))).toBe(false)
    expect(hasHtmlRoot(`${'<?x?>'.repeat(50_000)}<html>`)).toBe(true)
    expect(performance.now() - started).toBeLessThan(1000)
  })
})

describe('XML answers still parse', () => {
  const dataContract = 'xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/IO.Swagger.Models"'

  it('an AccessTokenResponse with a BOM, a declaration and a comment before it', () => {
    const body = `\uFEFF<?xml version="1.0" encoding="utf-8"?>\n<!-- proxy -->\n<AccessTokenResponse ${dataContract}><access_token>a.b.c</access_token><expires_in>300</expires_in><token_type>Bearer</token_type></AccessTokenResponse>`
    expect(readAnswer('application/xml; charset=utf-8', body)).toEqual({ access_token: 'a.b.c', expires_in: '300', token_type: 'Bearer' })
    expect(readAnswer(undefined, body)).toEqual({ access_token: 'a.b.c', expires_in: '300', token_type: 'Bearer' })
  })

  it('an answer with a member whose text mentions <html> is not a page', () => {
    const body = `<AccessTokenResponse ${dataContract}><access_token>t</access_token><scope>&lt;html&gt;</scope></AccessTokenResponse>`
    expect(readXmlMembers(body)).toEqual({ root: 'AccessTokenResponse', members: { access_token: 't', scope: '<html>' } })
  })

  it('a Keycloak error dictionary in XML still gives its own sentence', () => {
    const body =
      '<ArrayOfKeyValueOfstringstring xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.microsoft.com/2003/10/Serialization/Arrays">' +
      '<KeyValueOfstringstring><Key>error</Key><Value>invalid_grant</Value></KeyValueOfstringstring>' +
      '<KeyValueOfstringstring><Key>error_description</Key><Value>Invalid user credentials</Value></KeyValueOfstringstring></ArrayOfKeyValueOfstringstring>'
    const error = tokenErrorFor(response(401, 'application/xml; charset=utf-8', body), context)
    expect(error.code).toBe('AUTH_REJECTED')
    expect(error.message).toBe('Wrong user name or password.')
  })

  it('a Web API {Message} error in XML still asks for another body format', () => {
    const body = '<Error><Message>The request is invalid.</Message></Error>'
    const error = tokenErrorFor(response(400, 'text/xml', body), context)
    expect(error.code).toBe('UPSTREAM_ERROR')
    expect(error.message).toBe('The server could not read the token request (HTTP 400: "The request is invalid."). Edit the account and try another Body format (JSON, XML or form).')
  })
})
