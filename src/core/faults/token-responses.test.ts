import { describe, expect, it } from 'vitest'
import { useSandbox } from '../../sandbox/test-support'
import type { Core } from '../core'
import {
  addFault,
  addKeycloak,
  call,
  callError,
  counters,
  expectActionable,
  expectNothingLost,
  fakeJwt,
  KC_COUNTER,
  KC_TOKEN,
  resetCounters,
  snapshot,
  tokenResponse,
  useHarness,
  type Owner
} from './support/harness'

/**
 * docs/security.md §7, scenarios 1–15: bad token-endpoint answers, served by the sandbox's fault
 * injection in front of the Keycloak proxy's token route and met by the real core through dispatch.
 * Every test ends in a typed, actionable error or a correct token, and nothing already kept is lost.
 */

const sandbox = useSandbox()
const h = useHarness()

async function setup(): Promise<{ core: Core; owner: Owner; kept: Awaited<ReturnType<typeof snapshot>> }> {
  const core = h.boot()
  const owner = await addKeycloak(core, sandbox)
  // A good token first: whatever goes wrong next must not take it away.
  await call(core, 'tokens.issue', owner)
  return { core, owner, kept: await snapshot(core, h.keychain) }
}

/** Serves `body` (JSON) once as the token endpoint's answer. */
const answerOnce = (body: Record<string, unknown>, extra: Record<string, unknown> = {}) => addFault(sandbox, { path: KC_TOKEN, times: 1, respond: { ...tokenResponse(body), ...extra } })

