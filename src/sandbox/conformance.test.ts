import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { KEYCLOAK_DEMO_CLIENTS, RESPOKE_DEMO } from './demo-data.js'
import { signSessionToken, verifySessionToken } from './pocketpaw.js'
import { form, json, jwtPart, patchSettings, useSandbox, type SandboxHandle } from './test-support.js'

/** seed-apis.md §5, rule by rule, over real HTTP. */

const UPPER_UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/
const LOWER_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const POCKETPAW_TOKEN = /^(\d+):([0-9a-f]{64})$/

const sandbox = useSandbox()
const demoApp = RESPOKE_DEMO.apps[0]
const nowSeconds = (): number => Math.floor(Date.now() / 1000)

async function respokeAdminToken(handle: SandboxHandle): Promise<string> {
  const response = await fetch(handle.url('/respoke/v1/admin-sessions'), json({ username: RESPOKE_DEMO.username, password: RESPOKE_DEMO.password }))
  const body = (await response.json()) as { token: string }
  return body.token
}

async function respokeTokenId(handle: SandboxHandle, ttl?: number | string): Promise<Record<string, unknown>> {
  const response = await fetch(handle.url('/respoke/v1/tokens'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'App-Secret': demoApp.secret },
    body: JSON.stringify({ appId: demoApp.id, endpointId: 'alice', roleId: demoApp.roles[0].id, ...(ttl === undefined ? {} : { ttl }) })
  })
  expect(response.status).toBe(200)
  return (await response.json()) as Record<string, unknown>
}

async function respokeAppToken(handle: SandboxHandle): Promise<string> {
  const { tokenId } = await respokeTokenId(handle)
  const response = await fetch(handle.url('/respoke/v1/session-tokens'), json({ tokenId }))
  return ((await response.json()) as { token: string }).token
}

