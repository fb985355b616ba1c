import { describe, expect, it } from 'vitest'
import { json, useSandbox } from './test-support.js'

/** Bad requests of every kind get each API's own error answer; the sandbox never crashes or hangs. */

const sandbox = useSandbox({ bodyLimitBytes: 64 * 1024 })
const huge = 'x'.repeat(200 * 1024)
const post = (path: string, contentType: string | undefined, body: string | Uint8Array): Promise<Response> =>
  fetch(sandbox.url(path), { method: 'POST', headers: contentType === undefined ? {} : { 'content-type': contentType }, body })
const TOKEN = '/keycloak-proxy/api/v1/auth/token'
const NS = 'xmlns="http://schemas.datacontract.org/2004/07/IO.Swagger.Models"'

describe('bad input: huge bodies get 413 in each API shape', () => {
  it.each([
    ['Respoke', '/respoke/v1/admin-sessions', 'application/json', { error: 'request entity too large' }],
    ['Play Oxygen', '/play-oxygen/api/auth/session/1001', 'application/json', { errors: { detail: 'Request Entity Too Large' } }],
    ['Keycloak proxy', TOKEN, 'application/x-www-form-urlencoded', { Message: 'Maximum request length exceeded.' }]
  ])('%s', async (_api, path, contentType, body) => {
    const response = await post(path, contentType, huge)
    expect(response.status).toBe(413)
    expect(await response.json()).toEqual(body)
  })

  it('PocketPaw never reads the session-exchange body, so a huge one changes nothing', async () => {
    const response = await fetch(sandbox.url('/pocketpaw/api/auth/session'), { method: 'POST', headers: { authorization: 'Bearer wrong', 'content-type': 'application/json' }, body: huge })
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({ detail: 'Invalid master token' })
  })
})

describe('bad input: malformed bodies and wrong content types', () => {
  it('Respoke: binary garbage as JSON is 400 {"error"}; an unknown content type leaves the body empty (400 missing field)', async () => {
    const garbage = await post('/respoke/v1/admin-sessions', 'application/json', new Uint8Array([0xff, 0xfe, 0x00, 0x7b]))
    expect(garbage.status).toBe(400)
    expect(await garbage.json()).toEqual({ error: 'Invalid JSON in request body.' })
    const text = await post('/respoke/v1/tokens', 'text/plain', 'appId=x')
    expect(text.status).toBe(401)
    const noType = await post('/respoke/v1/session-tokens', undefined, new Uint8Array([1, 2, 3]))
    expect(noType.status).toBe(400)
    expect(await noType.json()).toEqual({ error: 'Missing required parameter: tokenId.' })
  })

  it('PocketPaw login: unparseable JSON is 400 "Invalid JSON body", a non-object is a plain 500, a wrong token 401', async () => {
    const malformed = await post('/pocketpaw/api/auth/login', 'application/json', '{')
    expect(malformed.status).toBe(400)
    expect(await malformed.json()).toEqual({ detail: 'Invalid JSON body' })
    const array = await post('/pocketpaw/api/auth/login', 'application/json', '[1]')
    expect(array.status).toBe(500)
    expect(await array.text()).toBe('Internal Server Error')
    const wrong = await fetch(sandbox.url('/pocketpaw/api/auth/login'), json({ token: 'nope' }))
    expect(wrong.status).toBe(401)
    expect(await wrong.json()).toEqual({ detail: 'Invalid access token' })
  })

  it('Play Oxygen: wrong field types are 422 with OpenApiSpex errors', async () => {
    const response = await fetch(sandbox.url('/play-oxygen/api/auth/session/1001'), json({ api_key: 5, secret: ['x'] }))
    expect(response.status).toBe(422)
    expect(await response.json()).toEqual({
      errors: [
        { title: 'Invalid value', source: { pointer: '/api_key' }, detail: 'Invalid string. Got: integer' },
        { title: 'Invalid value', source: { pointer: '/secret' }, detail: 'Invalid string. Got: list' }
      ]
    })
  })

  it.each([
    ['malformed JSON', 'application/json', '{"grant_type":'],
    ['a JSON array', 'application/json', '[]'],
    ['an object where a string belongs', 'text/json', '{"grant_type":{"x":1}}'],
    ['a non-boolean WindowsAuthentication', 'application/json', '{"WindowsAuthentication":"yes"}'],
    ['malformed XML', 'application/xml', `<TokenRequest ${NS}><grant_type>password</TokenRequest>`],
    ['XML with a DTD (entity expansion)', 'application/xml', `<!DOCTYPE lolz [<!ENTITY lol "lol">]><TokenRequest ${NS}><grant_type>&lol;</grant_type></TokenRequest>`],
    ['XML with the wrong root element', 'text/xml', `<Token ${NS}><grant_type>password</grant_type></Token>`],
    ['XML with markup inside a string member', 'application/xml', `<TokenRequest ${NS}><grant_type><b>password</b></grant_type></TokenRequest>`],
    ['a form with a non-boolean WindowsAuthentication', 'application/x-www-form-urlencoded', 'WindowsAuthentication=maybe&grant_type=password']
  ])('Keycloak proxy: %s is 400 {"Message":"The request is invalid."}', async (_case, contentType, body) => {
    const response = await fetch(sandbox.url(TOKEN), { method: 'POST', headers: { 'content-type': contentType, accept: 'application/json' }, body })
    expect(response.status).toBe(400)
    expect(((await response.json()) as { Message: string }).Message).toBe('The request is invalid.')
  })

  it('Keycloak proxy: a body without a content type is 415 for application/octet-stream', async () => {
    const response = await post(TOKEN, undefined, new Uint8Array([1, 2, 3]))
    expect(response.status).toBe(415)
    expect(((await response.json()) as { Message: string }).Message).toBe("The request entity's media type 'application/octet-stream' is not supported for this resource.")
  })

  it('Keycloak proxy: an empty body binds nothing and is 400 invalid_request (missing grant_type)', async () => {
    const response = await fetch(sandbox.url(TOKEN), { method: 'POST' })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ error: 'invalid_request', error_description: 'Missing form parameter: grant_type' })
  })

  it('Keycloak proxy: a 415 honours Accept: application/xml with the HttpError element', async () => {
    const response = await fetch(sandbox.url(TOKEN), { method: 'POST', headers: { 'content-type': 'text/plain', accept: 'application/xml' }, body: 'x' })
    expect(response.status).toBe(415)
    expect(response.headers.get('content-type')).toBe('application/xml; charset=utf-8')
    // fast-xml-parser escapes apostrophes (&apos;) where .NET would not: the same XML either way.
    expect(await response.text()).toMatch(/^<Error><Message>The request entity(&apos;|')s media type (&apos;|')text\/plain(&apos;|') is not supported/)
  })
})

