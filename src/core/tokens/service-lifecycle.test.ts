import { describe, expect, it } from 'vitest'
import type { EventName, EventPayload } from '../../shared/api'
import type { Token } from '../../shared/model'
import { envVarName } from '../clipboard/formats'
import type { Core } from '../core'
import { call, callError, useHarness } from '../faults/support/harness'
import type { HttpClient, HttpRequest } from '../http/client'
import { fakeClipboard } from '../testing/fake-clipboard'
import { fakeTimers } from '../testing/fake-timers'

/**
 * The token service on a fake clock, with a scripted Keycloak token proxy behind the real
 * provider: what renewals, retries, state changes, notices and error scrubbing look like to a
 * user, at exact times (engine.test.ts covers the same lifecycle against the sandbox).
 */

const h = useHarness()
const START = 10_000_000
const PASSWORD = 'user-password-123'
const CLIENT_SECRET = 'client-secret-456'

/** A status and JSON body (with the server clock's skew, if any), a transport crash, or either one later. */
type Answer = { status: number; body: Record<string, unknown>; skewMs?: number } | Error | Promise<{ status: number; body: Record<string, unknown> } | Error>
const MASTER = 'de000000-0000-4000-8000-0000000000aa'

/** A Keycloak token proxy that answers from a script, on the fake clock, and records what it was sent. */
function keycloakScript(now: () => number): HttpClient & { answers: Answer[]; requests: HttpRequest[] } {
  const answers: Answer[] = []
  const requests: HttpRequest[] = []
  return {
    answers,
    requests,
    async request(req) {
      requests.push(req)
      const scripted = answers.shift()
      if (!scripted) throw new Error(`unscripted request ${req.method} ${req.url}`)
      const at = now()
      const answer = await scripted
      if (answer instanceof Error) throw answer
      const body = JSON.stringify(answer.body)
      const skewMs = 'skewMs' in answer ? (answer.skewMs as number) : null
      return { status: answer.status, headers: { 'content-type': 'application/json' }, body, url: req.url, sentAt: at, receivedAt: at, skewMs, json: () => JSON.parse(body) as unknown }
    }
  }
}

let serial = 0
/** A token answer: access for `seconds`, and a refresh token for `refreshSeconds` unless null. */
function granted(seconds: number, refreshSeconds: number | null = 1800): Answer {
  serial++
  const body: Record<string, unknown> = { access_token: `access-token-value-${serial}`, expires_in: seconds, token_type: 'Bearer' }
  if (refreshSeconds !== null) Object.assign(body, { refresh_token: `refresh-token-value-${serial}`, refresh_expires_in: refreshSeconds })
  return { status: 200, body }
}

const busy = (): Answer => ({ status: 503, body: { error: 'temporarily_unavailable', error_description: 'busy' } })
const deadRefresh = (): Answer => ({ status: 400, body: { error: 'invalid_grant', error_description: 'Token is not active' } })

async function setup(options: { policy?: Token['renewal']['policy']; expiringSeconds?: number; notify?: boolean; board?: ReturnType<typeof fakeClipboard> } = {}) {
  const timers = fakeTimers(START)
  const server = keycloakScript(timers.now)
  const core = h.boot({ timers, http: server, ...(options.board ? { clipboard: options.board } : {}) })
  if (options.expiringSeconds !== undefined) await call(core, 'preferences.update', { expiringSeconds: options.expiringSeconds })
  const account = await call(core, 'accounts.create', {
    providerId: 'keycloak-proxy',
    name: 'Corp',
    fields: { baseUrl: 'https://auth.example.test', username: 'jane.doe' },
    secrets: { password: PASSWORD }
  })
  const app = await call(core, 'apps.create', {
    accountId: account.id,
    name: 'my-app',
    fields: { clientId: 'my-app', grant: 'password' },
    secrets: { clientSecret: CLIENT_SECRET }
  })
  const owner = { accountId: account.id, appId: app.id }
  if (options.policy || options.notify !== undefined) {
    await call(core, 'renewal.setPolicy', { ...owner, policy: options.policy ?? { mode: 'fraction', fraction: 0.8 }, ...(options.notify !== undefined ? { notify: options.notify } : {}) })
  }
  return { timers, server, core, owner }
}

function collect<E extends EventName>(core: Core, name: E): Array<EventPayload<E>> {
  const seen: Array<EventPayload<E>> = []
  core.events.subscribe((event: EventName, payload: unknown) => {
    if (event === name) seen.push(payload as EventPayload<E>)
  })
  return seen
}

const only = (core: Core): Token => core.tokens.list()[0]!
const auditOf = async (core: Core, id: string) => (await call(core, 'tokens.audit', { id })).events

/** Moves the fake clock and lets the renewals it started finish. */
async function advance(timers: ReturnType<typeof fakeTimers>, core: Core, ms: number): Promise<void> {
  timers.advance(ms)
  await core.tokens.settled()
}

describe('issuing: the record a user sees', () => {
  it('a 100 s token with a 30 min refresh token: expiry, renewal at 80 %, refresh expiry, label and audit', async () => {
    const { server, core, owner } = await setup()
    server.answers.push(granted(100))
    const token = await call(core, 'tokens.issue', owner)
    expect(token).toMatchObject({
      label: 'Corp · my-app · access',
      state: 'live',
      issuedAt: START,
      expiresAt: START + 100_000,
      notBefore: null,
      skewMs: 0,
      refresh: { expiresAt: START + 1_800_000, expirySource: 'expires_in', rotates: true },
      renewal: { method: 'refresh-token', nextAt: START + 80_000, failures: 0, lastError: null },
      renewals: []
    })
    expect((await auditOf(core, token.id)).map((e) => e.detail)).toEqual([`issued by Issue token; expires ${new Date(START + 100_000).toISOString()}`])
  })
})