describe('§5.1 Respoke', () => {
  it.each(['/v1/admin-sessions', '/v1/admin-sessions/', '/v1/adminsessions', '/v1/adminsessions/'])(
    'serves admin login at %s (docs route, legacy alias, with and without trailing slash)',
    async (path) => {
      const response = await fetch(sandbox.url(`/respoke${path}`), json({ username: RESPOKE_DEMO.username, password: RESPOKE_DEMO.password }))
      expect(response.status).toBe(200)
      const body = (await response.json()) as Record<string, unknown>
      expect(body.message).toBe('Authorization successful')
      expect(body.token).toMatch(UPPER_UUID)
    }
  )

  it.each(['/v1/session-tokens', '/v1/session-tokens/', '/v1/appauthsessions', '/v1/appauthsessions/'])(
    'serves the tokenId exchange at %s (current route, legacy name, with and without trailing slash)',
    async (path) => {
      const { tokenId } = await respokeTokenId(sandbox)
      const response = await fetch(sandbox.url(`/respoke${path}`), json({ tokenId }))
      expect(response.status).toBe(200)
      expect(await response.json()).toEqual({ message: 'Authorization successful', token: expect.stringMatching(UPPER_UUID) })
    }
  )

  it('accepts form-urlencoded bodies like the mobile SDKs send (admin login, tokens, session-tokens)', async () => {
    const login = await fetch(sandbox.url('/respoke/v1/admin-sessions'), form({ username: RESPOKE_DEMO.username, password: RESPOKE_DEMO.password }))
    expect(login.status).toBe(200)
    const tokens = await fetch(sandbox.url('/respoke/v1/tokens'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'app-secret': demoApp.secret },
      body: new URLSearchParams({ appId: demoApp.id, endpointId: 'bob', roleId: demoApp.roles[0].id, ttl: '21600' }).toString()
    })
    expect(tokens.status).toBe(200)
    const issued = (await tokens.json()) as { tokenId: string; createTime: number; expiryTime: number }
    expect(issued.expiryTime - issued.createTime).toBe(21600)
    const session = await fetch(sandbox.url('/respoke/v1/session-tokens'), form({ tokenId: issued.tokenId }))
    expect(session.status).toBe(200)
  })

  it('uses UPPERCASE UUIDs for Admin-Token, tokenId and App-Token and lowercase UUIDs for appId and App-Secret', async () => {
    expect(await respokeAdminToken(sandbox)).toMatch(UPPER_UUID)
    const issued = await respokeTokenId(sandbox)
    expect(issued.tokenId).toMatch(UPPER_UUID)
    expect(issued.appId).toMatch(LOWER_UUID)
    expect(sandbox.sandbox.ready.credentials.respoke.apps[0]?.appSecret).toMatch(LOWER_UUID)
    const session = await fetch(sandbox.url('/respoke/v1/session-tokens'), json({ tokenId: issued.tokenId }))
    expect(((await session.json()) as { token: string }).token).toMatch(UPPER_UUID)
  })

  it('returns the full tokenId object from POST /v1/tokens with expiryTime = createTime + ttl in unix seconds', async () => {
    const before = nowSeconds()
    const issued = await respokeTokenId(sandbox, 3600)
    expect(Object.keys(issued)).toEqual(['appId', 'endpointId', 'roleId', 'accountId', 'createTime', 'expiryTime', 'id', 'forDevelopment', 'createdAt', 'tokenId'])
    expect(issued.id).toBe(issued.tokenId)
    expect(issued.createTime).toBeGreaterThanOrEqual(before)
    expect(issued.createTime).toBeLessThanOrEqual(nowSeconds())
    expect(issued.expiryTime).toBe((issued.createTime as number) + 3600)
    expect(issued.forDevelopment).toBe(false)
    expect(issued.accountId).toBe(RESPOKE_DEMO.accountId)
    expect(issued.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
  })

  it('accepts ttl as a string and defaults it to 86400 when absent', async () => {
    const asString = await respokeTokenId(sandbox, '120')
    expect((asString.expiryTime as number) - (asString.createTime as number)).toBe(120)
    const absent = await respokeTokenId(sandbox)
    expect((absent.expiryTime as number) - (absent.createTime as number)).toBe(86400)
  })

  it('accepts an Admin-Token instead of App-Secret on POST /v1/tokens', async () => {
    const response = await fetch(sandbox.url('/respoke/v1/tokens'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Admin-Token': await respokeAdminToken(sandbox) },
      body: JSON.stringify({ appId: demoApp.id, endpointId: 'carol', roleName: 'demo-role' })
    })
    expect(response.status).toBe(200)
    expect(((await response.json()) as { roleId: string }).roleId).toBe(demoApp.roles[0].id)
  })

  it('treats a tokenId as single-use: the second exchange is 401 {"error"}', async () => {
    const { tokenId } = await respokeTokenId(sandbox)
    expect((await fetch(sandbox.url('/respoke/v1/session-tokens'), json({ tokenId }))).status).toBe(200)
    const again = await fetch(sandbox.url('/respoke/v1/session-tokens'), json({ tokenId }))
    expect(again.status).toBe(401)
    expect(await again.json()).toEqual({ error: 'This tokenId has already been used.' })
  })

  it('needs no auth header on /v1/session-tokens (and ignores an App-Secret sent along)', async () => {
    const { tokenId } = await respokeTokenId(sandbox)
    const response = await fetch(sandbox.url('/respoke/v1/session-tokens'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'App-Secret': demoApp.secret },
      body: JSON.stringify({ tokenId, appId: demoApp.id })
    })
    expect(response.status).toBe(200)
  })

  it('logs the session out on DELETE /v1/session-tokens with App-Token', async () => {
    const appToken = await respokeAppToken(sandbox)
    expect((await fetch(sandbox.url('/respoke/v1/turn'), { method: 'POST', headers: { 'App-Token': appToken } })).status).toBe(200)
    const logout = await fetch(sandbox.url('/respoke/v1/session-tokens'), { method: 'DELETE', headers: { 'app-token': appToken } })
    expect(logout.status).toBe(200)
    const after = await fetch(sandbox.url('/respoke/v1/turn'), { method: 'POST', headers: { 'App-Token': appToken } })
    expect(after.status).toBe(401)
    expect(await after.json()).toEqual({ error: 'Invalid or expired App-Token.' })
  })

  it('returns an array from GET /v1/apps with Admin-Token (secrets redacted) and 401 without it', async () => {
    const response = await fetch(sandbox.url('/respoke/v1/apps'), { headers: { 'Admin-Token': await respokeAdminToken(sandbox) } })
    expect(response.status).toBe(200)
    const apps = (await response.json()) as Record<string, unknown>[]
    expect(Array.isArray(apps)).toBe(true)
    expect(apps[0]).toMatchObject({ id: demoApp.id, accountId: RESPOKE_DEMO.accountId, locked: false, permittedDomains: null, secret: '<redacted>' })
    const denied = await fetch(sandbox.url('/respoke/v1/apps'))
    expect(denied.status).toBe(401)
    expect(await denied.json()).toEqual({ error: 'Invalid or expired Admin-Token.' })
  })

  it.each([
    ['missing password', '/respoke/v1/admin-sessions', json({ username: RESPOKE_DEMO.username }), 400, 'Missing required parameter: password.'],
    ['wrong password', '/respoke/v1/admin-sessions', json({ username: RESPOKE_DEMO.username, password: 'nope' }), 401, 'Invalid username or password.'],
    ['missing tokenId', '/respoke/v1/session-tokens', json({}), 400, 'Missing required parameter: tokenId.'],
    ['unknown tokenId', '/respoke/v1/session-tokens', json({ tokenId: 'E44902BA-639B-4EAD-9C88-CD846146BB19' }), 401, 'Invalid tokenId.'],
    ['malformed JSON', '/respoke/v1/admin-sessions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":' }, 400, 'Invalid JSON in request body.'],
    ['unknown route', '/respoke/v1/', { method: 'GET' }, 404, 'Not Found'],
    ['PUT tokens (a seed artifact)', '/respoke/v1/tokens/', { method: 'PUT' }, 404, 'Not Found']
  ])('answers errors as {"error": "..."}: %s', async (_case, path, init, status, message) => {
    const response = await fetch(sandbox.url(path), init)
    expect(response.status).toBe(status)
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(await response.json()).toEqual({ error: message })
  })

  it('answers 400 when roleId is missing for an app not in development mode, and accepts it missing in development mode', async () => {
    const strict = await fetch(sandbox.url('/respoke/v1/tokens'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'App-Secret': demoApp.secret },
      body: JSON.stringify({ appId: demoApp.id, endpointId: 'dave' })
    })
    expect(strict.status).toBe(400)
    const devApp = RESPOKE_DEMO.apps[1]
    const relaxed = await fetch(sandbox.url('/respoke/v1/tokens'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'App-Secret': devApp.secret },
      body: JSON.stringify({ appId: devApp.id, endpointId: 'dave' })
    })
    expect(relaxed.status).toBe(200)
    expect(((await relaxed.json()) as { forDevelopment: boolean }).forDevelopment).toBe(true)
  })

  it('sends Request-Id and Ratelimit-* headers on successes and errors', async () => {
    for (const response of [
      await fetch(sandbox.url('/respoke/v1/admin-sessions'), json({ username: RESPOKE_DEMO.username, password: RESPOKE_DEMO.password })),
      await fetch(sandbox.url('/respoke/v1/apps'))
    ]) {
      expect(response.headers.get('request-id')).toMatch(LOWER_UUID)
      expect(response.headers.get('ratelimit-limit')).toBe('10')
      expect(response.headers.get('ratelimit-time-units')).toBe('seconds')
      expect(response.headers.get('ratelimit-remaining')).toMatch(/^\d+$/)
    }
  })

  it('answers 429 {"error"} with Ratelimit-* headers once rate-limit enforcement is on and the limit is exceeded', async () => {
    await patchSettings(sandbox, { respoke: { enforceRateLimit: true, rateLimitPerSecond: 2 } })
    // A one-second window: keep asking until the limit bites (at most a window boundary in between).
    let last: Response | undefined
    for (let attempt = 0; attempt < 20 && last?.status !== 429; attempt++) {
      last = await fetch(sandbox.url('/respoke/v1/apps'), { headers: { 'Admin-Token': 'rate-limit-probe' } })
    }
    expect(last?.status).toBe(429)
    expect(await last?.json()).toEqual({ error: 'API rate limit was exceeded.' })
    expect(last?.headers.get('ratelimit-remaining')).toBe('0')
  })

  it('matches routes case-insensitively like Express under Sails (/v1/Admin-Sessions)', async () => {
    const response = await fetch(sandbox.url('/respoke/v1/Admin-Sessions'), json({ username: RESPOKE_DEMO.username, password: RESPOKE_DEMO.password }))
    expect(response.status).toBe(200)
  })

  it('answers JSON even when a mobile SDK sends Accept: application/xml', async () => {
    const response = await fetch(sandbox.url('/respoke/v1/admin-sessions'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/xml' },
      body: new URLSearchParams({ username: RESPOKE_DEMO.username, password: RESPOKE_DEMO.password }).toString()
    })
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(((await response.json()) as { message: string }).message).toBe('Authorization successful')
  })

  it.each(['', 'null', 'undefined'])(
    'authenticates with the first auth header that has a real value (Admin-Token > App-Secret > App-Token), ignoring ones sent as %j (respoke-admin sends them)',
    async (blank) => {
      const adminToken = await respokeAdminToken(sandbox)
      const call = (method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Response> =>
        fetch(sandbox.url(`/respoke/v1${path}`), {
          method,
          headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body)
        })
      const asAdmin = { 'Admin-Token': adminToken, 'App-Secret': blank, 'App-Token': blank }
      expect((await call('POST', '/tokens', asAdmin, { appId: demoApp.id, endpointId: 'erin', roleId: demoApp.roles[0].id })).status).toBe(200)
      expect((await call('GET', '/apps', asAdmin)).status).toBe(200)
      expect((await call('POST', '/apps', asAdmin, { name: 'blank headers' })).status).toBe(200)
      expect((await call('GET', `/apps/${demoApp.id}`, asAdmin)).status).toBe(200)
      expect((await call('GET', `/roles?appId=${demoApp.id}`, asAdmin)).status).toBe(200)
      const created = await call('POST', '/roles', asAdmin, { appId: demoApp.id, name: 'blank-headers' })
      expect(created.status).toBe(200)
      const { id: roleId } = (await created.json()) as { id: string }
      expect((await call('GET', `/roles/${roleId}`, asAdmin)).status).toBe(200)
      expect((await call('PUT', `/roles/${roleId}`, asAdmin, { name: 'renamed' })).status).toBe(200)
      expect((await call('DELETE', `/roles/${roleId}`, asAdmin)).status).toBe(200)
      // A blank Admin-Token falls through to App-Secret; blank Admin-Token/App-Secret fall through to App-Token.
      const asApp = { 'Admin-Token': blank, 'App-Secret': demoApp.secret, 'App-Token': blank }
      expect((await call('POST', '/tokens', asApp, { appId: demoApp.id, endpointId: 'erin', roleId: demoApp.roles[0].id })).status).toBe(200)
      const asSession = { 'Admin-Token': blank, 'App-Secret': blank, 'App-Token': await respokeAppToken(sandbox) }
      expect((await call('POST', '/turn', asSession)).status).toBe(200)
      expect((await call('DELETE', '/session-tokens', asSession)).status).toBe(200)
      // Both real: the Admin-Token decides, so another app's App-Secret does not narrow it.
      const otherSecret = { 'Admin-Token': adminToken, 'App-Secret': RESPOKE_DEMO.apps[1].secret }
      expect((await call('GET', `/apps/${demoApp.id}`, otherSecret)).status).toBe(200)
    }
  )

  it('bounds the App-Token by the tokenId ttl', async () => {
    const { tokenId } = await respokeTokenId(sandbox, 5)
    const session = await fetch(sandbox.url('/respoke/v1/session-tokens'), json({ tokenId }))
    const { token } = (await session.json()) as { token: string }
    await patchSettings(sandbox, { clockOffsetSeconds: 10 })
    expect((await fetch(sandbox.url('/respoke/v1/turn'), { method: 'POST', headers: { 'App-Token': token } })).status).toBe(401)
  })
})

