import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { useSandbox } from '../../sandbox/test-support'
import type { Core } from '../core'
import { createHttpClient } from '../http/client'
import { createMemoryLogger } from '../log'
import { fakeTimers } from '../testing/fake-timers'
import {
  addFault,
  addKeycloak,
  call,
  callError,
  clearFaults,
  counters,
  expectActionable,
  expectNothingLost,
  KC_COUNTER,
  KC_TOKEN,
  resetCounters,
  snapshot,
  useHarness,
  type Owner
} from './support/harness'
import { rawServer, selfSignedCert, tlsServer, type RawServer } from './support/servers'

/**
 * docs/security.md §7, scenarios 16–23: transport faults. The sandbox injects resets, stalls,
 * 429/503 and redirects; small raw servers do what it cannot (a reset after the body, a stalled
 * body, TLS). Deadlines are shortened through the core's `http` option so the suite stays fast.
 */

const sandbox = useSandbox()
const h = useHarness()
const servers: RawServer[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close()
})

const fastHttp = (extra: Parameters<typeof createHttpClient>[0] extends infer O ? Partial<O> : never = {}) =>
  createHttpClient({ log: createMemoryLogger(), totalTimeoutMs: 1000, connectTimeoutMs: 500, ...extra })

async function setup(core: Core): Promise<{ owner: Owner; id: string; kept: Awaited<ReturnType<typeof snapshot>> }> {
  const owner = await addKeycloak(core, sandbox)
  const token = await call(core, 'tokens.issue', owner)
  return { owner, id: token.id, kept: await snapshot(core, h.keychain) }
}

async function pointAt(core: Core, owner: Owner, baseUrl: string): Promise<void> {
  await call(core, 'accounts.update', { id: owner.accountId, fields: { baseUrl, username: 'demo.user' } })
}