describe('renewal: on time, single-flight, with the refresh token or by logging in again', () => {
  it('renews at 80 % with the refresh token, keeps the id, records the renewal and schedules the next one', async () => {
    const { timers, server, core, owner } = await setup()
    server.answers.push(granted(100))
    const token = await call(core, 'tokens.issue', owner)
    server.answers.push(granted(100))
    await advance(timers, core, 79_999)
    expect(server.requests).toHaveLength(1)
    await advance(timers, core, 1)
    expect(server.requests).toHaveLength(2)
    expect(server.requests[1]!.body).toContain('refresh_token')
    const renewed = only(core)
    expect(renewed).toMatchObject({
      id: token.id,
      state: 'live',
      issuedAt: START + 80_000,
      expiresAt: START + 180_000,
      renewal: { nextAt: START + 160_000, failures: 0 },
      renewals: [{ at: START + 80_000, expiresAt: START + 180_000 }]
    })
    expect((await auditOf(core, token.id)).at(-1)!.detail).toBe(`renewed automatically with the refresh token; expires ${new Date(START + 180_000).toISOString()}`)
  })

  it('a manual renewal says so in the audit; a token without refresh token is issued again', async () => {
    const { server, core, owner } = await setup()
    server.answers.push(granted(100, null))
    const token = await call(core, 'tokens.issue', owner)
    expect(token.renewal.method).toBe('reissue')
    server.answers.push(granted(100, null))
    await call(core, 'tokens.refresh', { id: token.id })
    expect(server.requests[1]!.body).toContain('"grant_type":"password"')
    expect((await auditOf(core, token.id)).at(-1)!.detail).toMatch(/^renewed on request by issuing again; expires /)
  })

  it('a refresh token past its own expiry is not sent: the service logs in again at once', async () => {
    const { timers, server, core, owner } = await setup({ policy: { mode: 'off' } })
    server.answers.push(granted(100, 50))
    const token = await call(core, 'tokens.issue', owner)
    await advance(timers, core, 50_000)
    server.answers.push(granted(100))
    await call(core, 'tokens.refresh', { id: token.id })
    expect(server.requests[1]!.body).toContain('"grant_type":"password"')
    expect((await auditOf(core, token.id)).at(-1)!.detail).toMatch(/^renewed on request by logging in again \(the refresh token had expired\)/)
  })

  it('a refresh token one millisecond before its expiry is still used', async () => {
    const { timers, server, core, owner } = await setup({ policy: { mode: 'off' } })
    server.answers.push(granted(100, 50))
    const token = await call(core, 'tokens.issue', owner)
    await advance(timers, core, 49_999)
    server.answers.push(granted(100))
    await call(core, 'tokens.refresh', { id: token.id })
    expect(server.requests[1]!.body).toContain('"grant_type":"refresh_token"')
  })

  it('a dead refresh token falls back to the password login; any other refresh error is the error', async () => {
    const { server, core, owner } = await setup()
    server.answers.push(granted(100))
    const token = await call(core, 'tokens.issue', owner)
    server.answers.push(deadRefresh(), granted(100))
    await call(core, 'tokens.refresh', { id: token.id })
    expect((await auditOf(core, token.id)).at(-1)!.detail).toMatch(/^renewed on request by logging in again \(the refresh token had expired\)/)
    server.answers.push({ status: 400, body: { error: 'invalid_scope', error_description: 'nope' } })
    expect((await callError(core, 'tokens.refresh', { id: token.id })).code).toBe('VALIDATION_FAILED')
    expect(server.requests).toHaveLength(4)
  })

  it('renewals keep the last 50 entries', async () => {
    const { server, core, owner } = await setup({ policy: { mode: 'off' } })
    server.answers.push(granted(100))
    const token = await call(core, 'tokens.issue', owner)
    for (let i = 0; i < 52; i++) {
      server.answers.push(granted(100 + i))
      await call(core, 'tokens.refresh', { id: token.id })
    }
    const renewals = only(core).renewals
    expect(renewals).toHaveLength(50)
    expect(renewals.at(-1)!.expiresAt).toBe(START + 151_000)
    expect(renewals[0]!.expiresAt).toBe(START + 102_000)
  })
})

describe('failed renewals: retries before and after expiry, and what the row says', () => {
  it('a failed scheduled renewal is retried after 2 s, then 4 s; the row says refresh-failed with the error, and a success clears it', async () => {
    const { timers, server, core, owner } = await setup()
    server.answers.push(granted(100))
    const token = await call(core, 'tokens.issue', owner)
    const notices = collect(core, 'tokens.notice')
    server.answers.push(busy())
    await advance(timers, core, 80_000)
    expect(only(core)).toMatchObject({ state: 'refresh-failed', renewal: { failures: 1, nextAt: START + 82_000, lastError: { code: expect.any(String) } } })
    expect(notices.map((n) => [n.kind, n.title])).toEqual([['renewal-failed', 'Corp · my-app · access: renewal failed']])
    expect((await auditOf(core, token.id)).at(-1)!.detail).toMatch(/^renewal failed: /)
    server.answers.push(busy())
    await advance(timers, core, 2000)
    expect(only(core).renewal).toMatchObject({ failures: 2, nextAt: START + 86_000 })
    server.answers.push(granted(100))
    await advance(timers, core, 4000)
    expect(only(core)).toMatchObject({ state: 'live', expiresAt: START + 186_000, renewal: { failures: 0, lastError: null, nextAt: START + 166_000 } })
  })

  it('a manual renewal that fails gives no notice but still schedules a retry', async () => {
    const { server, core, owner } = await setup()
    server.answers.push(granted(100))
    const token = await call(core, 'tokens.issue', owner)
    const notices = collect(core, 'tokens.notice')
    server.answers.push(busy())
    await callError(core, 'tokens.refresh', { id: token.id })
    expect(only(core)).toMatchObject({ state: 'refresh-failed', renewal: { failures: 1, nextAt: START + 2000 } })
    expect(notices).toEqual([])
  })

  it('the retry waits at most half the time left', async () => {
    const { timers, server, core, owner } = await setup()
    server.answers.push(granted(2))
    await call(core, 'tokens.issue', owner)
    server.answers.push(busy())
    await advance(timers, core, 1600)
    // 400 ms left: the retry comes after 200, not 2000.
    expect(only(core).renewal.nextAt).toBe(START + 1800)
  })

  it('with less than 200 ms left, the retry waits the backoff, bounded by one lifetime', async () => {
    const { timers, server, core, owner } = await setup({ policy: { mode: 'before', seconds: 1 } })
    server.answers.push(granted(2))
    const token = await call(core, 'tokens.issue', owner)
    timers.jump(1_850)
    server.answers.push(busy())
    await callError(core, 'tokens.refresh', { id: token.id })
    expect(only(core).renewal.nextAt).toBe(START + 1_850 + 2000)
  })

  it('after expiry a failing renewal is retried for a minute, then the token is left expired with no timer', async () => {
    const { timers, server, core, owner } = await setup()
    server.answers.push(granted(10))
    const token = await call(core, 'tokens.issue', owner)
    for (let i = 0; i < 40; i++) server.answers.push(busy())
    await advance(timers, core, 10_000)
    expect(only(core).state).toBe('expired')
    for (let step = 0; step < 80; step++) await advance(timers, core, 1000)
    const left = only(core)
    expect(left.state).toBe('expired')
    expect(left.renewal.nextAt).toBeNull()
    const tries = server.requests.length
    await advance(timers, core, 600_000)
    expect(server.requests).toHaveLength(tries)
    expect(core.tokens.timersInUse).toBe(0)
    // Retries start within 60 s of the expiry (the late window), each at most one lifetime (10 s) after the last.
    const lastTry = (await auditOf(core, token.id)).filter((e) => e.kind === 'failed').at(-1)!.at
    expect(lastTry).toBeLessThanOrEqual(START + 10_000 + 60_000 + 10_000)
    expect(lastTry).toBeGreaterThan(START + 10_000 + 50_000)
  })

  it('with auto-renew off a failed manual renewal schedules no retry', async () => {
    const { server, core, owner } = await setup({ policy: { mode: 'off' } })
    server.answers.push(granted(100))
    const token = await call(core, 'tokens.issue', owner)
    server.answers.push(busy())
    await callError(core, 'tokens.refresh', { id: token.id })
    expect(only(core).renewal).toMatchObject({ failures: 1, nextAt: null })
  })

  it('an unexpected crash inside the provider is INTERNAL with a sentence; the log names the error class only', async () => {
    const { server, core, owner } = await setup()
    server.answers.push(granted(100))
    const token = await call(core, 'tokens.issue', owner)
    server.answers.push(new TypeError(`cannot read ${PASSWORD}`))
    const error = await callError(core, 'tokens.refresh', { id: token.id })
    expect(error).toMatchObject({ code: 'INTERNAL', message: 'Keycloak token proxy renewal failed unexpectedly. Details are in the log.' })
    server.answers.push(new RangeError('boom'))
    expect(await callError(core, 'tokens.issue', owner)).toMatchObject({ code: 'INTERNAL', message: 'Keycloak token proxy grant failed unexpectedly. Details are in the log.' })
    expect(h.logText()).toMatch(/ERROR \[tokens\] Keycloak token proxy renewal failed unexpectedly.*TypeError/)
    expect(h.logText()).not.toContain(PASSWORD)
  })
})