describe('§5.2 PocketPaw', () => {
  const master = (): string => sandbox.sandbox.ready.credentials.pocketpaw.masterToken
  const exchange = (authorization?: string, query = ''): Promise<Response> =>
    fetch(sandbox.url(`/pocketpaw/api/auth/session${query}`), { method: 'POST', headers: authorization === undefined ? {} : { authorization } })

  it('computes the spec worked vector: master "test-master-token-123", expires 1705312200', () => {
    const expected = '1705312200:cec5be06e6f5cd39afe1d3defd0e7e699a67bfbff94aaa91a80f4b4a9c2b48cb'
    expect(signSessionToken('test-master-token-123', 1705312200)).toBe(expected)
    expect(createHmac('sha256', 'test-master-token-123').update('1705312200').digest('hex')).toBe(expected.split(':')[1])
  })

  it('issues "<unix_exp>:<hex HMAC-SHA256(key=master, msg=str(exp))>" with no session: prefix', async () => {
    const before = nowSeconds()
    const response = await exchange(`Bearer ${master()}`)
    expect(response.status).toBe(200)
    const body = (await response.json()) as { session_token: string; expires_in_hours: number }
    expect(Object.keys(body)).toEqual(['session_token', 'expires_in_hours'])
    const match = POCKETPAW_TOKEN.exec(body.session_token)
    expect(match).not.toBeNull()
    const [, expires = '', signature] = match ?? []
    expect(Number(expires) - before).toBeGreaterThanOrEqual(86400)
    expect(Number(expires) - nowSeconds()).toBeLessThanOrEqual(86400)
    expect(signature).toBe(createHmac('sha256', master()).update(expires).digest('hex'))
    expect(body.session_token.startsWith('session:')).toBe(false)
  })

  it('verifies tokens until exp inclusive, case-sensitively, and rejects the docs-style session: prefix', () => {
    const token = signSessionToken('m', 1000)
    expect(verifySessionToken(token, 'm', 1000)).toBe(true)
    expect(verifySessionToken(token, 'm', 1001)).toBe(false)
    expect(verifySessionToken(token.toUpperCase(), 'm', 999)).toBe(false)
    expect(verifySessionToken(`session:${token}`, 'm', 999)).toBe(false)
    expect(verifySessionToken(token, 'other-master', 999)).toBe(false)
  })

  it('reports expires_in_hours as the configured TTL (default 24)', async () => {
    expect(((await (await exchange(`Bearer ${master()}`)).json()) as { expires_in_hours: number }).expires_in_hours).toBe(24)
    await patchSettings(sandbox, { lifetimes: { pocketpawSessionSeconds: 7200 } })
    const body = (await (await exchange(`Bearer ${master()}`)).json()) as { session_token: string; expires_in_hours: number }
    expect(body.expires_in_hours).toBe(2)
    expect(Number(body.session_token.split(':')[0]) - nowSeconds()).toBeLessThanOrEqual(7200)
  })

  it('serves the same exchange at /api/v1/auth/session', async () => {
    const response = await fetch(sandbox.url('/pocketpaw/api/v1/auth/session'), { method: 'POST', headers: { authorization: `Bearer ${master()}` } })
    expect(response.status).toBe(200)
  })

  it('exchanges only the master token: a valid session token as Bearer is 401 "Invalid master token"', async () => {
    const { session_token: session } = (await (await exchange(`Bearer ${master()}`)).json()) as { session_token: string }
    for (const clientIsLocalhost of [true, false]) {
      await patchSettings(sandbox, { pocketpaw: { clientIsLocalhost } })
      const response = await exchange(`Bearer ${session}`)
      expect(response.status).toBe(401)
      expect(await response.json()).toEqual({ detail: 'Invalid master token' })
    }
  })

  it('answers 401 {"detail":"Invalid master token"} to a localhost client and {"detail":"Unauthorized"} to a non-localhost client', async () => {
    const local = await exchange('Bearer wrong-master')
    expect(local.status).toBe(401)
    expect(await local.json()).toEqual({ detail: 'Invalid master token' })
    await patchSettings(sandbox, { pocketpaw: { clientIsLocalhost: false } })
    for (const authorization of ['Bearer wrong-master', undefined, 'Bearer 1:abc']) {
      const remote = await exchange(authorization)
      expect(remote.status).toBe(401)
      expect(await remote.json()).toEqual({ detail: 'Unauthorized' })
    }
  })

  it('treats the "Bearer " prefix case-sensitively (lowercase bearer is rejected)', async () => {
    const response = await exchange(`bearer ${master()}`)
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({ detail: 'Invalid master token' })
    await patchSettings(sandbox, { pocketpaw: { clientIsLocalhost: false } })
    expect(await (await exchange(`bearer ${master()}`)).json()).toEqual({ detail: 'Unauthorized' })
  })

  it('gives ?token= precedence over the Authorization header in the middleware', async () => {
    await patchSettings(sandbox, { pocketpaw: { clientIsLocalhost: false } })
    const garbageQuery = await exchange(`Bearer ${master()}`, '?token=garbage')
    expect(garbageQuery.status).toBe(401)
    expect(await garbageQuery.json()).toEqual({ detail: 'Unauthorized' })
    const session = signSessionToken(master(), nowSeconds() + 60)
    const validQuery = await fetch(sandbox.url(`/pocketpaw/api/auth/logout?token=${encodeURIComponent(session)}`), {
      method: 'POST',
      headers: { authorization: 'Bearer garbage' }
    })
    expect(validQuery.status).toBe(200)
    expect(await validQuery.json()).toEqual({ ok: true })
  })

  it('still accepts a valid pocketpaw_session cookie when the ?token= or Bearer credential before it fails (query, then header, then cookie)', async () => {
    await patchSettings(sandbox, { pocketpaw: { clientIsLocalhost: false } })
    const login = await fetch(sandbox.url('/pocketpaw/api/auth/login'), json({ token: master() }))
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    expect(cookie).toMatch(/^pocketpaw_session=\d+:[0-9a-f]{64}$/)
    const logout = (query: string, headers: Record<string, string>): Promise<Response> =>
      fetch(sandbox.url(`/pocketpaw/api/auth/logout${query}`), { method: 'POST', headers })
    for (const [query, headers] of [
      ['', { cookie }],
      ['', { authorization: 'Bearer garbage', cookie }],
      ['', { authorization: 'Basic Zm9vOmJhcg==', cookie }],
      ['?token=garbage', { cookie }],
      ['?token=garbage', { authorization: `Bearer ${master()}`, cookie }]
    ] as const) {
      const response = await logout(query, headers)
      expect(response.status).toBe(200)
      expect(await response.json()).toEqual({ ok: true })
    }
    // Without the cookie the failing credential is final; a bad cookie is no credential either.
    expect((await logout('', { authorization: 'Bearer garbage' })).status).toBe(401)
    expect((await logout('?token=garbage', { authorization: `Bearer ${master()}` })).status).toBe(401)
    expect((await logout('', { authorization: 'Bearer garbage', cookie: 'pocketpaw_session=1:abc' })).status).toBe(401)
  })

  it('rate-limits /api/auth/session at 1/s burst 5: the sixth request is 429 {"detail":"Too many requests"} with Retry-After', async () => {
    const statuses: number[] = []
    for (let attempt = 0; attempt < 5; attempt++) statuses.push((await exchange(`Bearer ${master()}`)).status)
    const limited = await exchange(`Bearer ${master()}`)
    expect(statuses).toEqual([200, 200, 200, 200, 200])
    expect(limited.status).toBe(429)
    expect(await limited.json()).toEqual({ detail: 'Too many requests' })
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    // /api/v1/auth/session uses the general limiter (10/s burst 30), not the auth one.
    expect((await fetch(sandbox.url('/pocketpaw/api/v1/auth/session'), { method: 'POST', headers: { authorization: `Bearer ${master()}` } })).status).toBe(200)
  })

  it('sends X-RateLimit-Reset as the seconds until the bucket is full again (not an epoch), equal to Retry-After on a 429', async () => {
    const first = await exchange(`Bearer ${master()}`)
    expect(first.headers.get('x-ratelimit-limit')).toBe('5')
    expect(first.headers.get('x-ratelimit-remaining')).toBe('4')
    // One token taken from a bucket of 5 refilling at 1/s: full again in 1 s.
    expect(first.headers.get('x-ratelimit-reset')).toBe('1')
    let limited = first
    for (let attempt = 0; attempt < 10 && limited.status !== 429; attempt++) limited = await exchange(`Bearer ${master()}`)
    expect(limited.status).toBe(429)
    expect(limited.headers.get('x-ratelimit-reset')).toBe(limited.headers.get('retry-after'))
    expect(Number(limited.headers.get('x-ratelimit-reset'))).toBeLessThanOrEqual(1)
    const general = await fetch(sandbox.url('/pocketpaw/api/auth/logout'), { method: 'POST' })
    expect(general.headers.get('x-ratelimit-limit')).toBe('30')
    // 1 of 30 taken at 10/s: ceil(0.1 s).
    expect(general.headers.get('x-ratelimit-reset')).toBe('1')
  })

  it('does not rate-limit exempt paths (/api/auth/login, /api/qr, the docs, /api/v1/oauth/token, /webhook/*)', async () => {
    const exempt = ['/api/auth/login', '/api/v1/auth/login', '/api/qr', '/api/v1/docs', '/api/v1/openapi.json', '/api/v1/oauth/token', '/webhook/telegram']
    for (const path of exempt) {
      // More than the general bucket's burst (30) in a burst of requests: none is limited or counted.
      for (let attempt = 0; attempt < 35; attempt++) {
        const response = await fetch(sandbox.url(`/pocketpaw${path}`), json({ token: 'wrong' }))
        expect(response.status, `${path} #${attempt + 1}`).not.toBe(429)
        expect(response.headers.get('x-ratelimit-limit')).toBeNull()
      }
    }
    // The general bucket is untouched by all of that.
    const protectedCall = await fetch(sandbox.url('/pocketpaw/api/auth/logout'), { method: 'POST' })
    expect(protectedCall.headers.get('x-ratelimit-remaining')).toBe('29')
  })

  it('invalidates every session token when the master token is regenerated', async () => {
    await patchSettings(sandbox, { pocketpaw: { clientIsLocalhost: false } })
    const { session_token: session } = (await (await exchange(`Bearer ${master()}`)).json()) as { session_token: string }
    const logout = (): Promise<Response> => fetch(sandbox.url('/pocketpaw/api/auth/logout'), { method: 'POST', headers: { authorization: `Bearer ${session}` } })
    expect((await logout()).status).toBe(200)
    const regenerated = await fetch(sandbox.url('/pocketpaw/api/token/regenerate'), { method: 'POST', headers: { authorization: `Bearer ${session}` } })
    expect(regenerated.status).toBe(200)
    const { token: newMaster } = (await regenerated.json()) as { token: string }
    expect(newMaster).toMatch(LOWER_UUID)
    const after = await logout()
    expect(after.status).toBe(401)
    expect(await after.json()).toEqual({ detail: 'Unauthorized' })
    expect((await exchange(`Bearer ${master()}`)).status).toBe(401)
    expect((await exchange(`Bearer ${newMaster}`)).status).toBe(200)
  })

  it.each(['/api/auth/login', '/api/v1/auth/login'])(
    'logs in at %s with the master token only: a valid session token is 401 {"detail":"Invalid access token"}',
    async (path) => {
      const session = signSessionToken(master(), nowSeconds() + 3600)
      for (const clientIsLocalhost of [true, false]) {
        await patchSettings(sandbox, { pocketpaw: { clientIsLocalhost } })
        const refused = await fetch(sandbox.url(`/pocketpaw${path}`), json({ token: session }))
        expect(refused.status).toBe(401)
        expect(await refused.json()).toEqual({ detail: 'Invalid access token' })
        expect(refused.headers.get('set-cookie')).toBeNull()
      }
      const accepted = await fetch(sandbox.url(`/pocketpaw${path}`), json({ token: ` ${master()} ` }))
      expect(accepted.status).toBe(200)
      expect(await accepted.json()).toEqual({ ok: true })
      expect(accepted.headers.get('set-cookie')).toMatch(/^pocketpaw_session=\d+:[0-9a-f]{64};/)
    }
  )

  it.each(['/api/v1/health', '/api/health'])(
    'serves GET %s behind the middleware: 200 HealthSummary for a valid token, 401 {"detail":"Unauthorized"} otherwise (a token check)',
    async (path) => {
      await patchSettings(sandbox, { pocketpaw: { clientIsLocalhost: false }, lifetimes: { pocketpawSessionSeconds: 60 } })
      const health = (query: string, headers: Record<string, string> = {}): Promise<Response> => fetch(sandbox.url(`/pocketpaw${path}${query}`), { headers })
      const { session_token: session } = (await (await exchange(`Bearer ${master()}`)).json()) as { session_token: string }
      for (const [query, headers] of [
        ['', { authorization: `Bearer ${session}` }],
        ['', { authorization: `Bearer ${master()}` }],
        [`?token=${encodeURIComponent(session)}`, {}],
        ['', { cookie: `pocketpaw_session=${session}` }]
      ] as const) {
        const ok = await health(query, headers)
        expect(ok.status).toBe(200)
        expect(ok.headers.get('content-type')).toBe('application/json; charset=utf-8')
        expect(Object.keys((await ok.json()) as object)).toEqual(['status', 'message', 'check_count', 'issues', 'error', 'active_backend', 'fallback_backends'])
      }
      const foreign = signSessionToken('another-master', nowSeconds() + 60)
      for (const authorization of [undefined, 'Bearer garbage', `Bearer ${foreign}`, `bearer ${session}`]) {
        const denied = await health('', authorization === undefined ? {} : { authorization })
        expect(denied.status).toBe(401)
        expect(await denied.json()).toEqual({ detail: 'Unauthorized' })
      }
      await patchSettings(sandbox, { clockOffsetSeconds: 61 })
      expect((await health('', { authorization: `Bearer ${session}` })).status).toBe(401)
      // The real default: a genuine-localhost caller passes without any token (bypass on).
      await patchSettings(sandbox, { pocketpaw: { clientIsLocalhost: true } })
      expect((await health('', { authorization: 'Bearer garbage' })).status).toBe(200)
      await patchSettings(sandbox, { pocketpaw: { localhostAuthBypass: false } })
      expect((await health('', { authorization: 'Bearer garbage' })).status).toBe(401)
    }
  )

  it('rejects an expired session token (exp in the past by the server clock)', async () => {
    await patchSettings(sandbox, { pocketpaw: { clientIsLocalhost: false }, lifetimes: { pocketpawSessionSeconds: 5 } })
    const { session_token: session } = (await (await exchange(`Bearer ${master()}`)).json()) as { session_token: string }
    await patchSettings(sandbox, { clockOffsetSeconds: 10 })
    const response = await fetch(sandbox.url('/pocketpaw/api/auth/logout'), { method: 'POST', headers: { authorization: `Bearer ${session}` } })
    expect(response.status).toBe(401)
  })
})

