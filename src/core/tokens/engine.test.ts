import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CommandName, CommandRequest, CommandResponse, EventName, EventPayload } from '../../shared/api'
import type { Result } from '../../shared/result'
import { patchSettings, useSandbox } from '../../sandbox/test-support'
import { createCore, type Core } from '../core'
import { createFileLogger } from '../log'
import { dataPaths } from '../paths'
import { MemorySecretStore } from '../secrets/memory-store'
import type { SecretStore } from '../secrets/port'
import { openSettingsStore } from '../settings/settings-store'
import { fakeTimers } from '../testing/fake-timers'
import type { TimerPort } from './scheduler'

/**
 * The token engine through its contract only (dispatch), against the real sandbox over real
 * HTTP: what a script using the documented commands, or the UI, gets.
 */

const sandbox = useSandbox()
let dir: string
/** Survives a "restart": stands in for the OS keychain. */
let keychain: MemorySecretStore
let cores: Core[] = []

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tokendesk-engine-'))
  keychain = new MemorySecretStore()
  cores = []
})

afterEach(async () => {
  for (const core of cores) await core.dispose()
  rmSync(dir, { recursive: true, force: true })
})

/** Like a keychain, what it holds outlives one core: dispose() must not empty it. */
function persistentKeychain(): SecretStore {
  return { backend: 'memory', health: () => keychain.health(), get: (k) => keychain.get(k), set: (k, v) => keychain.set(k, v), delete: (k) => keychain.delete(k), keys: () => keychain.keys() }
}

function boot(timers?: TimerPort): Core {
  const paths = dataPaths(dir)
  const log = createFileLogger({ file: paths.logFile })
  const settings = openSettingsStore({ file: paths.settingsFile, log })
  settings.update((s) => ({ ...s, secrets: { ...s.secrets, backend: 'memory', chosenByUser: true } }))
  const core = createCore({ host: 'browser', version: 'test', runtime: 'test', paths, log, settings, secretStore: persistentKeychain(), ...(timers ? { timers } : {}) })
  cores.push(core)
  return core
}

async function call<C extends CommandName>(core: Core, command: C, request: CommandRequest<C>): Promise<CommandResponse<C>> {
  const result = (await core.dispatch(command, request)) as Result<CommandResponse<C>>
  if (!result.ok) throw new Error(`${command} failed: ${result.error.code} ${result.error.message}`)
  return result.value
}

async function callError(core: Core, command: CommandName, request: unknown): Promise<{ code: string; message: string }> {
  const result = await core.dispatch(command, request)
  if (result.ok) throw new Error(`${command} unexpectedly succeeded`)
  return result.error
}

function collect<E extends EventName>(core: Core, name: E): Array<EventPayload<E>> {
  const seen: Array<EventPayload<E>> = []
  core.events.subscribe((event: EventName, payload: unknown) => {
    if (event === name) seen.push(payload as EventPayload<E>)
  })
  return seen
}

function creds() {
  return sandbox.sandbox.ready
}

async function addKeycloak(core: Core) {
  const ready = creds()
  const account = await call(core, 'accounts.create', {
    providerId: 'keycloak-proxy',
    name: 'Keycloak',
    fields: { baseUrl: ready.baseUrls.keycloakProxy, username: 'demo.user' },
    secrets: { password: 'demo-user-password' }
  })
  const app = await call(core, 'apps.create', {
    accountId: account.id,
    name: 'tokendesk-demo',
    fields: { clientId: 'tokendesk-demo', grant: 'password' },
    secrets: { clientSecret: 'demo-client-secret' }
  })
  return { account, app }
}