describe('states and notices follow the clock', () => {
  it('live → expiring (notice) → expired (notice) with auto-renew off; the expiring window is the preference', async () => {
    const { timers, server, core, owner } = await setup({ policy: { mode: 'off' }, expiringSeconds: 10 })
    server.answers.push(granted(100))
    const token = await call(core, 'tokens.issue', owner)
    const notices = collect(core, 'tokens.notice')
    await advance(timers, core, 89_999)
    expect(only(core).state).toBe('live')
    await advance(timers, core, 1)
    expect(only(core).state).toBe('expiring')
    expect(notices).toEqual([
      { tokenId: token.id, kind: 'expiring', title: 'Corp · my-app · access expires soon', body: `Expires at ${localClock(START + 100_000)}.`, at: START + 90_000 }
    ])
    await advance(timers, core, 9_999)
    expect(only(core).state).toBe('expiring')
    await advance(timers, core, 1)
    expect(only(core).state).toBe('expired')
    expect(notices.at(-1)).toEqual({ tokenId: token.id, kind: 'expired', title: 'Corp · my-app · access expired', body: 'Issue a new one, or turn on auto-renew for it.', at: START + 100_000 })
    expect((await auditOf(core, token.id)).map((e) => [e.kind, e.detail, e.at])).toEqual([
      ['issued', expect.any(String), START],
      ['expiring', 'expiring soon', START + 90_000],
      ['expired', 'expired', START + 100_000]
    ])
    expect(core.tokens.timersInUse).toBe(0)
  })

  it('a token about to be renewed gets no "expires soon" notice, and the renewal still runs', async () => {
    const { timers, server, core, owner } = await setup({ policy: { mode: 'before', seconds: 5 }, expiringSeconds: 10 })
    server.answers.push(granted(100))
    await call(core, 'tokens.issue', owner)
    const notices = collect(core, 'tokens.notice')
    server.answers.push(granted(100))
    await advance(timers, core, 90_000)
    expect(only(core).state).toBe('expiring')
    await advance(timers, core, 5_000)
    expect(only(core)).toMatchObject({ state: 'live', expiresAt: START + 195_000 })
    expect(notices).toEqual([])
  })

  it.each(['preference', 'app'] as const)('no notices when they are off (by the %s); the states change all the same', async (muted) => {
    const { timers, server, core, owner } = await setup({ policy: { mode: 'off' }, ...(muted === 'app' ? { notify: false } : {}) })
    if (muted === 'preference') await call(core, 'preferences.update', { notifications: false })
    server.answers.push(granted(100))
    await call(core, 'tokens.issue', owner)
    const notices = collect(core, 'tokens.notice')
    await advance(timers, core, 100_000)
    expect(only(core).state).toBe('expired')
    expect(notices).toEqual([])
  })

  it('an account-level token follows the account’s notice switch', async () => {
    const { timers, server, core } = await setup()
    const paw = await call(core, 'accounts.create', { providerId: 'pocketpaw', name: 'Paw', fields: { baseUrl: 'https://paw.example.test' }, secrets: { masterToken: MASTER } })
    await call(core, 'renewal.setPolicy', { accountId: paw.id, policy: { mode: 'off' }, notify: false })
    server.answers.push({ status: 200, body: { session_token: `${Math.floor((START + 100_000) / 1000)}:${'ab'.repeat(32)}` } })
    await call(core, 'tokens.issue', { accountId: paw.id })
    const notices = collect(core, 'tokens.notice')
    await advance(timers, core, 100_000)
    expect(only(core).state).toBe('expired')
    expect(notices).toEqual([])
  })

  it('a token whose renewal timer fires late (sleep) is still renewed when it was due before the expiry', async () => {
    const { timers, server, core, owner } = await setup()
    server.answers.push(granted(100))
    await call(core, 'tokens.issue', owner)
    timers.jump(150_000)
    server.answers.push(granted(100))
    await advance(timers, core, 0)
    expect(only(core)).toMatchObject({ state: 'live', expiresAt: START + 250_000 })
  })

  /** Writes everything down, stops the core, lets `ms` pass, and boots a new core on the same data. */
  async function restartAfter({ core, timers, server }: Pick<Awaited<ReturnType<typeof setup>>, 'core' | 'timers' | 'server'>, ms: number) {
    await core.tokens.flush()
    await (await core.secrets.tokenCache()).flush()
    await core.dispose()
    timers.jump(ms)
    return h.boot({ timers, http: server })
  }

  it('an expired token is not renewed by a stale renewal time after a restart', async () => {
    const { timers, server, core, owner } = await setup()
    server.answers.push(granted(100))
    const token = await call(core, 'tokens.issue', owner)
    const restarted = await restartAfter({ core, timers, server }, 500_000)
    expect(restarted.tokens.list()).toMatchObject([{ id: token.id, state: 'expired' }])
    await advance(timers, restarted, 1000)
    expect(server.requests).toHaveLength(1)
    expect(restarted.tokens.timersInUse).toBe(0)
  })

  it('after a restart a live token is scheduled again: it turns expiring on time', async () => {
    const { timers, server, core, owner } = await setup({ policy: { mode: 'off' }, expiringSeconds: 10 })
    server.answers.push(granted(100))
    const token = await call(core, 'tokens.issue', owner)
    const restarted = await restartAfter({ core, timers, server }, 50_000)
    expect(restarted.tokens.list()).toMatchObject([{ id: token.id, state: 'live' }])
    await advance(timers, restarted, 40_000)
    expect(restarted.tokens.list()[0]!.state).toBe('expiring')
  })
})