describe('§5.3 Play Oxygen', () => {
  const client = (): { clientId: string; apiKey: string; secret: string } => {
    const first = sandbox.sandbox.ready.credentials.playOxygen.clients[0]
    if (!first) throw new Error('no demo client')
    return first
  }
  const login = (clientId = client().clientId, body: unknown = { api_key: client().apiKey, secret: client().secret }): Promise<Response> =>
    fetch(sandbox.url(`/play-oxygen/api/auth/session/${clientId}`), json(body))

  it('returns {"token": <HS512 JWT>} from POST /api/auth/session/{client_id} with {api_key, secret}', async () => {
    const response = await login()
    expect(response.status).toBe(200)
    const body = (await response.json()) as { token: string }
    expect(Object.keys(body)).toEqual(['token'])
    expect(body.token.startsWith('eyJhbGciOiJIUzUxMiIsIn')).toBe(true)
    expect(jwtPart(body.token, 0)).toEqual({ alg: 'HS512', typ: 'JWT' })
  })

  it('carries the expiry only in the exp claim, with Guardian claims and a 4-week default', async () => {
    const { token } = (await (await login()).json()) as { token: string }
    const claims = jwtPart(token, 1)
    expect(claims).toMatchObject({ iss: 'po2', aud: 'po2', typ: 'access', sub: client().clientId })
    expect(claims.jti).toMatch(LOWER_UUID)
    const iat = claims.iat as number
    expect(claims.nbf).toBe(iat - 1)
    expect(claims.exp).toBe(iat + 2_419_200)
    await patchSettings(sandbox, { lifetimes: { playOxygenTokenSeconds: 30 } })
    const short = jwtPart(((await (await login()).json()) as { token: string }).token, 1)
    expect((short.exp as number) - (short.iat as number)).toBe(30)
  })

  it('accepts Bearer and bearer on resource routes that embed {client_id}/{api_key} in the path', async () => {
    const { token } = (await (await login()).json()) as { token: string }
    const { clientId, apiKey } = client()
    for (const scheme of ['Bearer', 'bearer']) {
      const response = await fetch(sandbox.url(`/play-oxygen/api/${clientId}/${apiKey}/customer`), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `${scheme} ${token}` },
        body: JSON.stringify({ client_unique_customer_id: 'some_value_123456789' })
      })
      expect(response.status).toBe(200)
      expect(await response.json()).toEqual({ client_unique_customer_id: 'some_value_123456789', po2_id: expect.stringMatching(/^customer_\d+$/) })
    }
    const wallet = await fetch(sandbox.url(`/play-oxygen/api/${clientId}/${apiKey}/wallet`), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ client_unique_customer_id: 'c1', currency: 'usd' })
    })
    expect(await wallet.json()).toEqual({ client_unique_customer_id: 'c1', currency: 'USD', po2_id: expect.stringMatching(/^wallet_\d+$/) })
    const wrongKey = await fetch(sandbox.url(`/play-oxygen/api/${clientId}/po2_wrong/customer`), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ client_unique_customer_id: 'x' })
    })
    expect(wrongKey.status).toBe(401)
    expect(await wrongKey.json()).toEqual({ message: 'invalid_token' })
  })

  it('answers 401 for a missing or expired JWT on resource routes', async () => {
    const { token } = (await (await login()).json()) as { token: string }
    const { clientId, apiKey } = client()
    const call = (authorization?: string): Promise<Response> =>
      fetch(sandbox.url(`/play-oxygen/api/${clientId}/${apiKey}/customer`), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ client_unique_customer_id: 'x' })
      })
    const missing = await call()
    expect(missing.status).toBe(401)
    expect(await missing.json()).toEqual({ message: 'unauthenticated' })
    await patchSettings(sandbox, { clockOffsetSeconds: 2_419_200 + 5 })
    const expired = await call(`Bearer ${token}`)
    expect(expired.status).toBe(401)
    expect(await expired.json()).toEqual({ message: 'invalid_token' })
    await patchSettings(sandbox, { playOxygen: { tokenErrorFormat: 'text' } })
    const asText = await call(`Bearer ${token}`)
    expect(asText.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(await asText.text()).toBe('invalid_token')
  })

  it('makes the undocumented login error body configurable (default {"errors":{"detail":"Unauthorized"}})', async () => {
    const wrong = await login(client().clientId, { api_key: client().apiKey, secret: 'wrong' })
    expect(wrong.status).toBe(401)
    expect(await wrong.json()).toEqual({ errors: { detail: 'Unauthorized' } })
    const unknownClient = await login('9999')
    expect(unknownClient.status).toBe(401)
    await patchSettings(sandbox, { playOxygen: { loginUnauthorized: { status: 403, body: { error: 'forbidden' } } } })
    const configured = await login(client().clientId, { api_key: 'x', secret: 'y' })
    expect(configured.status).toBe(403)
    expect(await configured.json()).toEqual({ error: 'forbidden' })
  })

  it('answers framework-default errors: 422 for missing fields, 400 for malformed JSON, 415 for other types, 404 for unknown routes', async () => {
    const missing = await login(client().clientId, { api_key: client().apiKey })
    expect(missing.status).toBe(422)
    expect(await missing.json()).toEqual({ errors: [{ title: 'Invalid value', source: { pointer: '/secret' }, detail: 'Missing field: secret' }] })
    const malformed = await fetch(sandbox.url('/play-oxygen/api/auth/session/1001'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' })
    expect(malformed.status).toBe(400)
    expect(await malformed.json()).toEqual({ errors: { detail: 'Bad Request' } })
    const wrongType = await fetch(sandbox.url('/play-oxygen/api/auth/session/1001'), form({ api_key: 'a', secret: 'b' }))
    expect(wrongType.status).toBe(415)
    expect(await wrongType.json()).toEqual({ errors: { detail: 'Unsupported Media Type' } })
    const unknown = await fetch(sandbox.url('/play-oxygen/api/nothing'))
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toEqual({ errors: { detail: 'Not Found' } })
  })
})