describe('issuing through the contract, one flow per API, with correct expiry times', () => {
  it('Respoke: App-Token session for an app; expiry = sent + ttl; the token works at Respoke', async () => {
    const core = boot()
    const ready = creds()
    const account = await call(core, 'accounts.create', {
      providerId: 'respoke',
      name: 'Respoke',
      fields: { baseUrl: ready.baseUrls.respoke, username: ready.credentials.respoke.username },
      secrets: { password: ready.credentials.respoke.password }
    })
    const demoApp = ready.credentials.respoke.apps[0]!
    const app = await call(core, 'apps.create', {
      accountId: account.id,
      name: 'Demo app',
      fields: { appId: demoApp.appId, roleId: demoApp.roleId, endpointId: 'ann', ttl: 600 },
      secrets: { appSecret: demoApp.appSecret }
    })
    const before = Date.now()
    const token = await call(core, 'tokens.issue', { accountId: account.id, appId: app.id })
    expect(token).toMatchObject({ kind: 'App-Token', state: 'live', expirySource: 'ttl', revocable: true, header: { name: 'App-Token', prefix: '' } })
    expect(token.expiresAt! - before).toBeGreaterThanOrEqual(600_000 - 50)
    expect(token.expiresAt! - Date.now()).toBeLessThanOrEqual(600_000)
    expect(token).not.toHaveProperty('value')
    const copied = await call(core, 'tokens.copy', { id: token.id, format: 'header' })
    expect(copied).toMatchObject({ target: 'page', clearsAt: null, description: 'Respoke · Demo app · App-Token as an App-Token header' })
    const value = copied.text!.replace('App-Token: ', '')
    const turn = await fetch(`${ready.baseUrls.respoke}/turn`, { method: 'POST', headers: { 'App-Token': value } })
    expect(turn.status).toBe(200)
    // Log out: the App-Token stops working at Respoke and the row says revoked.
    const revoked = await call(core, 'tokens.revoke', { id: token.id })
    expect(revoked.state).toBe('revoked')
    expect((await fetch(`${ready.baseUrls.respoke}/turn`, { method: 'POST', headers: { 'App-Token': value } })).status).toBe(401)
    expect((await callError(core, 'tokens.copy', { id: token.id })).code).toBe('TOKEN_REVOKED')
  })

  it('Respoke admin login: an Admin-Token whose expiry is unknown (never invented), and app import', async () => {
    const core = boot()
    const ready = creds()
    const account = await call(core, 'accounts.create', {
      providerId: 'respoke',
      name: 'Respoke',
      fields: { baseUrl: ready.baseUrls.respoke, username: ready.credentials.respoke.username },
      secrets: { password: ready.credentials.respoke.password }
    })
    const admin = await call(core, 'tokens.issue', { accountId: account.id })
    expect(admin).toMatchObject({ kind: 'Admin-Token', expiresAt: null, expirySource: 'unknown', state: 'live' })
    const imported = await call(core, 'apps.import', { accountId: account.id })
    expect(imported.imported).toHaveLength(2)
    expect(imported.imported.every((app) => app.secretsSet.length === 0)).toBe(true)
    expect((await call(core, 'apps.import', { accountId: account.id })).alreadyPresent).toBe(2)
  })

  it('PocketPaw: session token whose expiry is its own prefix', async () => {
    const core = boot()
    const ready = creds()
    await patchSettings(sandbox, { lifetimes: { pocketpawSessionSeconds: 120 } })
    const account = await call(core, 'accounts.create', {
      providerId: 'pocketpaw',
      name: 'Paw',
      fields: { baseUrl: ready.baseUrls.pocketpaw },
      secrets: { masterToken: ready.credentials.pocketpaw.masterToken }
    })
    const token = await call(core, 'tokens.issue', { accountId: account.id })
    const { value } = await call(core, 'tokens.reveal', { id: token.id })
    const prefix = Number(value.split(':')[0]) * 1000
    expect(token).toMatchObject({ kind: 'session', format: 'pocketpaw', expirySource: 'pocketpaw-prefix' })
    expect(Math.abs(token.expiresAt! - prefix)).toBeLessThanOrEqual(Math.abs(token.skewMs) + 1)
    expect(Math.abs(token.expiresAt! - (Date.now() + 120_000))).toBeLessThan(2000)
    const inspection = await call(core, 'tokens.inspect', { id: token.id })
    expect(inspection.pocketpaw).toEqual({ expiresAt: prefix, signatureHexLength: 64 })
    const audit = await call(core, 'tokens.audit', { id: token.id })
    expect(audit.events.map((e) => e.kind)).toEqual(['issued', 'revealed'])
    expect(JSON.stringify(audit)).not.toContain(value)
  })

  it('PocketPaw: regenerating the master stores the new one and marks every session revoked', async () => {
    const core = boot()
    const ready = creds()
    const account = await call(core, 'accounts.create', {
      providerId: 'pocketpaw',
      name: 'Paw',
      fields: { baseUrl: ready.baseUrls.pocketpaw },
      secrets: { masterToken: ready.credentials.pocketpaw.masterToken }
    })
    const first = await call(core, 'tokens.issue', { accountId: account.id })
    const result = await call(core, 'accounts.runAction', { id: account.id, action: 'regenerate-master' })
    expect(result.affectedTokens).toBe(1)
    expect((await call(core, 'tokens.list', {})).tokens.find((t) => t.id === first.id)?.state).toBe('revoked')
    // The new master was stored: issuing again works.
    expect((await call(core, 'tokens.issue', { accountId: account.id })).state).toBe('live')
  })

  it('Play Oxygen: a client JWT whose expiry is its exp claim', async () => {
    const core = boot()
    const ready = creds()
    const client = ready.credentials.playOxygen.clients[0]!
    const account = await call(core, 'accounts.create', { providerId: 'play-oxygen', name: 'PO', fields: { baseUrl: ready.baseUrls.playOxygen }, secrets: {} })
    const app = await call(core, 'apps.create', {
      accountId: account.id,
      name: `Client ${client.clientId}`,
      fields: { clientId: client.clientId },
      secrets: { apiKey: client.apiKey, secret: client.secret }
    })
    const token = await call(core, 'tokens.issue', { accountId: account.id, appId: app.id })
    const inspection = await call(core, 'tokens.inspect', { id: token.id })
    expect(token).toMatchObject({ format: 'jwt', expirySource: 'jwt-exp', header: { name: 'Authorization', prefix: 'Bearer ' } })
    expect(Math.abs(token.expiresAt! - (inspection.jwtClaims!.exp as number) * 1000)).toBeLessThanOrEqual(Math.abs(token.skewMs) + 1)
    expect(inspection.jwtHeader).toMatchObject({ alg: 'HS512' })
  })

  it('Keycloak: access and refresh each with their own expiry; refresh rotates the value in place', async () => {
    const core = boot()
    const { account, app } = await addKeycloak(core)
    const sent = Date.now()
    const token = await call(core, 'tokens.issue', { accountId: account.id, appId: app.id })
    expect(token).toMatchObject({ kind: 'access', expirySource: 'expires_in', renewal: { method: 'refresh-token', policy: { mode: 'fraction', fraction: 0.8 } } })
    expect(token.expiresAt! - sent).toBeGreaterThanOrEqual(300_000 - 50)
    expect(token.expiresAt! - sent).toBeLessThanOrEqual(300_000 + 1000)
    expect(token.refresh).toMatchObject({ expirySource: 'expires_in', rotates: true })
    expect(token.refresh!.expiresAt! - token.issuedAt).toBe(1_800_000)
    expect(token.renewal.nextAt! - token.issuedAt).toBe(240_000)
    const before = await call(core, 'tokens.reveal', { id: token.id, part: 'refresh' })
    const renewed = await call(core, 'tokens.refresh', { id: token.id })
    expect(renewed.id).toBe(token.id)
    expect(renewed.renewals).toHaveLength(1)
    expect((await call(core, 'tokens.reveal', { id: token.id, part: 'refresh' })).value).not.toBe(before.value)
  })

  it('fifty concurrent refreshes of one token send one request', async () => {
    const core = boot()
    const { account, app } = await addKeycloak(core)
    const token = await call(core, 'tokens.issue', { accountId: account.id, appId: app.id })
    await fetch(`${creds().origin}/__sandbox/counters`, { method: 'DELETE' })
    const results = await Promise.all(Array.from({ length: 50 }, () => core.dispatch('tokens.refresh', { id: token.id })))
    expect(results.every((r) => r.ok)).toBe(true)
    const counters = (await (await fetch(`${creds().origin}/__sandbox/counters`)).json()) as Record<string, number>
    expect(counters['POST /keycloak-proxy/api/v1/auth/token']).toBe(1)
  })
})