describe('bad input: malformed credentials', () => {
  it('Keycloak proxy: a Basic header with a broken %-escape is an invalid client, not a crash', async () => {
    const basic = Buffer.from('%zz:%').toString('base64')
    const response = await fetch(sandbox.url(TOKEN), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` }, body: 'grant_type=client_credentials' })
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({ error: 'invalid_client', error_description: 'Invalid client or Invalid client credentials' })
  })

  it('PocketPaw: a cookie with a broken %-escape is simply not a valid token', async () => {
    await fetch(sandbox.url('/__sandbox/settings'), { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pocketpaw: { clientIsLocalhost: false } }) })
    const response = await fetch(sandbox.url('/pocketpaw/api/auth/logout'), { method: 'POST', headers: { cookie: 'pocketpaw_session=%E0%A4%A' } })
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({ detail: 'Unauthorized' })
  })

  it('Play Oxygen: a garbage bearer token is 401 invalid_token', async () => {
    const response = await fetch(sandbox.url('/play-oxygen/api/1001/po2_demo_123456789/customer'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer not.a.jwt' },
      body: JSON.stringify({ client_unique_customer_id: 'x' })
    })
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({ message: 'invalid_token' })
  })
})

describe('bad input: unknown routes and methods get each API\'s own 404/405', () => {
  it.each([
    ['/respoke/v2/tokens', 'GET', 404, { error: 'Not Found' }],
    ['/pocketpaw/api/nothing', 'GET', 404, { detail: 'Not Found' }],
    ['/pocketpaw/api/auth/session', 'GET', 405, { detail: 'Method Not Allowed' }],
    ['/play-oxygen/api/nothing', 'GET', 404, { errors: { detail: 'Not Found' } }],
    ['/keycloak-proxy/api/v1/auth/token', 'GET', 405, { Message: "The requested resource does not support http method 'GET'." }]
  ])('%s %s', async (path, method, status, body) => {
    const response = await fetch(sandbox.url(path), { method })
    expect(response.status).toBe(status)
    expect(await response.json()).toEqual(body)
  })

  it('Keycloak proxy unknown path: the Web API "No HTTP resource was found" message', async () => {
    const response = await fetch(sandbox.url('/keycloak-proxy/api/v2/auth/token'))
    expect(response.status).toBe(404)
    expect(((await response.json()) as { Message: string }).Message).toBe(
      `No HTTP resource was found that matches the request URI '${sandbox.sandbox.ready.origin}/keycloak-proxy/api/v2/auth/token'.`
    )
  })

  it('PocketPaw: an unknown /api path is 401 (auth runs before routing) for a non-localhost caller', async () => {
    await fetch(sandbox.url('/__sandbox/settings'), { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pocketpaw: { clientIsLocalhost: false } }) })
    const response = await fetch(sandbox.url('/pocketpaw/api/nothing'))
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({ detail: 'Unauthorized' })
  })

  it('PocketPaw: a trailing slash is a 307 redirect to the path without it (Starlette redirect_slashes)', async () => {
    const response = await fetch(sandbox.url('/pocketpaw/api/auth/session/'), { method: 'POST', redirect: 'manual' })
    expect(response.status).toBe(307)
    expect(response.headers.get('location')).toBe(sandbox.url('/pocketpaw/api/auth/session'))
  })
})

describe('bad input: the server survives all of the above', () => {
  it('still answers after a burst of bad requests', async () => {
    await Promise.all(
      Array.from({ length: 40 }, (_, index) => post(index % 2 === 0 ? TOKEN : '/respoke/v1/tokens', 'application/json', '{'.repeat(index + 1)))
    )
    const response = await fetch(sandbox.url('/__sandbox/ready'))
    expect(response.status).toBe(200)
  })
})