describe('§5.4 ASP.NET / Keycloak proxy', () => {
  const tokenUrl = (): string => sandbox.url('/keycloak-proxy/api/v1/auth/token')
  const NS = 'xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/IO.Swagger.Models"'
  const passwordFields = {
    grant_type: 'password',
    client_id: 'tokendesk-demo',
    client_secret: 'demo-client-secret',
    username: 'demo.user',
    password: 'demo-user-password'
  }
  const post = (body: string, contentType: string, accept?: string): Promise<Response> =>
    fetch(tokenUrl(), { method: 'POST', headers: { 'content-type': contentType, ...(accept ? { accept } : {}) }, body })
  const xmlRequest = (inner: string): string => `<TokenRequest ${NS}>${inner}</TokenRequest>`
  const passwordXml = xmlRequest(
    '<WindowsAuthentication>false</WindowsAuthentication><client_id>tokendesk-demo</client_id><client_secret>demo-client-secret</client_secret>' +
      '<grant_type>password</grant_type><password>demo-user-password</password><username>demo.user</username>'
  )
  const passwordLogin = async (): Promise<Record<string, unknown>> => {
    const response = await fetch(tokenUrl(), form(passwordFields))
    expect(response.status).toBe(200)
    return (await response.json()) as Record<string, unknown>
  }
  const refresh = (refreshToken: string, client = { client_id: 'tokendesk-demo', client_secret: 'demo-client-secret' }): Promise<Response> =>
    fetch(tokenUrl(), form({ grant_type: 'refresh_token', refresh_token: refreshToken, ...client }))

  it.each([
    ['application/json', JSON.stringify(passwordFields)],
    ['text/json', JSON.stringify(passwordFields)],
    ['application/json; charset=utf-8', JSON.stringify(passwordFields)],
    ['application/xml', passwordXml],
    ['text/xml', passwordXml],
    ['application/x-www-form-urlencoded', new URLSearchParams(passwordFields).toString()]
  ])('accepts a %s body', async (contentType, body) => {
    const response = await post(body, contentType, 'application/json')
    expect(response.status).toBe(200)
    expect(((await response.json()) as { token_type: string }).token_type).toBe('Bearer')
  })

  it('reads XML in the DataContract namespace, WindowsAuthentication first (ordinal-alphabetical order)', async () => {
    const response = await post(passwordXml, 'application/xml', 'application/json')
    expect(response.status).toBe(200)
  })

  it('silently ignores an out-of-order XML element (client_id after grant_type is never read)', async () => {
    const response = await post(xmlRequest('<grant_type>client_credentials</grant_type><client_id>tokendesk-service</client_id><client_secret>demo-service-secret</client_secret>'), 'application/xml', 'application/json')
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ error: 'invalid_client', error_description: 'Missing client_id parameter' })
  })

  it('silently ignores an out-of-order XML element (password after username is never read)', async () => {
    const response = await post(
      xmlRequest('<client_id>tokendesk-demo</client_id><client_secret>demo-client-secret</client_secret><grant_type>password</grant_type><username>demo.user</username><password>demo-user-password</password>'),
      'text/xml',
      'application/json'
    )
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({ error: 'invalid_grant', error_description: 'Invalid user credentials' })
  })

  it('binds nothing from XML outside the DataContract namespace: 400 {"Message":"The request is invalid."}', async () => {
    const response = await post('<TokenRequest><grant_type>password</grant_type></TokenRequest>', 'application/xml', 'application/json')
    expect(response.status).toBe(400)
    expect(((await response.json()) as { Message: string }).Message).toBe('The request is invalid.')
  })

  it('responds with the 11 fields in declaration order, not_before_policy with an underscore, 300 s / 1800 s, token_type "Bearer"', async () => {
    const body = await passwordLogin()
    expect(Object.keys(body)).toEqual(['access_token', 'expires_in', 'redirect_url', 'ip', 'is_editor', 'refresh_expires_in', 'refresh_token', 'token_type', 'not_before_policy', 'session_state', 'scope'])
    expect(body).toMatchObject({ expires_in: 300, refresh_expires_in: 1800, token_type: 'Bearer', not_before_policy: 0, is_editor: false, redirect_url: '', scope: 'email profile' })
    expect(body).not.toHaveProperty('not-before-policy')
    expect(body).not.toHaveProperty('id_token')
    expect(body.session_state).toMatch(LOWER_UUID)
    expect(jwtPart(body.access_token as string, 0).alg).toBe('RS256')
    const access = jwtPart(body.access_token as string, 1)
    expect((access.exp as number) - (access.iat as number)).toBe(300)
  })

  it('answers XML (DataContract namespace, ordinal element order) when Accept asks for it', async () => {
    const response = await fetch(tokenUrl(), { ...form(passwordFields), headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/xml' } })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/xml; charset=utf-8')
    const xml = await response.text()
    expect(xml.startsWith(`<AccessTokenResponse ${NS}>`)).toBe(true)
    const order = [...xml.matchAll(/<([a-z_]+)>/g)].map((match) => match[1])
    expect(order).toEqual(['access_token', 'expires_in', 'ip', 'is_editor', 'not_before_policy', 'redirect_url', 'refresh_expires_in', 'refresh_token', 'scope', 'session_state', 'token_type'])
    expect(xml).toContain('<expires_in>300</expires_in>')
    expect(xml).toContain('<is_editor>false</is_editor>')
  })

  it('answers XML to an XML request whose Accept names neither JSON nor XML (content negotiation falls back to the request format)', async () => {
    const response = await post(passwordXml, 'application/xml')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/xml; charset=utf-8')
    expect(await response.text()).toMatch(/^<AccessTokenResponse /)
  })

  it('matches api/v1/auth/token case-insensitively like ASP.NET routing', async () => {
    const response = await fetch(sandbox.url('/keycloak-proxy/API/V1/Auth/Token'), form(passwordFields))
    expect(response.status).toBe(200)
  })

  it('binds WindowsAuthentication=true from a form and still answers with the 11 fields', async () => {
    const response = await fetch(tokenUrl(), form({ ...passwordFields, WindowsAuthentication: 'true' }))
    expect(response.status).toBe(200)
    expect(Object.keys((await response.json()) as object)).toHaveLength(11)
  })

  it('reports is_editor from the user (demo.editor is an editor)', async () => {
    const response = await fetch(tokenUrl(), form({ ...passwordFields, username: 'demo.editor', password: 'demo-editor-password' }))
    expect(((await response.json()) as { is_editor: boolean }).is_editor).toBe(true)
  })

  it('issues an offline token for scope offline_access: refresh_expires_in 0, typ Offline, no exp, still refreshable', async () => {
    const response = await fetch(tokenUrl(), form({ ...passwordFields, scope: 'offline_access' }))
    const body = (await response.json()) as Record<string, unknown>
    expect(body).toMatchObject({ refresh_expires_in: 0, scope: 'offline_access email profile' })
    const claims = jwtPart(body.refresh_token as string, 1)
    expect(claims.typ).toBe('Offline')
    expect(claims).not.toHaveProperty('exp')
    await patchSettings(sandbox, { clockOffsetSeconds: 100_000 })
    expect((await refresh(body.refresh_token as string)).status).toBe(200)
  })

  it('narrows the scope on refresh to the granted scopes asked for; the client\'s default scopes always stay', async () => {
    const first = await passwordLogin()
    const narrowed = await fetch(tokenUrl(), form({ grant_type: 'refresh_token', refresh_token: first.refresh_token as string, client_id: 'tokendesk-demo', client_secret: 'demo-client-secret', scope: 'email' }))
    expect(narrowed.status).toBe(200)
    expect(((await narrowed.json()) as { scope: string }).scope).toBe('email profile')
    const withOpenid = await fetch(tokenUrl(), form({ ...passwordFields, scope: 'openid roles' }))
    const granted = (await withOpenid.json()) as Record<string, unknown>
    expect(granted.scope).toBe('openid roles email profile')
    const dropRoles = await fetch(tokenUrl(), form({ grant_type: 'refresh_token', refresh_token: granted.refresh_token as string, client_id: 'tokendesk-demo', client_secret: 'demo-client-secret', scope: 'openid' }))
    expect(((await dropRoles.json()) as { scope: string }).scope).toBe('openid email profile')
  })

  it('drops scopes never granted from a refresh request (returns the intersection) instead of failing with invalid_scope', async () => {
    const first = await passwordLogin()
    const widened = await fetch(tokenUrl(), form({ grant_type: 'refresh_token', refresh_token: first.refresh_token as string, client_id: 'tokendesk-demo', client_secret: 'demo-client-secret', scope: 'openid email admin' }))
    expect(widened.status).toBe(200)
    const body = (await widened.json()) as Record<string, unknown>
    expect(body.scope).toBe('email profile')
    expect(jwtPart(body.access_token as string, 1).scope).toBe('email profile')
    expect(jwtPart(body.refresh_token as string, 1).scope).toBe('email profile')
    // An offline login stays offline even when the refresh asks without offline_access.
    const offline = (await (await fetch(tokenUrl(), form({ ...passwordFields, scope: 'offline_access' }))).json()) as Record<string, unknown>
    const offlineRefreshed = await fetch(tokenUrl(), form({ grant_type: 'refresh_token', refresh_token: offline.refresh_token as string, client_id: 'tokendesk-demo', client_secret: 'demo-client-secret', scope: 'roles' }))
    expect(offlineRefreshed.status).toBe(200)
    const offlineBody = (await offlineRefreshed.json()) as Record<string, unknown>
    expect(offlineBody).toMatchObject({ scope: 'email profile', refresh_expires_in: 0 })
    expect(jwtPart(offlineBody.refresh_token as string, 1).typ).toBe('Offline')
  })

  it('returns a new refresh_token on each refresh and keeps the old one valid by default', async () => {
    const first = await passwordLogin()
    const refreshed = await refresh(first.refresh_token as string)
    expect(refreshed.status).toBe(200)
    const second = (await refreshed.json()) as Record<string, unknown>
    expect(second.refresh_token).not.toBe(first.refresh_token)
    expect(second.session_state).toBe(first.session_state)
    expect((await refresh(first.refresh_token as string)).status).toBe(200)
    expect((await refresh(first.refresh_token as string)).status).toBe(200)
  })

  it('rejects a reused refresh token with 400 invalid_grant when revokeRefreshToken is set, then detaches the session', async () => {
    await patchSettings(sandbox, { refresh: { revokeRefreshToken: true, refreshTokenMaxReuse: 0 } })
    const first = await passwordLogin()
    const rotated = (await (await refresh(first.refresh_token as string)).json()) as Record<string, unknown>
    const reused = await refresh(first.refresh_token as string)
    expect(reused.status).toBe(400)
    expect(await reused.json()).toEqual({ error: 'invalid_grant', error_description: 'Maximum allowed refresh token reuse exceeded' })
    const newest = await refresh(rotated.refresh_token as string)
    expect(newest.status).toBe(400)
    expect(await newest.json()).toEqual({ error: 'invalid_grant', error_description: "Session doesn't have required client" })
  })

  it('allows refreshTokenMaxReuse + 1 uses of one refresh token', async () => {
    await patchSettings(sandbox, { refresh: { revokeRefreshToken: true, refreshTokenMaxReuse: 1 } })
    const first = await passwordLogin()
    expect((await refresh(first.refresh_token as string)).status).toBe(200)
    expect((await refresh(first.refresh_token as string)).status).toBe(200)
    expect((await refresh(first.refresh_token as string)).status).toBe(400)
  })

  it('rejects an expired refresh token with 400 invalid_grant "Token is not active"', async () => {
    const first = await passwordLogin()
    await patchSettings(sandbox, { clockOffsetSeconds: 1801 })
    const response = await refresh(first.refresh_token as string)
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ error: 'invalid_grant', error_description: 'Token is not active' })
  })

  it('gives a bad user password 401 invalid_grant "Invalid user credentials"', async () => {
    const response = await fetch(tokenUrl(), form({ ...passwordFields, password: 'wrong' }))
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({ error: 'invalid_grant', error_description: 'Invalid user credentials' })
  })

  it('gives a bad client secret 401 unauthorized_client "Invalid client or Invalid client credentials" (not invalid_client)', async () => {
    const response = await fetch(tokenUrl(), form({ ...passwordFields, client_secret: 'wrong' }))
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({ error: 'unauthorized_client', error_description: 'Invalid client or Invalid client credentials' })
  })

  const service = { client_id: 'tokendesk-service', client_secret: 'demo-service-secret' }
  it.each([
    ['no grant_type', { client_id: 'tokendesk-demo' }, 400, 'invalid_request', 'Missing form parameter: grant_type'],
    ['unknown grant_type', { grant_type: 'authorization_code', client_id: 'tokendesk-demo' }, 400, 'unsupported_grant_type', 'Unsupported grant_type'],
    ['no client_id', { grant_type: 'password' }, 400, 'invalid_client', 'Missing client_id parameter'],
    ['unknown client', { grant_type: 'password', client_id: 'nobody' }, 401, 'invalid_client', 'Invalid client or Invalid client credentials'],
    ['disabled client', { ...passwordFields, client_id: 'tokendesk-disabled' }, 401, 'invalid_client', 'Invalid client or Invalid client credentials'],
    ['confidential client without secret', { grant_type: 'password', client_id: 'tokendesk-demo' }, 401, 'unauthorized_client', 'Invalid client or Invalid client credentials'],
    ['bearer-only client', { ...passwordFields, client_id: 'tokendesk-bearer-only' }, 400, 'invalid_client', 'Bearer-only not allowed'],
    ['password grant not enabled', { ...passwordFields, ...service }, 400, 'unauthorized_client', 'Client not allowed for direct access grants'],
    ['consent-required client', { ...passwordFields, client_id: 'tokendesk-consent' }, 400, 'invalid_client', 'Client requires user consent'],
    ['username missing', { grant_type: 'password', client_id: 'tokendesk-demo', client_secret: 'demo-client-secret' }, 401, 'invalid_request', 'Missing parameter: username'],
    ['unknown user', { ...passwordFields, username: 'nobody' }, 401, 'invalid_grant', 'Invalid user credentials'],
    ['user disabled', { ...passwordFields, username: 'disabled.user' }, 400, 'invalid_grant', 'Account disabled'],
    ['required actions pending', { ...passwordFields, username: 'pending.user' }, 400, 'invalid_grant', 'Account is not fully set up'],
    ['bad scope', { ...passwordFields, scope: 'openid admin' }, 400, 'invalid_scope', 'Invalid scopes: openid admin'],
    ['refresh without refresh_token', { grant_type: 'refresh_token', client_id: 'tokendesk-demo', client_secret: 'demo-client-secret' }, 400, 'invalid_request', 'No refresh token'],
    ['refresh with garbage', { grant_type: 'refresh_token', refresh_token: 'garbage', client_id: 'tokendesk-demo', client_secret: 'demo-client-secret' }, 400, 'invalid_grant', 'Invalid refresh token'],
    ['client_credentials with service accounts off', { grant_type: 'client_credentials', client_id: 'tokendesk-demo', client_secret: 'demo-client-secret' }, 401, 'unauthorized_client', 'Client not enabled to retrieve service account'],
    ['client_credentials for a public client', { grant_type: 'client_credentials', client_id: 'tokendesk-public' }, 401, 'unauthorized_client', 'Public client not allowed to retrieve service account']
  ])('answers Keycloak error codes and texts of §4.3: %s', async (_case, fields, status, error, description) => {
    const response = await fetch(tokenUrl(), form(fields))
    expect(response.status).toBe(status)
    expect(await response.json()).toEqual({ error, error_description: description })
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(response.headers.get('pragma')).toBe('no-cache')
  })

  it('answers "duplicated parameter" for a repeated form parameter', async () => {
    const response = await post('grant_type=password&grant_type=password&client_id=tokendesk-demo&client_secret=demo-client-secret', 'application/x-www-form-urlencoded')
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ error: 'invalid_request', error_description: 'duplicated parameter' })
  })

  it('answers "HTTPS required" (403) when the realm requires SSL', async () => {
    await patchSettings(sandbox, { keycloak: { sslRequired: true } })
    const response = await fetch(tokenUrl(), form(passwordFields))
    expect(response.status).toBe(403)
    expect(await response.json()).toEqual({ error: 'invalid_request', error_description: 'HTTPS required' })
  })

  it.each([
    ['refresh for another client', 'Invalid refresh token. Token client and authorized client don\'t match'],
    ['refresh after the session was logged out', 'Session not active'],
    ['refresh with a token issued before not-before', 'Stale token']
  ])('answers 400 invalid_grant for a %s', async (situation, description) => {
    const first = await passwordLogin()
    let client = { client_id: 'tokendesk-demo', client_secret: 'demo-client-secret' }
    if (situation.includes('another client')) client = { client_id: 'tokendesk-public', client_secret: '' }
    if (situation.includes('logged out')) await fetch(sandbox.url('/__sandbox/keycloak/logout-all'), { method: 'POST' })
    if (situation.includes('not-before')) {
      const iat = jwtPart(first.refresh_token as string, 1).iat as number
      await fetch(sandbox.url('/__sandbox/keycloak/not-before'), json({ notBefore: iat + 1 }))
    }
    const response = await refresh(first.refresh_token as string, client)
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ error: 'invalid_grant', error_description: description })
  })

  it('puts acr "1" in access tokens from a password grant, from refreshes of a password login, and from client_credentials', async () => {
    const login = await passwordLogin()
    expect(jwtPart(login.access_token as string, 1).acr).toBe('1')
    const refreshed = (await (await refresh(login.refresh_token as string)).json()) as Record<string, unknown>
    expect(jwtPart(refreshed.access_token as string, 1).acr).toBe('1')
    const again = (await (await refresh(refreshed.refresh_token as string)).json()) as Record<string, unknown>
    expect(jwtPart(again.access_token as string, 1).acr).toBe('1')
    const service = (await (await fetch(tokenUrl(), form({ grant_type: 'client_credentials', client_id: 'tokendesk-service', client_secret: 'demo-service-secret' }))).json()) as Record<string, unknown>
    expect(jwtPart(service.access_token as string, 1).acr).toBe('1')
  })

  it('gives a client_credentials token the service-account user as subject: sub a stable UUID per client, preferred_username service-account-<clientid>', async () => {
    const serviceToken = async (): Promise<Record<string, unknown>> => {
      const response = await fetch(tokenUrl(), form({ grant_type: 'client_credentials', client_id: 'tokendesk-service', client_secret: 'demo-service-secret' }))
      return jwtPart(((await response.json()) as { access_token: string }).access_token, 1)
    }
    const first = await serviceToken()
    expect(first.sub).toMatch(LOWER_UUID)
    expect(first.sub).toBe(KEYCLOAK_DEMO_CLIENTS.find((client) => client.clientId === 'tokendesk-service')?.serviceAccountUserId)
    expect(first).toMatchObject({ preferred_username: 'service-account-tokendesk-service', azp: 'tokendesk-service' })
    await fetch(sandbox.url('/__sandbox/reset'), { method: 'POST' })
    expect((await serviceToken()).sub).toBe(first.sub)
  })

  it('issues client_credentials tokens without refresh_token or session_state (refresh_expires_in 0)', async () => {
    const response = await fetch(tokenUrl(), form({ grant_type: 'client_credentials', ...service }))
    expect(response.status).toBe(200)
    const body = (await response.json()) as Record<string, unknown>
    expect(body).not.toHaveProperty('refresh_token')
    expect(body).not.toHaveProperty('session_state')
    expect(body).toMatchObject({ expires_in: 300, refresh_expires_in: 0, token_type: 'Bearer' })
  })

  it('authenticates the client with HTTP Basic, and answers a bare 401 with WWW-Authenticate for a non-Basic header', async () => {
    const basic = Buffer.from('tokendesk-service:demo-service-secret').toString('base64')
    const viaBasic = await fetch(tokenUrl(), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` }, body: 'grant_type=client_credentials' })
    expect(viaBasic.status).toBe(200)
    const bearer = await fetch(tokenUrl(), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Bearer x' }, body: 'grant_type=client_credentials' })
    expect(bearer.status).toBe(401)
    expect(bearer.headers.get('www-authenticate')).toBe('Basic realm="tokendesk-demo"')
    expect(await bearer.text()).toBe('')
  })

  it('answers an unsupported media type with the Web API 415 {"Message": ...} shape', async () => {
    const response = await post('grant_type=password', 'text/plain')
    expect(response.status).toBe(415)
    const body = (await response.json()) as Record<string, unknown>
    expect(body.Message).toBe("The request entity's media type 'text/plain' is not supported for this resource.")
    expect(body.ExceptionMessage).toBe("No MediaTypeFormatter is available to read an object of type 'TokenRequest' from content with media type 'text/plain'.")
    expect(body.ExceptionType).toBe('System.Net.Http.UnsupportedMediaTypeException')
  })
})