describe('renewal policy', () => {
  it('a new policy reschedules the owner’s tokens at once and reports how many changed', async () => {
    const { timers, server, core, owner } = await setup()
    server.answers.push(granted(100), granted(100))
    await call(core, 'tokens.issue', owner)
    const second = await call(core, 'tokens.issue', owner)
    const result = await call(core, 'renewal.setPolicy', { ...owner, policy: { mode: 'fraction', fraction: 0.5 }, notify: false })
    expect(result).toEqual({ policy: { mode: 'fraction', fraction: 0.5 }, notify: false, tokensUpdated: 2 })
    expect(core.tokens.list().map((t) => t.renewal.nextAt)).toEqual([START + 50_000, START + 50_000])
    server.answers.push(granted(100), granted(100))
    await advance(timers, core, 50_000)
    expect(server.requests).toHaveLength(4)
    expect((await call(core, 'renewal.setPolicy', { ...owner, policy: { mode: 'off' } })).tokensUpdated).toBe(2)
    expect(core.tokens.list().find((t) => t.id === second.id)!.renewal.nextAt).toBeNull()
    // Tokens of the account itself (no app) are another owner.
    expect((await call(core, 'renewal.setPolicy', { accountId: owner.accountId, policy: { mode: 'off' } })).tokensUpdated).toBe(0)
  })
})

describe('forgetting and clearing', () => {
  it('forget removes the record and values, says so in one change event, and false for an unknown id', async () => {
    const { server, core, owner } = await setup()
    server.answers.push(granted(100))
    const token = await call(core, 'tokens.issue', owner)
    const changes = collect(core, 'tokens.changed')
    expect(await call(core, 'tokens.forget', { id: token.id })).toEqual({ forgotten: true })
    expect(await call(core, 'tokens.forget', { id: token.id })).toEqual({ forgotten: false })
    const cache = await core.secrets.tokenCache()
    expect(cache.get(token.id)).toBeUndefined()
    expect(cache.get(`${token.id}/refresh`)).toBeUndefined()
    expect(core.tokens.scheduledCount).toBe(0)
    await new Promise((resolve) => setImmediate(resolve))
    expect(changes).toEqual([{ upserted: [], removed: [token.id] }])
  })

  it('clear expired removes only expired tokens, of one account when named', async () => {
    const { timers, server, core, owner } = await setup({ policy: { mode: 'off' } })
    server.answers.push(granted(10), granted(100))
    const short = await call(core, 'tokens.issue', owner)
    await call(core, 'tokens.issue', owner)
    await advance(timers, core, 10_000)
    expect(await call(core, 'tokens.clearExpired', { accountId: 'another-account' })).toEqual({ removed: 0 })
    expect(await call(core, 'tokens.clearExpired', { accountId: owner.accountId })).toEqual({ removed: 1 })
    expect(core.tokens.list().map((t) => t.id)).not.toContain(short.id)
    expect(core.tokens.list()).toHaveLength(1)
    expect(await call(core, 'tokens.clearExpired', {})).toEqual({ removed: 0 })
  })

  it('removing an app removes its tokens only', async () => {
    const { server, core, owner } = await setup()
    const other = await call(core, 'apps.create', { accountId: owner.accountId, name: 'other', fields: { clientId: 'other', grant: 'password' }, secrets: { clientSecret: CLIENT_SECRET } })
    server.answers.push(granted(100), granted(100))
    await call(core, 'tokens.issue', owner)
    const kept = await call(core, 'tokens.issue', { accountId: owner.accountId, appId: other.id })
    expect(await call(core, 'apps.remove', { id: owner.appId })).toEqual({ removedTokens: 1 })
    expect(core.tokens.list().map((t) => t.id)).toEqual([kept.id])
  })
})

describe('values: reveal, inspect, copy', () => {
  it('reveal of the token and of its refresh token, each audited; a token without refresh token says so', async () => {
    const { server, core, owner } = await setup()
    server.answers.push(granted(100))
    const token = await call(core, 'tokens.issue', owner)
    const access = await call(core, 'tokens.reveal', { id: token.id })
    const refresh = await call(core, 'tokens.reveal', { id: token.id, part: 'refresh' })
    expect(access).toEqual({ value: expect.stringMatching(/^access-token-value-/), hideAfterMs: 8000 })
    expect(refresh.value).toMatch(/^refresh-token-value-/)
    expect((await auditOf(core, token.id)).map((e) => e.detail).slice(1)).toEqual(['value revealed', 'refresh token revealed'])
    expect((await call(core, 'tokens.inspect', { id: token.id, part: 'refresh' })).format).toBe('opaque')
    server.answers.push(granted(100, null))
    const bare = await call(core, 'tokens.issue', owner)
    expect(await callError(core, 'tokens.reveal', { id: bare.id, part: 'refresh' })).toMatchObject({ code: 'TOKEN_NOT_FOUND', message: 'Corp · my-app · access has no refresh token.' })
    expect(await callError(core, 'tokens.audit', { id: 'gone' })).toMatchObject({ code: 'TOKEN_NOT_FOUND' })
  })

  it('copy in browser mode hands the text to the page; the refresh token is named in the description', async () => {
    const { server, core, owner } = await setup()
    server.answers.push(granted(100))
    const token = await call(core, 'tokens.issue', owner)
    const copied = await call(core, 'tokens.copy', { id: token.id, format: 'header', part: 'refresh' })
    expect(copied).toMatchObject({ target: 'page', clearsAt: null, text: expect.stringMatching(/refresh-token-value-/) })
    expect(copied.description).toMatch(/^Corp · my-app · access refresh token /)
    expect((await auditOf(core, token.id)).at(-1)!.kind).toBe('copied')
  })
})

