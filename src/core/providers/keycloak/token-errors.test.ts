import { describe, expect, it } from 'vitest'
import type { HttpResponse } from '../../http/client'
import { quoteServer, tokenErrorFor, type KeycloakGrant } from './token-errors'

/**
 * Keycloak token-endpoint errors as sentences: each known error and description, the statuses
 * that fall back to the common sentence, and what may be quoted (bounded, one line, no secret).
 * keycloak-proxy.test.ts covers the same mapper through real exchanges and properties.
 */

const SECRET = 'client-secret-0042'

function answer(status: number, body: string, contentType = 'application/json'): HttpResponse {
  return { status, headers: { 'content-type': contentType }, body, url: 'https://auth.example.test/api/v1/auth/token', sentAt: 0, receivedAt: 0, skewMs: null, json: () => JSON.parse(body) as unknown }
}

const oauth = (status: number, error: string, description?: string): HttpResponse =>
  answer(status, JSON.stringify(description === undefined ? { error } : { error, error_description: description }))

const mapped = (response: HttpResponse, grant: KeycloakGrant = 'password', clientId = 'my-app') =>
  tokenErrorFor(response, { grant, clientId, purpose: 'Keycloak proxy password login', secrets: [SECRET] })

describe('quoting what the server said', () => {
  it('folds whitespace, trims, and cuts at 160 characters with an ellipsis', () => {
    expect(quoteServer('  a \n\t b  ', [])).toBe('a b')
    expect(quoteServer('x'.repeat(160), [])).toBe('x'.repeat(160))
    expect(quoteServer('x'.repeat(161), [])).toBe(`${'x'.repeat(159)}…`)
  })

  it('blanks every secret of 4 characters or more, also one the folding would join or split', () => {
    expect(quoteServer(`bad ${SECRET} and ${SECRET}`, [SECRET])).toBe('bad [redacted] and [redacted]')
    expect(quoteServer('code abc and abcd', ['abc', 'abcd'])).toBe('code abc and [redacted]')
    expect(quoteServer('pass a\nb c here', ['a b c'])).toBe('pass [redacted] here')
    expect(quoteServer('pass one\ntwo here', ['one\ntwo'])).toBe('pass [redacted] here')
  })
})

describe('invalid_grant', () => {
  it('on a refresh, whatever the description, the refresh token is dead', () => {
    for (const description of ['Token is not active', 'Invalid user credentials', undefined]) {
      const error = mapped(oauth(400, 'invalid_grant', description), 'refresh_token')
      expect(error.code).toBe('REFRESH_EXPIRED')
      expect(error.message).toBe('The refresh token expired or was already used — log in again.')
    }
  })

  it('on a login: wrong credentials, a disabled or unfinished account each have a sentence; others quote Keycloak', () => {
    expect(mapped(oauth(401, 'invalid_grant', 'Invalid user credentials'))).toMatchObject({
      code: 'AUTH_REJECTED',
      message: 'Wrong user name or password.',
      details: { status: 401, error: 'invalid_grant', reason: 'Invalid user credentials', fields: { username: 'Check the user name.', password: 'Check the password.' } }
    })
    const disabled = mapped(oauth(400, 'invalid_grant', 'Account disabled'))
    expect(disabled).toMatchObject({ code: 'AUTH_REJECTED', message: 'The user account is disabled in Keycloak. Ask a Keycloak administrator to enable it.' })
    expect(disabled.details).not.toHaveProperty('fields')
    const unfinished = mapped(oauth(400, 'invalid_grant', 'Account is not fully set up'))
    expect(unfinished.code).toBe('AUTH_REJECTED')
    expect(unfinished.message).toMatch(/^The user account is not fully set up: Keycloak has required actions pending/)
    expect(mapped(oauth(400, 'invalid_grant', `Session of ${SECRET} not active`)).message).toBe(
      'Keycloak refused the login: "Session of [redacted] not active". Check the user name and password.'
    )
  })
})

describe('client errors', () => {
  it.each([
    ['Client not allowed for direct access grants', 'Keycloak does not allow the password grant for client my-app.', /^Turn on "Direct access grants" .* or use the client_credentials grant\.$/],
    ['Client not enabled to retrieve service account', 'Keycloak does not allow the client_credentials grant for client my-app.', /^Turn on "Service accounts roles" .* or use the password grant\.$/],
    ['Public client not allowed to retrieve service account', 'Client my-app is public, and a public client cannot use the client_credentials grant.', /^Turn on "Client authentication" and "Service accounts roles" .*store the client secret here/],
    ['Bearer-only not allowed', 'Client my-app is bearer-only in Keycloak and cannot obtain tokens.', /^Use another client\.$/],
    ['Client requires user consent', 'Client my-app requires user consent, which a direct login cannot give.', /^Turn off "Consent required" for it in Keycloak, or use another client\.$/]
  ])('%s has its own sentence and fix, for unauthorized_client and invalid_client alike', (description, sentence, fix) => {
    for (const error of ['unauthorized_client', 'invalid_client']) {
      const mappedError = mapped(oauth(400, error, description))
      expect(mappedError.code).toBe('CLIENT_REJECTED')
      expect(mappedError.message).toBe(sentence)
      expect(mappedError.details?.fix).toMatch(fix)
      expect(mappedError.details).not.toHaveProperty('fields')
    }
  })

  it('a client ID holding a secret is not quoted back', () => {
    expect(mapped(oauth(400, 'unauthorized_client', 'Bearer-only not allowed'), 'password', `app-${SECRET}`).message).toBe(
      'Client app-[redacted] is bearer-only in Keycloak and cannot obtain tokens.'
    )
  })

  it('any other client error is the client-secret sentence naming both fields', () => {
    expect(mapped(oauth(401, 'invalid_client'))).toMatchObject({
      code: 'CLIENT_REJECTED',
      message: 'The client secret was rejected (or the client is unknown or disabled).',
      details: { fields: { clientId: 'Check the client ID.', clientSecret: 'Check the client secret.' } }
    })
  })
})