describe('errors are typed sentences, and nothing secret is kept where it must not be', () => {
  it('a wrong password is AUTH_REJECTED; an unknown flow FLOW_NOT_SUPPORTED; a missing token TOKEN_NOT_FOUND; bad fields VALIDATION_FAILED', async () => {
    const core = boot()
    const ready = creds()
    const account = await call(core, 'accounts.create', {
      providerId: 'respoke',
      name: 'Respoke',
      fields: { baseUrl: ready.baseUrls.respoke, username: 'demo-admin' },
      secrets: { password: 'not-the-password' }
    })
    expect(await callError(core, 'tokens.issue', { accountId: account.id })).toMatchObject({ code: 'AUTH_REJECTED' })
    expect(await callError(core, 'tokens.issue', { accountId: account.id, flow: 'teleport' })).toMatchObject({ code: 'FLOW_NOT_SUPPORTED' })
    expect(await callError(core, 'tokens.copy', { id: 'nope' })).toMatchObject({ code: 'TOKEN_NOT_FOUND' })
    const invalid = await callError(core, 'accounts.create', { providerId: 'respoke', name: 'x', fields: { baseUrl: 'not a url' }, secrets: {} })
    expect(invalid).toMatchObject({ code: 'VALIDATION_FAILED' })
    expect((invalid as { details?: { fields?: Record<string, string> } }).details?.fields).toMatchObject({
      baseUrl: 'Base URL must be a full URL, like https://api.example.com.'
    })
    expect(await callError(core, 'tokens.issue', { accountId: 'missing' })).toMatchObject({ code: 'ACCOUNT_NOT_FOUND' })
  })

  it('an unreachable server is HTTP_UNREACHABLE with a sentence, and the account is kept', async () => {
    const core = boot()
    const account = await call(core, 'accounts.create', {
      providerId: 'pocketpaw',
      name: 'Paw',
      fields: { baseUrl: 'http://127.0.0.1:9' },
      secrets: { masterToken: 'de000000-0000-4000-8000-0000000000aa' }
    })
    const error = await callError(core, 'tokens.issue', { accountId: account.id })
    expect(error.code).toBe('HTTP_UNREACHABLE')
    expect(error.message).toMatch(/127\.0\.0\.1:9/)
    expect((await call(core, 'accounts.list', {})).accounts).toHaveLength(1)
  })

  it('secrets and token values appear in no file under the data directory, no log line and no token metadata', async () => {
    const core = boot()
    const { account, app } = await addKeycloak(core)
    const token = await call(core, 'tokens.issue', { accountId: account.id, appId: app.id })
    const values = [(await call(core, 'tokens.reveal', { id: token.id })).value, (await call(core, 'tokens.reveal', { id: token.id, part: 'refresh' })).value]
    await core.tokens.flush()
    await (await core.secrets.tokenCache()).flush()
    const listed = JSON.stringify(await call(core, 'tokens.list', {}))
    const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile())
    expect(files.map((f) => f.name)).toEqual(expect.arrayContaining(['settings.json', 'tokens.json', 'token-cache.tdv']))
    for (const secret of ['demo-user-password', 'demo-client-secret', ...values]) {
      expect(listed).not.toContain(secret)
      for (const file of files) expect(readFileSync(join(file.parentPath, file.name), 'utf8'), file.name).not.toContain(secret)
    }
  })

  it('removing an account removes its apps, tokens and every secret', async () => {
    const core = boot()
    const { account, app } = await addKeycloak(core)
    const token = await call(core, 'tokens.issue', { accountId: account.id, appId: app.id })
    const changes = collect(core, 'tokens.changed')
    expect(await call(core, 'accounts.remove', { id: account.id })).toEqual({ removedApps: 1, removedTokens: 1 })
    expect(await keychain.keys()).toEqual([expect.stringMatching(/^token-cache\//)])
    expect((await call(core, 'accounts.list', {})).apps).toEqual([])
    await new Promise((resolve) => setImmediate(resolve))
    expect(changes.at(-1)).toEqual({ upserted: [], removed: [token.id] })
  })

  it('update leaves a stored secret alone unless a new value is given', async () => {
    const core = boot()
    const { account, app } = await addKeycloak(core)
    await call(core, 'accounts.update', { id: account.id, name: 'Renamed', fields: { baseUrl: creds().baseUrls.keycloakProxy, username: 'demo.user' } })
    expect((await call(core, 'tokens.issue', { accountId: account.id, appId: app.id })).label).toBe('Renamed · tokendesk-demo · access')
    await call(core, 'accounts.update', { id: account.id, secrets: { password: 'wrong' } })
    expect((await callError(core, 'tokens.issue', { accountId: account.id, appId: app.id })).code).toBe('AUTH_REJECTED')
  })
})

describe('restart', () => {
  it('after a restart with the same data directory every token is listed with the same expiry, and its value is still there', async () => {
    const first = boot()
    const { account, app } = await addKeycloak(first)
    const token = await call(first, 'tokens.issue', { accountId: account.id, appId: app.id })
    const value = (await call(first, 'tokens.reveal', { id: token.id })).value
    await first.dispose()
    cores = cores.filter((c) => c !== first)
    const second = boot()
    const listed = (await call(second, 'tokens.list', {})).tokens
    expect(listed).toHaveLength(1)
    expect(listed[0]).toMatchObject({ id: token.id, expiresAt: token.expiresAt, label: token.label, refresh: token.refresh })
    expect((await call(second, 'tokens.reveal', { id: token.id })).value).toBe(value)
    expect((await call(second, 'tokens.audit', { id: token.id })).events.map((e) => e.kind)).toEqual(['issued', 'revealed', 'revealed'])
  })
})

describe('auto-renew, on a fake clock kept in step with the sandbox clock', () => {
  async function syncSandboxClock(timers: { now(): number }, realStart: number, fakeStart: number): Promise<void> {
    const offsetSeconds = Math.round((timers.now() - fakeStart - (Date.now() - realStart)) / 1000)
    await patchSettings(sandbox, { clockOffsetSeconds: offsetSeconds })
  }

  it('keeps a Keycloak session alive for 10 minutes with 5-second access tokens and strictly rotating refresh tokens: one request per renewal, no gap', async () => {
    await patchSettings(sandbox, { lifetimes: { keycloakAccessTokenSeconds: 5, keycloakRefreshTokenSeconds: 30 }, refresh: { revokeRefreshToken: true, refreshTokenMaxReuse: 0 } })
    const realStart = Date.now()
    const timers = fakeTimers(realStart)
    const core = boot(timers)
    const { account, app } = await addKeycloak(core)
    const token = await call(core, 'tokens.issue', { accountId: account.id, appId: app.id })
    await fetch(`${creds().origin}/__sandbox/counters`, { method: 'DELETE' })
    let expiresAt = token.expiresAt!
    let gaps = 0
    let renewals = 0
    for (let elapsed = 0; elapsed < 600_000; elapsed += 500) {
      timers.advance(500)
      await core.tokens.settled()
      await syncSandboxClock(timers, realStart, realStart)
      const current = core.tokens.list()[0]!
      if (current.expiresAt! !== expiresAt) {
        expect(current.renewals.at(-1)!.at).toBeLessThan(expiresAt)
        expiresAt = current.expiresAt!
        renewals++
      }
      if (timers.now() >= expiresAt) gaps++
    }
    const final = core.tokens.list()[0]!
    const counters = (await (await fetch(`${creds().origin}/__sandbox/counters`)).json()) as Record<string, number>
    expect(gaps).toBe(0)
    expect(final.state).toBe('live')
    expect(final.renewal.failures).toBe(0)
    // 600 s / 4 s (80 % of 5 s) = 150 renewals, each exactly one request.
    expect(renewals).toBeGreaterThanOrEqual(148)
    // Renewed before it got close: no "expires soon" notices while auto-renew works.
    expect((await call(core, 'tokens.audit', { id: token.id })).events.some((e) => e.kind === 'expiring')).toBe(false)
    expect(counters['POST /keycloak-proxy/api/v1/auth/token']).toBe(renewals)
    expect(core.tokens.timersInUse).toBe(1)
  }, 60_000)

  it('"let it expire" lets it expire: no request, then expired with a notice', async () => {
    await patchSettings(sandbox, { lifetimes: { keycloakAccessTokenSeconds: 5 } })
    const timers = fakeTimers(Date.now())
    const core = boot(timers)
    const { account, app } = await addKeycloak(core)
    await call(core, 'renewal.setPolicy', { accountId: account.id, appId: app.id, policy: { mode: 'off' } })
    const token = await call(core, 'tokens.issue', { accountId: account.id, appId: app.id })
    const notices = collect(core, 'tokens.notice')
    await fetch(`${creds().origin}/__sandbox/counters`, { method: 'DELETE' })
    timers.advance(4000)
    expect(core.tokens.list()[0]!.state).toBe('expiring')
    timers.advance(1500)
    await core.tokens.settled()
    expect(core.tokens.list()[0]).toMatchObject({ id: token.id, state: 'expired' })
    expect(notices.map((n) => n.kind)).toEqual(['expiring', 'expired'])
    expect(await (await fetch(`${creds().origin}/__sandbox/counters`)).json()).toEqual({})
    expect(await call(core, 'tokens.clearExpired', {})).toEqual({ removed: 1 })
    expect(core.tokens.timersInUse).toBe(0)
  })

  it('an overloaded moment does not end a session: renewals failing past expiry are retried a few times and revive it', async () => {
    await patchSettings(sandbox, { lifetimes: { keycloakAccessTokenSeconds: 5 } })
    const timers = fakeTimers(Date.now())
    const core = boot(timers)
    const { account, app } = await addKeycloak(core)
    const token = await call(core, 'tokens.issue', { accountId: account.id, appId: app.id })
    const fault = await fetch(`${creds().origin}/__sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: '/keycloak-proxy/api/v1/auth/token', method: 'POST', times: 6, respond: { kind: 'status', status: 503, body: { error: 'busy' } } })
    })
    expect(fault.status).toBe(201)
    for (let step = 0; step < 12; step++) {
      timers.advance(1000)
      await core.tokens.settled()
    }
    expect(core.tokens.list()[0]).toMatchObject({ id: token.id, state: 'expired' })
    for (let step = 0; step < 40; step++) {
      timers.advance(1000)
      await core.tokens.settled()
      if (core.tokens.list()[0]!.state === 'live') break
    }
    const revived = core.tokens.list()[0]!
    expect(revived).toMatchObject({ state: 'live', renewal: { failures: 0, lastError: null } })
    expect(revived.expiresAt!).toBeGreaterThan(timers.now())
  })

  it('a dead refresh token falls back to logging in again with the stored password', async () => {
    const timers = fakeTimers(Date.now())
    const core = boot(timers)
    const { account, app } = await addKeycloak(core)
    const token = await call(core, 'tokens.issue', { accountId: account.id, appId: app.id })
    await fetch(`${creds().origin}/__sandbox/keycloak/logout-all`, { method: 'POST' })
    const renewed = await call(core, 'tokens.refresh', { id: token.id })
    expect(renewed.state).toBe('live')
    const audit = (await call(core, 'tokens.audit', { id: token.id })).events
    expect(audit.at(-1)!.detail).toMatch(/logging in again/)
  })
})

describe('--demo', () => {
  function bootDemo(): Core {
    const paths = dataPaths(dir)
    const log = createFileLogger({ file: paths.logFile })
    const settings = openSettingsStore({ file: paths.settingsFile, log })
    settings.update((s) => ({ ...s, secrets: { ...s.secrets, backend: 'memory', chosenByUser: true } }))
    const ready = creds()
    const core = createCore({
      host: 'browser',
      version: 'test',
      runtime: 'test',
      paths,
      log,
      settings,
      secretStore: persistentKeychain(),
      sandboxStatus: () => ({ status: 'running', origin: ready.origin, baseUrls: ready.baseUrls, credentials: ready.credentials })
    })
    cores.push(core)
    return core
  }

  it('creates one ready account per API with its apps, each issuing its primary token in one call; a second start reuses them', async () => {
    const core = bootDemo()
    await core.seedDemo()
    const { accounts, apps } = await call(core, 'accounts.list', {})
    expect(accounts.map((a) => [a.name, a.demo])).toEqual([
      ['Demo Respoke', true],
      ['Demo PocketPaw', true],
      ['Demo Play Oxygen', true],
      ['Demo Keycloak', true]
    ])
    expect(apps.map((a) => a.name)).toEqual(['Demo app', 'Demo app 2', 'Client 1001', 'Client 1002', 'tokendesk-demo', 'tokendesk-service'])
    for (const account of accounts) {
      const app = apps.find((a) => a.accountId === account.id)
      const token = await call(core, 'tokens.issue', { accountId: account.id, ...(app ? { appId: app.id } : {}) })
      expect(token.state, account.name).toBe('live')
      expect(token.demo).toBe(true)
    }
    await core.seedDemo()
    expect((await call(core, 'accounts.list', {})).accounts).toHaveLength(4)
    expect((await call(core, 'accounts.list', {})).apps).toHaveLength(6)
  })
})