describe('copy to the system clipboard (Electron)', () => {
  it('cleared after the preference’s 30 s when the token outlives them, at expiry when it does not', async () => {
    const board = fakeClipboard()
    const { timers, server, core, owner } = await setup({ board, policy: { mode: 'off' } })
    const cleared = collect(core, 'clipboard.cleared')
    server.answers.push(granted(100), granted(50))
    const long = await call(core, 'tokens.issue', owner)
    const short = await call(core, 'tokens.issue', owner)
    const copied = await call(core, 'tokens.copy', { id: long.id, format: 'raw' })
    expect(copied).toEqual({ description: expect.stringMatching(/^Corp · my-app · access /), target: 'clipboard', clearsAt: START + 30_000 })
    expect(board.text).toMatch(/^access-token-value-/)
    await advance(timers, core, 29_999)
    expect(board.text).not.toBe('')
    await advance(timers, core, 1)
    expect(board.text).toBe('')
    expect(cleared.at(-1)).toEqual({ tokenId: long.id, reason: 'timer' })
    await call(core, 'preferences.update', { clipboardClearSeconds: 0 })
    expect((await call(core, 'tokens.copy', { id: short.id, format: 'raw' })).clearsAt).toBe(START + 50_000)
    await advance(timers, core, 19_999)
    expect(board.text).not.toBe('')
    await advance(timers, core, 1)
    expect(board.text).toBe('')
    expect(cleared.at(-1)).toEqual({ tokenId: short.id, reason: 'expiry' })
  })

  it('the expiry wins only when it comes first: a token expiring exactly at the timer is cleared by the timer', async () => {
    const board = fakeClipboard()
    const { server, core, owner } = await setup({ board, policy: { mode: 'off' } })
    server.answers.push(granted(30), granted(31), granted(29))
    const [at, after, before] = [await call(core, 'tokens.issue', owner), await call(core, 'tokens.issue', owner), await call(core, 'tokens.issue', owner)]
    expect((await call(core, 'tokens.copy', { id: at.id, format: 'raw' })).clearsAt).toBe(START + 30_000)
    expect((await call(core, 'tokens.copy', { id: after.id, format: 'raw' })).clearsAt).toBe(START + 30_000)
    expect((await call(core, 'tokens.copy', { id: before.id, format: 'raw' })).clearsAt).toBe(START + 29_000)
  })

  it('a clipboard that cannot be written is CLIPBOARD_UNAVAILABLE; quitting clears what TokenDesk put there', async () => {
    const board = fakeClipboard()
    const { server, core, owner } = await setup({ board })
    server.answers.push(granted(100))
    const token = await call(core, 'tokens.issue', owner)
    board.failing = true
    expect(await callError(core, 'tokens.copy', { id: token.id, format: 'raw' })).toMatchObject({
      code: 'CLIPBOARD_UNAVAILABLE',
      message: 'The clipboard could not be written. Try again, or use Reveal and copy by hand.'
    })
    board.failing = false
    await call(core, 'tokens.copy', { id: token.id, format: 'raw' })
    await core.dispose()
    expect(board.text).toBe('')
    expect(board.cleared).toBe(1)
  })
})

describe('tokens of other providers: no renewal, no expiry, revoked at the server', () => {
  async function respokeAdmin(core: Core, server: ReturnType<typeof keycloakScript>) {
    const account = await call(core, 'accounts.create', {
      providerId: 'respoke',
      name: 'Resp',
      fields: { baseUrl: 'https://respoke.example.test', username: 'admin' },
      secrets: { password: 'admin-password-1' }
    })
    server.answers.push({ status: 200, body: { token: 'admin-token-value-0001' } })
    return call(core, 'tokens.issue', { accountId: account.id })
  }

  it('a Respoke Admin-Token has no expiry to follow and cannot be renewed; copying it is cleared by the timer', async () => {
    const board = fakeClipboard()
    const { server, core } = await setup({ board })
    const admin = await respokeAdmin(core, server)
    expect(admin).toMatchObject({ kind: 'Admin-Token', expiresAt: null, state: 'live', renewal: { method: 'none', nextAt: null } })
    expect(core.tokens.scheduledCount).toBe(0)
    expect((await auditOf(core, admin.id))[0]!.detail).toBe('issued by Admin login; expiry unknown')
    expect(await callError(core, 'tokens.refresh', { id: admin.id })).toMatchObject({
      code: 'NOT_SUPPORTED',
      message: 'Resp · Admin-Token cannot be renewed: Respoke has no way to extend a Admin-Token. Issue a new one.'
    })
    expect(server.requests).toHaveLength(1)
    expect((await call(core, 'tokens.copy', { id: admin.id, format: 'raw' })).clearsAt).toBe(START + 30_000)
    await call(core, 'preferences.update', { clipboardClearSeconds: 0 })
    expect((await call(core, 'tokens.copy', { id: admin.id, format: 'raw' })).clearsAt).toBeNull()
    expect(await callError(core, 'tokens.revoke', { id: admin.id })).toMatchObject({
      code: 'NOT_SUPPORTED',
      message: 'Respoke cannot revoke a Admin-Token at the server. Forget removes it from TokenDesk; it stays valid until it expires.'
    })
  })

  it('regenerating the PocketPaw master marks its sessions revoked, once: no renewal, no value, no timer', async () => {
    const { timers, server, core, owner } = await setup()
    server.answers.push(granted(100))
    const keycloak = await call(core, 'tokens.issue', owner)
    const account = await call(core, 'accounts.create', { providerId: 'pocketpaw', name: 'Paw', fields: { baseUrl: 'https://paw.example.test' }, secrets: { masterToken: MASTER } })
    const session = (seconds: number): Answer => ({ status: 200, body: { session_token: `${Math.floor((timers.now() + seconds * 1000) / 1000)}:${'ab'.repeat(32)}` } })
    server.answers.push(session(100), session(100))
    const first = await call(core, 'tokens.issue', { accountId: account.id })
    const second = await call(core, 'tokens.issue', { accountId: account.id })
    expect(first).toMatchObject({ expirySource: 'pocketpaw-prefix', expiresAt: START + 100_000, renewal: { method: 'reissue', nextAt: START + 80_000 } })
    await new Promise((resolve) => setImmediate(resolve))
    const changes = collect(core, 'tokens.changed')
    server.answers.push({ status: 200, body: { token: 'df000000-0000-4000-8000-0000000000bb' } })
    expect(await call(core, 'accounts.runAction', { id: account.id, action: 'regenerate-master' })).toMatchObject({ affectedTokens: 2 })
    await new Promise((resolve) => setImmediate(resolve))
    expect(changes.at(-1)!.upserted.map((t) => [t.id, t.state, t.renewal.nextAt])).toEqual([
      [first.id, 'revoked', null],
      [second.id, 'revoked', null]
    ])
    expect((await auditOf(core, first.id)).at(-1)).toMatchObject({ kind: 'revoked', detail: 'revoked by Regenerate master token' })
    expect(core.tokens.list().find((t) => t.id === keycloak.id)!.state).toBe('live')
    server.answers.push({ status: 200, body: { token: 'dd000000-0000-4000-8000-0000000000cc' } })
    expect(await call(core, 'accounts.runAction', { id: account.id, action: 'regenerate-master' })).toMatchObject({ affectedTokens: 0 })
    expect(await callError(core, 'tokens.refresh', { id: first.id })).toMatchObject({ code: 'TOKEN_REVOKED', message: 'Paw · session was revoked. Issue a new one.' })
    expect(await callError(core, 'tokens.reveal', { id: first.id })).toMatchObject({ code: 'TOKEN_REVOKED', message: 'Paw · session was revoked; its value is gone.' })
    expect(await call(core, 'tokens.revoke', { id: first.id })).toMatchObject({ id: first.id, state: 'revoked' })
    await call(core, 'tokens.forget', { id: keycloak.id })
    const requests = server.requests.length
    await advance(timers, core, 200_000)
    expect(server.requests).toHaveLength(requests)
    expect(await call(core, 'tokens.clearExpired', { accountId: account.id })).toEqual({ removed: 2 })
  })
})