describe('§7 token endpoint responses (1–15)', () => {
  it('§7.1 200 {"access_token":"x"} without token_type or expires_in: kept with an honestly unknown expiry, never an invented lifetime, and not auto-renewed', async () => {
    const { core, owner, kept } = await setup()
    await answerOnce({ access_token: 'x' })
    const token = await call(core, 'tokens.issue', owner)
    expect(token).toMatchObject({ state: 'live', expiresAt: null, expirySource: 'unknown', header: { name: 'Authorization', prefix: 'Bearer ' }, refresh: null })
    expect(token.renewal.nextAt).toBeNull()
    expect((await call(core, 'tokens.reveal', { id: token.id })).value).toBe('x')
    await expectNothingLost(core, h.keychain, kept)
  })

  it('§7.2 expires_in 0, -1, "3600", 3600.7, 1e309, null, 9007199254740993, "abc": a whole-number string is read, everything else falls back to the JWT exp; never Infinity or NaN', async () => {
    const { core, owner, kept } = await setup()
    const exp = Math.floor(Date.now() / 1000) + 900
    const jwt = fakeJwt({ exp, sub: 'x' })
    const cases: Array<[string, string]> = [
      ['0', 'jwt-exp'],
      ['-1', 'jwt-exp'],
      ['"3600"', 'expires_in'],
      ['3600.7', 'jwt-exp'],
      ['1e309', 'jwt-exp'],
      ['null', 'jwt-exp'],
      ['9007199254740993', 'jwt-exp'],
      ['"abc"', 'jwt-exp']
    ]
    for (const [raw, source] of cases) {
      await addFault(sandbox, {
        path: KC_TOKEN,
        times: 1,
        respond: { kind: 'status', status: 200, contentType: 'application/json', rawBody: `{"access_token":"${jwt}","token_type":"Bearer","expires_in":${raw}}` }
      })
      const sent = Date.now()
      const token = await call(core, 'tokens.issue', owner)
      expect(token.expirySource, raw).toBe(source)
      expect(Number.isFinite(token.expiresAt), raw).toBe(true)
      const expected = source === 'expires_in' ? sent + 3_600_000 : exp * 1000 - token.skewMs
      expect(Math.abs(token.expiresAt! - expected), raw).toBeLessThan(2000)
    }
    await expectNothingLost(core, h.keychain, kept)
  })

  it('§7.3 token_type "bearer" (lower case), "MAC", "DPoP", missing: the header says what the server said (never passes a MAC/DPoP token off as Bearer); missing means Bearer', async () => {
    const { core, owner, kept } = await setup()
    const cases: Array<[string | undefined, RegExp]> = [
      ['bearer', /^bearer $/i],
      ['MAC', /^MAC $/],
      ['DPoP', /^DPoP $/],
      [undefined, /^Bearer $/]
    ]
    for (const [type, prefix] of cases) {
      await answerOnce({ access_token: `tok-${type ?? 'none'}`, expires_in: 300, ...(type === undefined ? {} : { token_type: type }) })
      const token = await call(core, 'tokens.issue', owner)
      expect(token.header.name).toBe('Authorization')
      expect(token.header.prefix, String(type)).toMatch(prefix)
      const copied = await call(core, 'tokens.copy', { id: token.id, format: 'header' })
      expect(copied.text).toBe(`Authorization: ${token.header.prefix}tok-${type ?? 'none'}`)
    }
    await expectNothingLost(core, h.keychain, kept)
  })

  it('§7.4 access_token "", 1 MB, with \\u0000, \\r\\n, a lone surrogate or an RTL override: empty is refused (typed); the others are kept byte for byte and copy safely', async () => {
    const { core, owner, kept } = await setup()
    await answerOnce({ access_token: '', expires_in: 300 })
    expectActionable(await callError(core, 'tokens.issue', owner), 'UPSTREAM_BAD_RESPONSE', /access_token/)
    const odd = ['a'.repeat(1_000_000), 'nul\u0000inside', 'line\r\nX-Injected: 1', 'lone\uD800surrogate', 'rtl\u202Eevil']
    for (const value of odd) {
      await answerOnce({ access_token: value, expires_in: 300 })
      const token = await call(core, 'tokens.issue', owner)
      expect((await call(core, 'tokens.reveal', { id: token.id })).value === value, JSON.stringify(value.slice(0, 20))).toBe(true)
      const curl = (await call(core, 'tokens.copy', { id: token.id, format: 'curl' })).text!
      // The curl line quotes the value: a CR/LF or quote in a token cannot start a second shell command.
      expect(curl.startsWith("curl -H '")).toBe(true)
      expect(curl.split("'").length % 2).toBe(1)
      await call(core, 'tokens.inspect', { id: token.id })
    }
    await expectNothingLost(core, h.keychain, kept)
  })

  it('§7.5 prototype poisoning ({"__proto__":{"isAdmin":true}}, {"constructor":{"prototype":…}}): no pollution, a typed "no access_token" error', async () => {
    const { core, owner, kept } = await setup()
    for (const raw of ['{"__proto__":{"isAdmin":true}}', '{"constructor":{"prototype":{"isAdmin":true}}}', '{"__proto__":{"access_token":"polluted"}}']) {
      await addFault(sandbox, { path: KC_TOKEN, times: 1, respond: { kind: 'status', status: 200, contentType: 'application/json', rawBody: raw } })
      expectActionable(await callError(core, 'tokens.issue', owner), 'UPSTREAM_BAD_RESPONSE', /access_token/)
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined()
      expect(({} as Record<string, unknown>).access_token).toBeUndefined()
    }
    await expectNothingLost(core, h.keychain, kept)
  })

  it('§7.6 duplicate JSON keys {"access_token":"a","access_token":"b"}: the last one wins, as JSON.parse (documented choice), and the token works', async () => {
    const { core, owner, kept } = await setup()
    await addFault(sandbox, { path: KC_TOKEN, times: 1, respond: { kind: 'status', status: 200, contentType: 'application/json', rawBody: '{"access_token":"a","access_token":"b","expires_in":300}' } })
    const token = await call(core, 'tokens.issue', owner)
    expect((await call(core, 'tokens.reveal', { id: token.id })).value).toBe('b')
    await expectNothingLost(core, h.keychain, kept)
  })

  it('§7.7 a 10 MB body: HTTP_RESPONSE_TOO_LARGE, not buffered; the next request works', async () => {
    const { core, owner, kept } = await setup()
    await addFault(sandbox, { path: KC_TOKEN, times: 1, respond: { kind: 'oversized', bytes: 10 * 1024 * 1024 } })
    const before = process.memoryUsage().rss
    expectActionable(await callError(core, 'tokens.issue', owner), 'HTTP_RESPONSE_TOO_LARGE', /larger than 1024 KiB/)
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024)
    expect((await call(core, 'tokens.issue', owner)).state).toBe('live')
    await expectNothingLost(core, h.keychain, kept)
  })

  it('§7.8 a captive portal: 200 text/html login page: a typed error that points at the base URL, nothing kept as a token', async () => {
    const { core, owner, kept } = await setup()
    const portal = '<!DOCTYPE html><html><head><title>Hotel Wi-Fi</title></head><body><form action="/login"><input name="room"></form></body></html>'
    await addFault(sandbox, { path: KC_TOKEN, times: 1, respond: { kind: 'status', status: 200, contentType: 'text/html; charset=utf-8', rawBody: portal } })
    const error = await callError(core, 'tokens.issue', owner)
    expectActionable(error, 'UPSTREAM_BAD_RESPONSE')
    expect(error.message).not.toContain('Hotel')
    await expectNothingLost(core, h.keychain, kept)
  })

  it('§7.9 200 with invalid JSON, a trailing comma, UTF-16 bytes: typed errors; a UTF-8 BOM is tolerated (the token is read)', async () => {
    const { core, owner, kept } = await setup()
    await addFault(sandbox, { path: KC_TOKEN, times: 1, respond: { kind: 'malformed' } })
    expectActionable(await callError(core, 'tokens.issue', owner), 'UPSTREAM_BAD_RESPONSE')
    for (const raw of ['{"access_token":"a","expires_in":300,}', Buffer.from('{"access_token":"a"}', 'utf16le').toString('latin1')]) {
      await addFault(sandbox, { path: KC_TOKEN, times: 1, respond: { kind: 'status', status: 200, contentType: 'application/json', rawBody: raw } })
      expectActionable(await callError(core, 'tokens.issue', owner), 'UPSTREAM_BAD_RESPONSE')
    }
    await addFault(sandbox, { path: KC_TOKEN, times: 1, respond: { kind: 'status', status: 200, contentType: 'application/json', rawBody: '\uFEFF{"access_token":"bom-ok","expires_in":300}' } })
    const token = await call(core, 'tokens.issue', owner)
    expect((await call(core, 'tokens.reveal', { id: token.id })).value).toBe('bom-ok')
    await expectNothingLost(core, h.keychain, kept)
  })

  it('§7.10 400 invalid_grant on refresh: one request (no retry), then a fresh login with the stored password; nothing deleted. If that login fails too: REFRESH/AUTH error, token and secrets kept', async () => {
    const { core, kept } = await setup()
    const id = kept.tokens[0]!.id
    await resetCounters(sandbox)
    await addFault(sandbox, { path: KC_TOKEN, times: 1, respond: tokenResponse({ error: 'invalid_grant', error_description: 'Token is not active' }, 400) })
    const renewed = await call(core, 'tokens.refresh', { id })
    expect(renewed.state).toBe('live')
    expect((await counters(sandbox))[KC_COUNTER]).toBe(2) // the refresh once, then the password login
    expect((await call(core, 'tokens.audit', { id })).events.at(-1)!.detail).toMatch(/logging in again/)
    await expectNothingLost(core, h.keychain, kept, { valuesMayChange: true })
    // Both dead: the error is typed, the token and its value stay, the password is not deleted.
    const current = await snapshot(core, h.keychain)
    await addFault(sandbox, { path: KC_TOKEN, times: 2, respond: tokenResponse({ error: 'invalid_grant', error_description: 'Invalid user credentials' }, 401) })
    const error = await callError(core, 'tokens.refresh', { id })
    expectActionable(error, 'AUTH_REJECTED', /password/)
    expect((await call(core, 'tokens.list', {})).tokens.find((t) => t.id === id)!.state).toBe('refresh-failed')
    await expectNothingLost(core, h.keychain, current)
  })

  it('§7.11 invalid_client, unauthorized_client, invalid_scope and an unknown error value: CLIENT_REJECTED, CLIENT_REJECTED, VALIDATION_FAILED (scope field), UPSTREAM_ERROR', async () => {
    const { core, owner, kept } = await setup()
    const cases: Array<[number, Record<string, unknown>, string, RegExp]> = [
      [401, { error: 'invalid_client', error_description: 'Invalid client credentials' }, 'CLIENT_REJECTED', /client secret/],
      [400, { error: 'unauthorized_client', error_description: 'Something new' }, 'CLIENT_REJECTED', /client/],
      [400, { error: 'invalid_scope', error_description: 'Invalid scopes: admin' }, 'VALIDATION_FAILED', /[Ss]cope/],
      [400, { error: 'flux_capacitor_overload' }, 'UPSTREAM_ERROR', /flux_capacitor_overload/]
    ]
    for (const [status, body, code, mention] of cases) {
      await answerOnce(body, { status })
      expectActionable(await callError(core, 'tokens.issue', owner), code, mention)
    }
    await expectNothingLost(core, h.keychain, kept)
  })

  it('§7.12 401 with WWW-Authenticate: Bearer error="invalid_token", then 403 insufficient_scope: typed rejections, no retry', async () => {
    const { core, owner, kept } = await setup()
    await resetCounters(sandbox)
    await addFault(sandbox, { path: KC_TOKEN, times: 1, respond: { kind: 'status', status: 401, rawBody: '', headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } } })
    expectActionable(await callError(core, 'tokens.issue', owner), 'CLIENT_REJECTED')
    await addFault(sandbox, { path: KC_TOKEN, times: 1, respond: { kind: 'status', status: 403, body: { error: 'insufficient_scope' }, headers: { 'WWW-Authenticate': 'Bearer error="insufficient_scope"' } } })
    expectActionable(await callError(core, 'tokens.issue', owner), 'AUTH_REJECTED', /HTTP 403/)
    expect((await counters(sandbox))[KC_COUNTER]).toBe(2)
    await expectNothingLost(core, h.keychain, kept)
  })

  it('§7.13 a refresh that returns a new refresh_token replaces it; a later one that omits it keeps the old one', async () => {
    const { core, kept } = await setup()
    const id = kept.tokens[0]!.id
    await call(core, 'tokens.refresh', { id })
    const rotated = (await call(core, 'tokens.reveal', { id, part: 'refresh' })).value
    expect(rotated).not.toBe(kept.tokens[0]!.refresh)
    await answerOnce({ access_token: 'no-rt-this-time', token_type: 'Bearer', expires_in: 300 })
    const renewed = await call(core, 'tokens.refresh', { id })
    expect((await call(core, 'tokens.reveal', { id })).value).toBe('no-rt-this-time')
    expect((await call(core, 'tokens.reveal', { id, part: 'refresh' })).value).toBe(rotated)
    expect(renewed.renewal.method).toBe('refresh-token')
    // …and it still works at the server.
    expect((await call(core, 'tokens.refresh', { id })).state).toBe('live')
    await expectNothingLost(core, h.keychain, kept, { valuesMayChange: true })
  })

  it('§7.14 a response scope narrower than requested: the token is kept as issued (TokenDesk claims no scope it was not given); its claims show the granted scope', async () => {
    const { core, owner, kept } = await setup()
    const jwt = fakeJwt({ exp: Math.floor(Date.now() / 1000) + 300, scope: 'email' })
    await answerOnce({ access_token: jwt, token_type: 'Bearer', expires_in: 300, scope: 'email' })
    const token = await call(core, 'tokens.issue', owner)
    expect(token.state).toBe('live')
    expect(JSON.stringify(token)).not.toMatch(/openid|offline_access/)
    expect((await call(core, 'tokens.inspect', { id: token.id })).jwtClaims).toMatchObject({ scope: 'email' })
    await expectNothingLost(core, h.keychain, kept)
  })

  it('§7.15 JWT access tokens with a non-base64url segment, 2 or 4 segments, alg:none, a huge header: inspect never throws nor trusts them', async () => {
    const { core, owner, kept } = await setup()
    const exp = Math.floor(Date.now() / 1000) + 300
    const good = fakeJwt({ exp })
    const [header, payload] = good.split('.')
    const values = [
      `${header}.${payload}!!.sig`,
      `${header}.${payload}`,
      `${header}.${payload}.sig.extra`,
      fakeJwt({ exp, admin: true }, { alg: 'none' }).replace(/[^.]+$/, ''),
      fakeJwt({ exp }, { alg: 'RS256', pad: 'x'.repeat(200_000) })
    ]
    for (const value of values) {
      await answerOnce({ access_token: value, token_type: 'Bearer', expires_in: 300 })
      const token = await call(core, 'tokens.issue', owner)
      const inspection = await call(core, 'tokens.inspect', { id: token.id })
      expect(['jwt', 'opaque']).toContain(inspection.format)
      if (inspection.format === 'jwt') expect(inspection.notes.join(' ')).toMatch(/does not verify the signature/)
      // Expiry comes from expires_in, never from an unverified claim when the server said otherwise.
      expect(token.expirySource).toBe('expires_in')
    }
    await expectNothingLost(core, h.keychain, kept)
  })
})
