import { describe, expect, it } from 'vitest'
import type { FieldValues, SecretValues } from '../../../shared/model'
import { failure } from '../../testing/app-error'
import { bodyKindOf, buildRequest, inferContentType } from './request'
import { readRecipe } from './spec'
import { parseTemplate } from './template'

/** One concrete login request from a recipe and an account: the URL, headers, body and the secrets to redact. */

function build(fields: FieldValues, secrets: SecretValues = {}) {
  return buildRequest(readRecipe(fields), { id: 'acc', name: 'My API', fields, secrets })
}

async function refusal(fields: FieldValues, secrets: SecretValues = {}) {
  return failure(Promise.resolve().then(() => build(fields, secrets)))
}

describe('the body kind follows the media type', () => {
  it.each([
    ['application/json', 'json'],
    [' Application/JSON ; charset=utf-8', 'json'],
    ['text/json', 'json'],
    ['application/vnd.api+json', 'json'],
    ['application/x-www-form-urlencoded; charset=utf-8', 'form'],
    ['application/xml', 'xml'],
    ['text/xml', 'xml'],
    ['application/soap+xml', 'xml'],
    ['text/plain', 'text'],
    ['application/jsonp', 'text'],
    ['application/a/b+json', 'text'],
    ['application/+json', 'text'],
    ['xapplication/json', 'text'],
    ['application/vnd+xmlx', 'text'],
    ['x-application/vnd+json', 'text'],
    ['application/vnd+jsonx', 'text'],
    ['x-application/soap+xml', 'text'],
    ['', 'text']
  ])('%j is %s', (contentType, kind) => {
    expect(bodyKindOf(contentType)).toBe(kind)
  })
})

describe('without a Content-Type the body says what it is', () => {
  const inferred = (source: string): string => inferContentType(parseTemplate(source, 'Body', 'body'))
  it.each([
    ['{"user": "{{field:user}}"}', 'application/json'],
    ['  \n[1, 2]', 'application/json'],
    ['user={{field:user}}&password={{secret:password}}', 'application/x-www-form-urlencoded'],
    ['grant_type=password', 'application/x-www-form-urlencoded'],
    ['a=', 'application/x-www-form-urlencoded'],
    ['a=1&b=2 ', 'application/x-www-form-urlencoded'],
    ['a=1&bb=22&c=333', 'application/x-www-form-urlencoded'],
    ['a=1&', 'text/plain; charset=utf-8'],
    ['=1', 'text/plain; charset=utf-8'],
    ['a=1 b=2', 'text/plain; charset=utf-8'],
    ['a=b=c', 'application/x-www-form-urlencoded'],
    ['x a=1', 'text/plain; charset=utf-8'],
    ['a=1&b', 'text/plain; charset=utf-8'],
    ['{{secret:token}}', 'text/plain; charset=utf-8'],
    ['hello', 'text/plain; charset=utf-8']
  ])('%j is sent as %s', (source, type) => {
    expect(inferred(source)).toBe(type)
  })
})