describe('errors never quote a secret the account holds', () => {
  it('a server that echoes another token’s refresh token, whole or cut off by the quote, has it redacted', async () => {
    const { server, core, owner } = await setup()
    const refresh = 'rt-0123456789abcdefghijklmnopqrstuvwxyz'
    server.answers.push({ status: 200, body: { access_token: 'access-token-value-kept', expires_in: 100, refresh_token: refresh, refresh_expires_in: 1800 } })
    await call(core, 'tokens.issue', owner)
    server.answers.push({ status: 400, body: { error: 'invalid_grant', error_description: `token ${refresh} is not yours` } })
    const whole = await callError(core, 'tokens.issue', owner)
    expect(whole.message).toBe('Keycloak refused the login: "token [redacted] is not yours". Check the user name and password.')
    expect(JSON.stringify(whole)).not.toContain(refresh)
    // quoteServer cuts at 160 characters: 140 of padding leave the first 19 of the refresh token before the "…".
    server.answers.push({ status: 400, body: { error: 'invalid_grant', error_description: `${'x'.repeat(139)} ${refresh}` } })
    const cut = await callError(core, 'tokens.issue', owner)
    expect(cut.message).toContain(`${'x'.repeat(139)} [redacted]…`)
    expect(JSON.stringify(cut)).not.toContain(refresh.slice(0, 12))
  })

  it('an error that quotes nothing secret comes back as the provider wrote it', async () => {
    const { server, core, owner } = await setup()
    server.answers.push({ status: 400, body: { error: 'invalid_grant', error_description: 'Account disabled' } })
    expect(await callError(core, 'tokens.issue', owner)).toEqual({
      code: 'AUTH_REJECTED',
      message: 'The user account is disabled in Keycloak. Ask a Keycloak administrator to enable it.',
      details: { status: 400, purpose: 'Keycloak proxy password login', error: 'invalid_grant', reason: 'Account disabled' }
    })
  })
})