describe('§7 HTTP transport faults (16–23)', () => {
  it('§7.16 ENOTFOUND, ECONNREFUSED, and ECONNRESET before and after the body: HTTP_UNREACHABLE sentences; a reset refresh is not resent and its refresh token still works', async () => {
    const core = h.boot({ http: fastHttp() })
    const { owner, id, kept } = await setup(core)
    await pointAt(core, owner, 'https://tokendesk-no-such-host.invalid')
    expectActionable(await callError(core, 'tokens.issue', owner), 'HTTP_UNREACHABLE', /tokendesk-no-such-host\.invalid/)
    await pointAt(core, owner, 'http://127.0.0.1:9')
    expectActionable(await callError(core, 'tokens.issue', owner), 'HTTP_UNREACHABLE', /connection refused/)
    // Reset as soon as the connection opens (nothing read), and after the whole request was read.
    const early = await rawServer(() => undefined, { onConnect: (socket) => (socket.resetAndDestroy(), true) })
    const late = await rawServer((socket) => socket.resetAndDestroy(), { waitForBody: true })
    servers.push(early, late)
    for (const server of [early, late]) {
      await pointAt(core, owner, server.url)
      expectActionable(await callError(core, 'tokens.issue', owner), 'HTTP_UNREACHABLE', /127\.0\.0\.1/)
    }
    // A rotating refresh must never be sent twice: one attempt, and the refresh token is untouched.
    const before = late.requests.length
    const refreshBefore = (await call(core, 'tokens.reveal', { id, part: 'refresh' })).value
    expectActionable(await callError(core, 'tokens.refresh', { id }), 'HTTP_UNREACHABLE')
    expect(late.requests.length - before).toBe(1)
    expect((await call(core, 'tokens.reveal', { id, part: 'refresh' })).value).toBe(refreshBefore)
    // The sandbox drops the connection (ECONNRESET) on the next refresh; then it works again with the same refresh token.
    await pointAt(core, owner, sandbox.sandbox.ready.baseUrls.keycloakProxy)
    await addFault(sandbox, { path: KC_TOKEN, times: 1, respond: { kind: 'drop' } })
    expectActionable(await callError(core, 'tokens.refresh', { id }), 'HTTP_UNREACHABLE')
    expect((await call(core, 'tokens.refresh', { id })).state).toBe('live')
    await expectNothingLost(core, h.keychain, kept, { valuesMayChange: true })
  })

  it('§7.17 a server that accepts and never answers, and one that sends headers then stalls the body: HTTP_TIMEOUT within the deadline', async () => {
    const core = h.boot({ http: fastHttp() })
    const { owner, kept } = await setup(core)
    await addFault(sandbox, { path: KC_TOKEN, latencyMs: 3000, times: 3 })
    let started = Date.now()
    const silent = await callError(core, 'tokens.issue', owner)
    expectActionable(silent, 'HTTP_TIMEOUT', /did not answer within 1 s/)
    expect(Date.now() - started).toBeLessThan(3 * 1000 + 2000) // three attempts of 1 s plus backoff
    await clearFaults(sandbox)
    const stall = await rawServer((socket) => socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{"access_token":"'), { waitForBody: true })
    servers.push(stall)
    await pointAt(core, owner, stall.url)
    started = Date.now()
    expectActionable(await callError(core, 'tokens.issue', owner), 'HTTP_TIMEOUT', /did not finish its answer within 1 s/)
    expect(Date.now() - started).toBeLessThan(2500)
    expect(stall.requests).toHaveLength(1) // a half-received answer is never retried
    await expectNothingLost(core, h.keychain, kept)
  })

  it('§7.18 429 with Retry-After 30, an HTTP-date in the past, in 2100, -5 and abc: long waits are RATE_LIMITED with the time to retry; short, past or garbage ones are retried and succeed', async () => {
    const core = h.boot()
    const { owner, kept } = await setup(core)
    const limited = (value: string) => addFault(sandbox, { path: KC_TOKEN, times: 1, respond: { kind: 'status', status: 429, body: { Message: 'Too many requests.' }, headers: { 'Retry-After': value } } })
    await limited('30')
    const thirty = await callError(core, 'tokens.issue', owner)
    expectActionable(thirty, 'RATE_LIMITED', /in 30 s/)
    expect(thirty.details).toMatchObject({ retryAfterSeconds: 30 })
    await limited('Fri, 01 Jan 2100 00:00:00 GMT')
    expectActionable(await callError(core, 'tokens.issue', owner), 'RATE_LIMITED', /try again after/)
    for (const value of [new Date(Date.now() - 3_600_000).toUTCString(), '-5', 'abc']) {
      await resetCounters(sandbox)
      await limited(value)
      expect((await call(core, 'tokens.issue', owner)).state, value).toBe('live')
      expect((await counters(sandbox))[KC_COUNTER], value).toBe(2)
    }
    await expectNothingLost(core, h.keychain, kept)
  })

  it('§7.19 a single 503 on the renewal of a 5 s token is retried before it expires; a 503 storm fails typed with bounded retries, and after it the token recovers', async () => {
    const { patchSettings } = await import('../../sandbox/test-support')
    await patchSettings(sandbox, { lifetimes: { keycloakAccessTokenSeconds: 5 }, refresh: { revokeRefreshToken: true } })
    const timers = fakeTimers(Date.now())
    const core = h.boot({ timers })
    const { owner, id, kept } = await setup(core)
    const step = async (ms: number): Promise<void> => {
      timers.advance(ms)
      await core.tokens.settled()
    }
    // One 503 at the 4 s renewal: retried half-way to the expiry, renewed with no gap.
    const first = (await call(core, 'tokens.list', {})).tokens[0]!
    await addFault(sandbox, { path: KC_TOKEN, times: 1, respond: { kind: 'status', status: 503, body: { error: 'temporarily_unavailable' } } })
    await step(4000)
    expect(core.tokens.list()[0]).toMatchObject({ state: 'refresh-failed', renewal: { failures: 1, lastError: { code: 'UPSTREAM_ERROR' } } })
    expect(core.tokens.list()[0]!.renewal.nextAt).toBeLessThan(first.expiresAt!)
    await step(600)
    const recovered = core.tokens.list()[0]!
    expect(recovered).toMatchObject({ state: 'live', renewal: { failures: 0 } })
    expect(recovered.expiresAt).toBeGreaterThan(first.expiresAt!)
    // A storm: every request 503. The renewal gives up before the expiry after a few spaced tries.
    await addFault(sandbox, { path: KC_TOKEN, respond: { kind: 'status', status: 503, body: { error: 'temporarily_unavailable' } } })
    await resetCounters(sandbox)
    for (let i = 0; i < 20; i++) await step(500)
    const stormed = core.tokens.list()[0]!
    expect(stormed.state).toBe('expired')
    const sent = (await counters(sandbox))[KC_COUNTER]!
    expect(sent).toBeGreaterThanOrEqual(2)
    expect(sent).toBeLessThanOrEqual(5)
    expect(core.tokens.timersInUse).toBeLessThanOrEqual(1)
    const issueDuringStorm = await callError(core, 'tokens.issue', owner)
    expectActionable(issueDuringStorm, 'UPSTREAM_ERROR', /HTTP 503\)\. Try again later/)
    expect(issueDuringStorm.details).toMatchObject({ status: 503 })
    // The storm ends: renewing on request works (the refresh token outlived the storm).
    await clearFaults(sandbox)
    expect((await call(core, 'tokens.refresh', { id })).state).toBe('live')
    await expectNothingLost(core, h.keychain, kept, { valuesMayChange: true })
  })

  it('§7.20 a 302/307 from the token endpoint to another host: HTTP_REDIRECT_REFUSED naming it; the other host never sees the credentials', async () => {
    const core = h.boot()
    const { owner, kept } = await setup(core)
    const thief = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}'), { waitForBody: true })
    servers.push(thief)
    for (const status of [302, 307]) {
      await addFault(sandbox, { path: KC_TOKEN, times: 1, respond: { kind: 'status', status, headers: { Location: `${thief.url}/steal` } } })
      expectActionable(await callError(core, 'tokens.issue', owner), 'HTTP_REDIRECT_REFUSED', new RegExp(thief.url.replace(/[.]/g, '\\.')))
    }
    expect(thief.requests).toEqual([])
    await expectNothingLost(core, h.keychain, kept)
  })

  it('§7.21 a self-signed certificate (and one for another host name): HTTP_TLS, never retried; nothing in src/ turns certificate checks off', async () => {
    const credentials = selfSignedCert('other.example')
    expect(credentials, 'openssl is needed for this scenario').not.toBeNull()
    const server = await tlsServer(credentials!)
    servers.push(server)
    const core = h.boot()
    const { owner, kept } = await setup(core)
    await pointAt(core, owner, server.url)
    expectActionable(await callError(core, 'tokens.issue', owner), 'HTTP_TLS', /certificate/)
    expect(server.requests).toEqual([])
    const offenders: string[] = []
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name)
        if (statSync(path).isDirectory()) walk(path)
        else if (/\.(ts|tsx|js|mjs)$/.test(name) && !/\.test\.tsx?$/.test(name)) {
          if (/NODE_TLS_REJECT_UNAUTHORIZED|rejectUnauthorized:\s*false/.test(readFileSync(path, 'utf8'))) offenders.push(path)
        }
      }
    }
    walk(resolve(__dirname, '../..'))
    expect(offenders).toEqual([])
    await expectNothingLost(core, h.keychain, kept)
  })

  it('§7.22 an http:// token endpoint on a remote host: refused before anything is sent (HTTP_INSECURE_URL) unless the account opts in; loopback http is allowed', async () => {
    const core = h.boot({ http: fastHttp() })
    const { owner, kept } = await setup(core)
    await pointAt(core, owner, 'http://auth.example.com')
    const error = await callError(core, 'tokens.issue', owner)
    expectActionable(error, 'HTTP_INSECURE_URL', /plain http/)
    expect(error.message).toMatch(/allow insecure HTTP/)
    await pointAt(core, owner, sandbox.sandbox.ready.baseUrls.keycloakProxy)
    expect((await call(core, 'tokens.issue', owner)).state).toBe('live')
    await expectNothingLost(core, h.keychain, kept)
  })

  it('§7.23 HTTPS_PROXY pointing to a dead proxy: HTTP_UNREACHABLE that names the proxy; loopback is never proxied', async () => {
    const core = h.boot({ http: fastHttp({ env: { HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9' } }) })
    const { owner, kept } = await setup(core) // the sandbox is loopback: not proxied, works
    await pointAt(core, owner, 'https://auth.example.com')
    expectActionable(await callError(core, 'tokens.issue', owner), 'HTTP_UNREACHABLE', /proxy is configured/)
    await expectNothingLost(core, h.keychain, kept)
  })
})