describe('the URL', () => {
  it('a value at the very start is the base URL as is, its trailing slashes dropped before a path; values elsewhere are percent-encoded', () => {
    const request = build({ baseUrl: 'https://api.example.test/v1//', user: 'a b/c', url: '{{field:baseUrl}}/users/{{field:user}}?key={{secret:key}}' }, { key: 'k&=y' })
    expect(request.url).toBe('https://api.example.test/v1/users/a%20b%2Fc?key=k%26%3Dy')
    expect(request.secrets).toEqual(['k&=y'])
  })

  it('a base URL followed by something other than a path keeps its slashes', () => {
    expect(build({ baseUrl: 'https://api.example.test/v1/', url: '{{field:baseUrl}}?x=1', method: 'GET' }).url).toBe('https://api.example.test/v1/?x=1')
    expect(build({ baseUrl: 'https://api.example.test/v1/', url: '{{field:baseUrl}}' }).url).toBe('https://api.example.test/v1/')
  })

  it('a base64 secret in the URL is redacted in its encoded form too', () => {
    const request = build({ url: 'https://api.example.test/?auth={{base64:{{secret:p}}}}' }, { p: 'pw-1' })
    expect(request.secrets).toEqual(['pw-1', Buffer.from('pw-1').toString('base64')])
  })

  it('a value not at the start is encoded even when it looks like a URL', () => {
    expect(build({ target: 'https://x.test/', url: 'https://api.example.test/?next={{field:target}}' }).url).toBe('https://api.example.test/?next=https%3A%2F%2Fx.test%2F')
  })

  it.each(['.', '..'])('a dot segment (%j) filling a whole path segment is refused, naming the placeholder', async (dots) => {
    for (const url of ['https://api.example.test/tenants/{{field:tenant}}/token', 'https://api.example.test/tenants/{{field:tenant}}', 'https://api.example.test/{{field:tenant}}?a=1', 'https://api.example.test/{{field:tenant}}#top']) {
      const error = await refusal({ tenant: dots, url })
      expect(error.code, url).toBe('RECIPE_INVALID')
      expect(error.message, url).toBe(
        'The value of {{field:tenant}} is a dot segment (. or ..) filling a whole URL path segment: the address would silently lose it or go up one level, so TokenDesk does not send it. Check the stored value.'
      )
      expect(error.details).toEqual({ field: 'url' })
    }
  })

  it('dots that are part of a segment, in the query or the fragment, or a longer value, are sent (encoded)', () => {
    expect(build({ tenant: '..', url: 'https://api.example.test/t{{field:tenant}}/token' }).url).toBe('https://api.example.test/t../token')
    expect(build({ tenant: '..', url: 'https://api.example.test/tenants/{{field:tenant}}x' }).url).toBe('https://api.example.test/tenants/..x')
    expect(build({ tenant: '..', url: 'https://api.example.test/token?t=/{{field:tenant}}' }).url).toBe('https://api.example.test/token?t=/..')
    expect(build({ tenant: '..', url: 'https://api.example.test/token#/{{field:tenant}}/' }).url).toBe('https://api.example.test/token#/../')
    expect(build({ tenant: '...', url: 'https://api.example.test/tenants/{{field:tenant}}/token' }).url).toBe('https://api.example.test/tenants/.../token')
    expect(build({ tenant: 'a', url: 'https://api.example.test/tenants/{{field:tenant}}/token' }).url).toBe('https://api.example.test/tenants/a/token')
  })

  it('a URL that does not parse, or is not http(s), is refused naming the recipe URL', async () => {
    const broken = await refusal({ host: 'exa mple', url: '{{field:host}}/token' })
    expect(broken).toMatchObject({ code: 'RECIPE_INVALID', message: 'The URL {{field:host}}/token does not give a valid address. Check Base URL and the URL.', details: { field: 'url' } })
    const ftp = await refusal({ baseUrl: 'ftp://files.example.test', url: '{{field:baseUrl}}/token' })
    expect(ftp).toMatchObject({ code: 'RECIPE_INVALID', message: 'The URL {{field:baseUrl}}/token must give an https:// (or local http://) address.', details: { field: 'url' } })
    expect(build({ url: 'http://127.0.0.1:8080/token' }).url).toBe('http://127.0.0.1:8080/token')
    const long = `{{field:host}}/${'p'.repeat(300)}`
    expect((await refusal({ host: 'exa mple', url: long })).message).toBe(`The URL ${long.slice(0, 200)} does not give a valid address. Check Base URL and the URL.`)
  })

  it('variables win over account fields of the same name; a field with no value at all is refused', async () => {
    expect(build({ region: 'from-field', variables: 'tenant=from-variable', tenant: 'from-field', url: 'https://api.example.test/{{field:tenant}}' }).url).toBe(
      'https://api.example.test/from-variable'
    )
    expect(build({ url: 'https://api.example.test/{{field:body}}', body: '' }).url).toBe('https://api.example.test/')
    const recipe = readRecipe({ url: 'https://api.example.test/{{field:tenant}}', tenant: 'x' })
    const error = await failure(Promise.resolve().then(() => buildRequest(recipe, { id: 'acc', name: 'My API', fields: {}, secrets: {} })))
    expect(error).toMatchObject({ code: 'RECIPE_INVALID', message: '{{field:tenant}} has no value. Fill in the field or add "tenant=…" to Variables.', details: { field: 'url' } })
  })

  it('a secret that is not stored is refused before anything is built', async () => {
    const error = await refusal({ url: 'https://api.example.test/?k={{secret:apiKey}}' }, { apiKey: '' })
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'My API: apiKey is not stored. Edit it and enter the apiKey.' })
  })
})