describe('more of what a user sees', () => {
  it('every change reaches the renderer as a tokens.changed delta: issue, renewal, failure, policy, state', async () => {
    const { timers, server, core, owner } = await setup({ expiringSeconds: 10 })
    const changes = collect(core, 'tokens.changed')
    const settle = () => new Promise((resolve) => setImmediate(resolve))
    const states = () => changes.flatMap((c) => c.upserted.map((t) => t.state))
    server.answers.push(granted(100))
    const token = await call(core, 'tokens.issue', owner)
    await settle()
    expect(changes).toEqual([{ upserted: [token], removed: [] }])
    server.answers.push(busy())
    await callError(core, 'tokens.refresh', { id: token.id })
    await settle()
    expect(states()).toEqual(['live', 'refresh-failed'])
    server.answers.push(granted(100))
    await call(core, 'tokens.refresh', { id: token.id })
    await settle()
    expect(states()).toEqual(['live', 'refresh-failed', 'live'])
    await call(core, 'renewal.setPolicy', { ...owner, policy: { mode: 'off' } })
    await settle()
    expect(changes.at(-1)!.upserted[0]!.renewal.policy).toEqual({ mode: 'off' })
    await advance(timers, core, 90_000)
    await settle()
    expect(states().at(-1)).toBe('expiring')
  })

  it('fifty concurrent refreshes send one request and get the same token', async () => {
    const { server, core, owner } = await setup()
    server.answers.push(granted(100))
    const token = await call(core, 'tokens.issue', owner)
    let answer: (value: Answer) => void = () => undefined
    server.answers.push(new Promise((resolve) => (answer = resolve)))
    const renewing = Array.from({ length: 50 }, () => call(core, 'tokens.refresh', { id: token.id }))
    await new Promise((resolve) => setImmediate(resolve))
    answer(granted(300))
    const renewed = await Promise.all(renewing)
    expect(server.requests).toHaveLength(2)
    expect(new Set(renewed.map((t) => t.expiresAt))).toEqual(new Set([START + 300_000]))
  })

  it('forgotten while the renewal is on the wire: the late answer is dropped, the values leave the cache then, no timer comes back', async () => {
    const busyAnswer = busy()
    for (const late of [granted(100), busyAnswer]) {
      const { server, core, owner } = await setup()
      server.answers.push(granted(100))
      const token = await call(core, 'tokens.issue', owner)
      let answer: (value: Answer) => void = () => undefined
      server.answers.push(new Promise((resolve) => (answer = resolve)))
      const renewing = core.dispatch('tokens.refresh', { id: token.id })
      await new Promise((resolve) => setImmediate(resolve))
      await call(core, 'tokens.forget', { id: token.id })
      const cache = await core.secrets.tokenCache()
      expect(cache.get(token.id)).toBeDefined()
      answer(late)
      const result = await renewing
      expect(result.ok).toBe(false)
      // A success finds the token gone; a failure is reported as it is, with no record left to mark.
      if (!result.ok) expect(result.error).toMatchObject(late === busyAnswer ? { code: 'UPSTREAM_ERROR' } : { code: 'TOKEN_NOT_FOUND', message: 'Corp · my-app · access was forgotten while it was being renewed.', details: { tokenId: token.id } })
      await new Promise((resolve) => setImmediate(resolve))
      expect(cache.get(token.id)).toBeUndefined()
      expect(cache.get(`${token.id}/refresh`)).toBeUndefined()
      expect(core.tokens.list()).toEqual([])
      expect(core.tokens.scheduledCount).toBe(0)
    }
  })

  it('quitting while a renewal runs: it finishes, and nothing is scheduled after the quit', async () => {
    const { timers, server, core, owner } = await setup()
    server.answers.push(granted(100))
    const token = await call(core, 'tokens.issue', owner)
    let answer: (value: Answer) => void = () => undefined
    server.answers.push(new Promise((resolve) => (answer = resolve)))
    const renewing = core.dispatch('tokens.refresh', { id: token.id })
    await new Promise((resolve) => setImmediate(resolve))
    const quitting = core.tokens.dispose()
    answer(granted(100))
    await quitting
    expect((await renewing).ok).toBe(true)
    expect(timers.pending()).toBe(0)
  })

  it('a renewal that brings a new refresh token keeps it; one that brings none drops the old one', async () => {
    const { server, core, owner } = await setup()
    server.answers.push(granted(100))
    const token = await call(core, 'tokens.issue', owner)
    server.answers.push(granted(100))
    await call(core, 'tokens.refresh', { id: token.id })
    expect((await call(core, 'tokens.reveal', { id: token.id, part: 'refresh' })).value).toBe(`refresh-token-value-${serial}`)
    server.answers.push(deadRefresh(), granted(100, null))
    const relogged = await call(core, 'tokens.refresh', { id: token.id })
    expect(relogged.refresh).toBeNull()
    expect(await callError(core, 'tokens.reveal', { id: token.id, part: 'refresh' })).toMatchObject({ code: 'TOKEN_NOT_FOUND' })
  })

  it('an offline refresh token (no expiry) is used however late', async () => {
    const { timers, server, core, owner } = await setup({ policy: { mode: 'off' } })
    server.answers.push(granted(100, 0))
    const token = await call(core, 'tokens.issue', owner)
    expect(token.refresh).toMatchObject({ expiresAt: null, expirySource: 'none' })
    timers.jump(10_000_000)
    server.answers.push(granted(100))
    await call(core, 'tokens.refresh', { id: token.id })
    expect(server.requests[1]!.body).toContain('"grant_type":"refresh_token"')
  })

  it('a token of unknown expiry is renewed only on request: a failure schedules no retry', async () => {
    const { server, core, owner } = await setup()
    server.answers.push({ status: 200, body: { access_token: 'opaque-access-value-1' } })
    const token = await call(core, 'tokens.issue', owner)
    expect(token).toMatchObject({ expiresAt: null, expirySource: 'unknown', renewal: { nextAt: null } })
    expect((await auditOf(core, token.id))[0]!.detail).toBe('issued by Issue token; expiry unknown')
    server.answers.push(busy())
    await callError(core, 'tokens.refresh', { id: token.id })
    expect(only(core)).toMatchObject({ state: 'refresh-failed', renewal: { failures: 1, nextAt: null } })
  })

  it('the server clock’s skew is recorded; a relative lifetime still counts from our clock', async () => {
    const { server, core, owner } = await setup()
    server.answers.push({ ...(granted(100) as { status: number; body: Record<string, unknown> }), skewMs: 5_000.4 })
    const token = await call(core, 'tokens.issue', owner)
    expect(token).toMatchObject({ skewMs: 5000, expiresAt: START + 100_000 })
  })

  it('a failure exactly 200 ms before expiry still retries within the time left; a minute after expiry it stops', async () => {
    const { timers, server, core, owner } = await setup({ policy: { mode: 'before', seconds: 1 } })
    server.answers.push(granted(10))
    const token = await call(core, 'tokens.issue', owner)
    timers.jump(9_800)
    server.answers.push(busy())
    await callError(core, 'tokens.refresh', { id: token.id })
    expect(only(core).renewal.nextAt).toBe(START + 9_900)
    timers.jump(200 + 59_999)
    server.answers.push(busy())
    await callError(core, 'tokens.refresh', { id: token.id })
    expect(only(core).renewal.nextAt).toBe(START + 69_999 + 4000)
    timers.jump(1)
    server.answers.push(busy())
    await callError(core, 'tokens.refresh', { id: token.id })
    expect(only(core).renewal.nextAt).toBeNull()
  })

  it('a long-lived token is retried for two lifetimes after expiry, more than the minute', async () => {
    const { timers, server, core, owner } = await setup()
    server.answers.push(granted(100))
    const token = await call(core, 'tokens.issue', owner)
    timers.jump(100_000 + 150_000)
    server.answers.push(busy())
    await callError(core, 'tokens.refresh', { id: token.id })
    expect(only(core).renewal.nextAt).toBe(START + 250_000 + 2000)
  })

  it('issuing for the wrong target or an unknown flow says which flows there are', async () => {
    const { server, core, owner } = await setup()
    expect(await callError(core, 'tokens.issue', { accountId: owner.accountId })).toEqual({
      code: 'FLOW_NOT_SUPPORTED',
      message: 'Keycloak token proxy issues tokens from an app, not from the account.',
      details: { flows: [] }
    })
    expect(await callError(core, 'tokens.issue', { ...owner, flow: 'teleport' })).toEqual({
      code: 'FLOW_NOT_SUPPORTED',
      message: 'Keycloak token proxy has no flow "teleport" for apps (flows: grant, password, client_credentials).',
      details: { flows: ['grant', 'password', 'client_credentials'] }
    })
    server.answers.push(granted(100))
    const token = await call(core, 'tokens.issue', { ...owner, flow: 'client_credentials' })
    expect(server.requests[0]!.body).toContain('"grant_type":"client_credentials"')
    expect((await auditOf(core, token.id))[0]!.detail).toMatch(/^issued by Client credentials; /)
    const paw = await call(core, 'accounts.create', { providerId: 'pocketpaw', name: 'Paw', fields: { baseUrl: 'https://paw.example.test' }, secrets: { masterToken: MASTER } })
    expect(await callError(core, 'tokens.issue', { accountId: paw.id, flow: 'regenerate-master' })).toMatchObject({ message: 'PocketPaw has no flow "regenerate-master" for accounts (flows: session).' })
    expect(await callError(core, 'tokens.copy', { id: 'gone' })).toMatchObject({ code: 'TOKEN_NOT_FOUND', details: { tokenId: 'gone' } })
  })

  it('copy as a curl line uses the account’s base URL; a refresh token exports as one', async () => {
    const { server, core, owner } = await setup()
    server.answers.push(granted(100))
    const token = await call(core, 'tokens.issue', owner)
    expect((await call(core, 'tokens.copy', { id: token.id, format: 'curl' })).text).toMatch(/ 'https:\/\/auth\.example\.test'$/)
    const access = await call(core, 'tokens.copy', { id: token.id, format: 'export-bash' })
    const refresh = await call(core, 'tokens.copy', { id: token.id, format: 'export-bash', part: 'refresh' })
    expect(access.text!.split('=')[0]).toBe(`export ${envVarName('access')}`)
    expect(refresh.text!.split('=')[0]).toBe(`export ${envVarName('refresh')}`)
    expect(envVarName('access')).not.toBe(envVarName('refresh'))
    expect(access.description).not.toMatch(/refresh token/)
  })

  it('issued values are redacted from the log at once', async () => {
    const { server, core, owner } = await setup()
    server.answers.push(granted(100))
    const token = await call(core, 'tokens.issue', owner)
    const cache = await core.secrets.tokenCache()
    core.log.warn('test', `leak ${cache.get(token.id)} and ${cache.get(`${token.id}/refresh`)}`)
    expect(h.logText()).toContain('leak [redacted] and [redacted]')
  })

  it('records flushed before a crash are there after the restart; a value the cache lost is a sentence', async () => {
    const { timers, server, core, owner } = await setup()
    server.answers.push(granted(100))
    const token = await call(core, 'tokens.issue', owner)
    await core.tokens.flush()
    h.abandon(core)
    const restarted = h.boot({ timers, http: server })
    expect(restarted.tokens.list().map((t) => t.id)).toEqual([token.id])
    // The token cache is written behind: a crash before its flush loses the value.
    expect(await callError(restarted, 'tokens.reveal', { id: token.id })).toEqual({ code: 'TOKEN_NOT_FOUND', message: 'The value of Corp · my-app · access is no longer in the token cache. Issue a new one.', details: { tokenId: token.id } })
  })
})