describe('request errors', () => {
  it('HTTPS required and a missing user name name their fields; other invalid_request quote the server', () => {
    expect(mapped(oauth(400, 'invalid_request', 'HTTPS required'))).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'The Keycloak realm requires HTTPS. Use an https:// base URL.',
      details: { fields: { baseUrl: 'Use https://.' } }
    })
    expect(mapped(oauth(400, 'invalid_request', 'Missing parameter: username and more'))).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'The server needs a user name for the password grant. Edit the account and enter the user name.'
    })
    expect(mapped(oauth(400, 'invalid_request', 'Missing parameter: password'))).toMatchObject({
      code: 'UPSTREAM_ERROR',
      message: 'Keycloak proxy password login failed (HTTP 400): the server said "Missing parameter: password".'
    })
    expect(mapped(oauth(400, 'invalid_grant_x', 'HTTPS required')).code).toBe('UPSTREAM_ERROR')
  })

  it('invalid_scope quotes the description when there is one', () => {
    expect(mapped(oauth(400, 'invalid_scope', 'Invalid scopes: x')).message).toBe(
      'Keycloak does not allow the requested scope for client my-app ("Invalid scopes: x"). Edit the client\'s Scope: use scopes assigned to the client in Keycloak, or leave it empty.'
    )
  })

  it('unsupported_grant_type names the grant in use', () => {
    expect(mapped(oauth(400, 'unsupported_grant_type'), 'refresh_token')).toMatchObject({
      code: 'UPSTREAM_ERROR',
      message: 'The server does not support the refresh_token grant. Choose another grant for client my-app.'
    })
  })

  it('an unknown error below 500 (not 401, 403 or 429) quotes the description, or else the error', () => {
    expect(mapped(oauth(499, 'odd_error', 'Odd thing'))).toMatchObject({ code: 'UPSTREAM_ERROR', message: 'Keycloak proxy password login failed (HTTP 499): the server said "Odd thing".' })
    expect(mapped(oauth(400, `odd_${SECRET}`)).message).toBe('Keycloak proxy password login failed (HTTP 400): the server said "odd_[redacted]".')
    expect(mapped(oauth(400, `odd_${SECRET}`)).details).toEqual({ status: 400, purpose: 'Keycloak proxy password login', error: 'odd_[redacted]' })
    expect(mapped(oauth(500, 'odd_error', 'Odd thing')).message).toMatch(/the server failed \(HTTP 500\)/)
    expect(mapped(oauth(403, 'odd_error')).code).toBe('AUTH_REJECTED')
  })
})

describe('answers that are not OAuth errors', () => {
  it('a 404 is the wrong address, whatever it says', () => {
    expect(mapped(oauth(404, 'invalid_grant', 'Invalid user credentials'))).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', details: { fields: { baseUrl: 'Check the base URL.' } } })
  })

  it('the Web API’s {"Message"}: 415 asks for another body format naming the field; other statuses are the common sentence', () => {
    expect(mapped(answer(415, '{"Message":"The request entity\'s media type is not supported."}'))).toMatchObject({
      code: 'UPSTREAM_ERROR',
      message: 'The server does not accept this account\'s body format (HTTP 415: "The request entity\'s media type is not supported."). Edit the account and choose another Body format (JSON, XML or form).',
      details: { fields: { bodyFormat: 'Try another body format.' } }
    })
    expect(mapped(answer(409, '{"Message":"Conflict here."}'))).toMatchObject({ code: 'UPSTREAM_ERROR', message: 'Keycloak proxy password login failed with HTTP 409. The server said: "Conflict here.".' })
  })

  it('a JSON answer without error or Message: below 500 the common sentence, not "wrong address"', () => {
    expect(mapped(answer(401, '{"detail":"no"}')).code).toBe('AUTH_REJECTED')
    expect(mapped(answer(400, '{"detail":"no"}')).code).toBe('UPSTREAM_ERROR')
  })

  it('a non-JSON 401 is the client secret; other non-JSON answers below 500 are the wrong address, 429 and 5xx the common sentence', () => {
    expect(mapped(answer(401, 'Unauthorized', 'text/plain'))).toMatchObject({ code: 'CLIENT_REJECTED', details: { status: 401, purpose: 'Keycloak proxy password login' } })
    expect(mapped(answer(499, '<html/>', 'text/html')).code).toBe('UPSTREAM_BAD_RESPONSE')
    expect(mapped(answer(500, '<html/>', 'text/html')).code).toBe('UPSTREAM_ERROR')
    expect(mapped(answer(429, '<html/>', 'text/html')).code).toBe('RATE_LIMITED')
  })
})