describe('headers and body', () => {
  it('header names are lower-cased, repeated lines combine with a comma, values get their placeholders', () => {
    const request = build(
      { url: 'https://api.example.test/', headers: 'Accept: application/json\nX-Key: {{secret:key}}\naccept: text/plain', method: 'GET' },
      { key: 'secret-key-1' }
    )
    expect(request.headers).toEqual({ accept: 'application/json, text/plain', 'x-key': 'secret-key-1' })
    expect(request.body).toBeUndefined()
    expect(request.method).toBe('GET')
  })

  it('a header value with a line break is refused', async () => {
    const error = await refusal({ url: 'https://api.example.test/', headers: 'X-Key: {{secret:key}}' }, { key: 'a\r\nInjected: 1' })
    expect(error.code).toBe('RECIPE_INVALID')
  })

  it('a Basic header built from base64 of a secret is redacted in that form too', () => {
    const request = build({ url: 'https://api.example.test/', headers: 'Authorization: Basic {{base64:{{field:user}}:{{secret:password}}}}', user: 'jane' }, { password: 'pw-123456' })
    const encoded = Buffer.from('jane:pw-123456').toString('base64')
    expect(request.headers.authorization).toBe(`Basic ${encoded}`)
    expect(request.secrets).toEqual(['pw-123456', encoded])
  })

  it('the body is escaped for its Content-Type, inferred when none is given', () => {
    const secret = 'a"b&c<d> e'
    const json = build({ url: 'https://api.example.test/', body: '{"p": "{{secret:p}}"}' }, { p: secret })
    expect(json.headers['content-type']).toBe('application/json')
    expect(json.body).toBe('{"p": "a\\"b&c<d> e"}')
    const form = build({ url: 'https://api.example.test/', body: 'p={{secret:p}}' }, { p: secret })
    expect(form.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(form.body).toBe('p=a%22b%26c%3Cd%3E%20e')
    const xml = build({ url: 'https://api.example.test/', headers: 'Content-Type: application/xml', body: '<p>{{secret:p}}</p>' }, { p: secret })
    expect(xml.headers['content-type']).toBe('application/xml')
    expect(xml.body).toBe('<p>a&quot;b&amp;c&lt;d&gt; e</p>')
    const text = build({ url: 'https://api.example.test/', body: 'key {{secret:p}}' }, { p: secret })
    expect(text.headers['content-type']).toBe('text/plain; charset=utf-8')
    expect(text.body).toBe(`key ${secret}`)
    expect(text.secrets).toEqual([secret])
  })

  it('a Content-Type header given by the recipe is kept and chooses the escaping', () => {
    const request = build({ url: 'https://api.example.test/', headers: 'content-type: text/plain', body: '{"p": "{{secret:p}}"}' }, { p: 'a"b' })
    expect(request.headers['content-type']).toBe('text/plain')
    expect(request.body).toBe('{"p": "a"b"}')
  })

  it('a base64 secret in the body is redacted in its encoded form too', () => {
    const request = build({ url: 'https://api.example.test/', body: '{"auth": "{{base64:{{secret:p}}}}", "other": "{{secret:q}}"}' }, { p: 'pw', q: 'qq' })
    expect(request.secrets).toEqual(['pw', 'qq', Buffer.from('pw').toString('base64')])
  })
})