describe('owners and secrets, per account', () => {
  async function twoPaws(core: Core, server: ReturnType<typeof keycloakScript>) {
    /** A session token whose own prefix says it expires at START + `expiresAfterMs`. */
    const session = (expiresAfterMs = 100_000): Answer => ({ status: 200, body: { session_token: `${(START + expiresAfterMs) / 1000}:${'cd'.repeat(32)}` } })
    const ids: string[] = []
    for (const name of ['Paw A', 'Paw B']) {
      const account = await call(core, 'accounts.create', { providerId: 'pocketpaw', name, fields: { baseUrl: 'https://paw.example.test' }, secrets: { masterToken: MASTER } })
      server.answers.push(session())
      await call(core, 'tokens.issue', { accountId: account.id })
      ids.push(account.id)
    }
    return { ids, session }
  }

  it('a policy for one account leaves another account’s tokens alone; clear expired without an account clears every account', async () => {
    const { timers, server, core } = await setup()
    const { ids } = await twoPaws(core, server)
    expect((await call(core, 'renewal.setPolicy', { accountId: ids[0]!, policy: { mode: 'off' } })).tokensUpdated).toBe(1)
    expect(core.tokens.list().map((t) => t.renewal.nextAt)).toEqual([null, START + 80_000])
    await call(core, 'renewal.setPolicy', { accountId: ids[1]!, policy: { mode: 'off' } })
    await advance(timers, core, 100_000)
    expect(await call(core, 'tokens.clearExpired', {})).toEqual({ removed: 2 })
  })

  it('an account-level token is renewed by issuing again', async () => {
    const { timers, server, core } = await setup()
    const { session } = await twoPaws(core, server)
    server.answers.push(session(180_000), session(180_000))
    const token = core.tokens.list()[0]!
    await advance(timers, core, 80_000)
    expect(core.tokens.list().find((t) => t.id === token.id)).toMatchObject({ state: 'live', expiresAt: START + 180_000, renewals: [{ at: START + 80_000 }] })
  })

  it('a refresh error quoting the password (not part of the refresh request) has it blanked, in the message and in the details', async () => {
    const { server, core, owner } = await setup()
    server.answers.push(granted(100))
    const token = await call(core, 'tokens.issue', owner)
    server.answers.push({ status: 503, body: { error: 'temporarily_unavailable', error_description: `cannot check ${PASSWORD} now` } })
    const failed = await callError(core, 'tokens.refresh', { id: token.id })
    expect(failed.message).toContain('[redacted]')
    expect(JSON.stringify(failed)).not.toContain(PASSWORD)
    server.answers.push({ status: 400, body: { error: 'invalid_grant', error_description: `refresh of ${PASSWORD} refused` } }, busy())
    const dead = await callError(core, 'tokens.refresh', { id: token.id })
    expect(JSON.stringify(dead)).not.toContain(PASSWORD)
    expect(JSON.stringify(only(core).renewal.lastError)).not.toContain(PASSWORD)
    expect(JSON.stringify(await auditOf(core, token.id))).not.toContain(PASSWORD)
  })
})

describe('logging out at the server', () => {
  async function respokeSession(core: Core, server: ReturnType<typeof keycloakScript>) {
    const account = await call(core, 'accounts.create', {
      providerId: 'respoke',
      name: 'Resp',
      fields: { baseUrl: 'https://respoke.example.test', username: 'admin' },
      secrets: { password: 'admin-password-1' }
    })
    const app = await call(core, 'apps.create', {
      accountId: account.id,
      name: 'Phone',
      fields: { appId: 'aa000000-0000-4000-8000-000000000001', endpointId: 'ann', ttl: 600 },
      secrets: { appSecret: 'app-secret-value-1' }
    })
    server.answers.push({ status: 200, body: { tokenId: 'token-id-value-1' } }, { status: 200, body: { token: 'app-token-value-0001' } })
    return call(core, 'tokens.issue', { accountId: account.id, appId: app.id })
  }

  it('a revocable token is ended at the server, then shown revoked with no value and no timer; a second revoke sends nothing', async () => {
    const { server, core } = await setup()
    const session = await respokeSession(core, server)
    expect(session).toMatchObject({ kind: 'App-Token', revocable: true, state: 'live' })
    server.answers.push({ status: 500, body: { error: 'down' } })
    expect((await callError(core, 'tokens.revoke', { id: session.id })).code).toBe('UPSTREAM_ERROR')
    expect(only(core).state).toBe('live')
    server.answers.push({ status: 204, body: {} })
    const revoked = await call(core, 'tokens.revoke', { id: session.id })
    expect(server.requests.at(-1)).toMatchObject({ method: 'DELETE', headers: { 'App-Token': 'app-token-value-0001' } })
    expect(revoked).toMatchObject({ id: session.id, state: 'revoked', renewal: { nextAt: null }, updatedAt: START })
    expect((await auditOf(core, session.id)).at(-1)).toMatchObject({ kind: 'revoked', detail: 'logged out at the server' })
    expect(await callError(core, 'tokens.reveal', { id: session.id })).toMatchObject({ code: 'TOKEN_REVOKED' })
    expect(core.tokens.scheduledCount).toBe(0)
    const requests = server.requests.length
    expect(await call(core, 'tokens.revoke', { id: session.id })).toMatchObject({ state: 'revoked' })
    expect(server.requests).toHaveLength(requests)
  })

  it('a token that cannot be revoked says so and stays as it was', async () => {
    const { server, core, owner } = await setup()
    server.answers.push(granted(100))
    const token = await call(core, 'tokens.issue', owner)
    expect(await callError(core, 'tokens.revoke', { id: token.id })).toEqual({
      code: 'NOT_SUPPORTED',
      message: 'Keycloak token proxy cannot revoke a access at the server. Forget removes it from TokenDesk; it stays valid until it expires.'
    })
    expect(only(core).state).toBe('live')
  })
})

/** What a user reads: the local time of day on the 24-hour clock, e.g. `17:05:18`. */
function localClock(ms: number): string {
  const at = new Date(ms)
  return `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}:${String(at.getSeconds()).padStart(2, '0')}`
}
