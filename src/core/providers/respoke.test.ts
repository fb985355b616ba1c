import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AppError } from '../../shared/errors'
import { ProviderInfoSchema } from '../../shared/model'
import { RESPOKE_DEMO } from '../../sandbox/demo-data'
import { patchSettings, useSandbox } from '../../sandbox/test-support'
import { useProviderContexts } from '../testing/provider-context'
import { localExpiry } from '../tokens/expiry'
import type { CredentialSet, FlowInput, IssuedToken } from './provider'
import { parseAppList, parseRateLimitHeaders, parseTokenIdAnswer, parseTtl, respokeProvider } from './respoke'

/** The Respoke provider over real HTTP against the sandbox (seed-apis.md §1). */

const sandbox = useSandbox()

const context = useProviderContexts()

const [DEMO_APP, DEV_APP] = RESPOKE_DEMO.apps
const base = (): string => sandbox.sandbox.ready.baseUrls.respoke

function account(overrides: Partial<{ fields: CredentialSet['fields']; secrets: CredentialSet['secrets'] }> = {}): CredentialSet {
  return {
    id: 'acc1',
    name: 'Demo Respoke',
    fields: { baseUrl: base(), username: RESPOKE_DEMO.username, adminLoginRoute: 'admin-sessions', ...overrides.fields },
    secrets: { password: RESPOKE_DEMO.password, ...overrides.secrets }
  }
}

function app(overrides: Partial<{ fields: CredentialSet['fields']; secrets: CredentialSet['secrets'] }> = {}): CredentialSet {
  return {
    id: 'app1',
    name: 'Demo app',
    fields: { appId: DEMO_APP.id, endpointId: 'tokendesk', roleId: DEMO_APP.roles[0].id, ttl: 86400, ...overrides.fields },
    secrets: { appSecret: DEMO_APP.secret, ...overrides.secrets }
  }
}

const input = (app_: CredentialSet | null = null, account_ = account()): FlowInput => ({ account: account_, app: app_ })

/** Every credential the tests use: none may appear in an error a user sees. */
const CREDENTIALS = [RESPOKE_DEMO.password, ...RESPOKE_DEMO.apps.map((candidate) => candidate.secret), 'wrong-password-123', 'de000000-0000-4000-8000-00000000bad0']

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (reason: unknown) => reason
  )
  expect(error).toBeInstanceOf(AppError)
  const serialised = JSON.stringify({ message: (error as AppError).message, data: (error as AppError).toData() })
  for (const credential of CREDENTIALS) expect(serialised).not.toContain(credential)
  return error as AppError
}

async function respokeCall(path: string, init: RequestInit): Promise<Response> {
  return fetch(`${base()}/${path}`, init)
}

async function addFault(spec: Record<string, unknown>): Promise<void> {
  const response = await fetch(sandbox.url('/__sandbox/faults'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(spec)
  })
  expect(response.status).toBe(201)
}

async function counters(): Promise<Record<string, number>> {
  return (await (await fetch(sandbox.url('/__sandbox/counters'))).json()) as Record<string, number>
}

const turnWith = (appToken: string): Promise<Response> => respokeCall('turn', { method: 'POST', headers: { 'App-Token': appToken } })

describe('Respoke provider: description', () => {
  it('is a valid ProviderInfo with one primary flow per target and a self-explanatory form', () => {
    const info = ProviderInfoSchema.parse(respokeProvider.info)
    expect(info.flows.map((flow) => [flow.id, flow.target, flow.primary])).toEqual([
      ['admin-login', 'account', true],
      ['app-session', 'app', true],
      ['token-id', 'app', false]
    ])
    expect(info.accountFields.map((field) => field.name)).toEqual(['baseUrl', 'username', 'password', 'adminLoginRoute', 'allowInsecureHttp'])
    expect(info.appFields.map((field) => field.name)).toEqual(['appId', 'appSecret', 'endpointId', 'roleId', 'ttl'])
    expect(info.appFields.find((field) => field.name === 'appSecret')?.kind).toBe('secret')
    expect(info.accountFields.find((field) => field.name === 'password')?.kind).toBe('secret')
    for (const field of [...info.accountFields, ...info.appFields]) expect(field.help, field.name).toBeTruthy()
    const appId = info.appFields.find((field) => field.name === 'appId')
    const pattern = new RegExp(appId?.validation?.pattern ?? '')
    expect(pattern.test(DEMO_APP.id)).toBe(true)
    expect(pattern.test(DEMO_APP.id.toUpperCase())).toBe(false)
    expect(info.appFields.find((field) => field.name === 'ttl')).toMatchObject({ default: 86400, validation: { min: 60 } })
    expect(info.appNoun).toBe('app')
    expect(info.canImportApps).toBe(true)
    for (const preset of info.presets) expect(preset.description).toContain('DEMO ONLY')
  })
})

describe('Respoke provider: admin login', () => {
  it('issues an Admin-Token that the account-wide routes accept, with an unknown lifetime', async () => {
    const token = await respokeProvider.issue('admin-login', input(), context())
    expect(token).toMatchObject({
      kind: 'Admin-Token',
      format: 'opaque',
      expiry: { source: 'unknown', kind: 'unknown' },
      header: { name: 'Admin-Token', prefix: '' },
      renewal: 'none',
      revocable: false
    })
    expect(token.value).toMatch(/^[0-9A-F-]{36}$/)
    expect(Math.abs(token.sentAt - Date.now())).toBeLessThan(5000)
    const apps = await respokeCall('apps', { headers: { 'Admin-Token': token.value } })
    expect(apps.status).toBe(200)
  })

  it('uses the legacy /adminsessions route when the account asks for it', async () => {
    const legacy = account({ fields: { adminLoginRoute: 'adminsessions' } })
    const token = await respokeProvider.issue('admin-login', input(null, legacy), context())
    expect(token.kind).toBe('Admin-Token')
    const counted = await counters()
    expect(counted['POST /respoke/v1/adminsessions']).toBe(1)
    expect(counted['POST /respoke/v1/admin-sessions']).toBeUndefined()
  })

  it('says "Respoke rejected the user name or password." for a wrong password', async () => {
    const error = await failure(respokeProvider.issue('admin-login', input(null, account({ secrets: { password: 'wrong-password-123' } })), context()))
    expect(error.code).toBe('AUTH_REJECTED')
    expect(error.message).toMatch(/^Respoke rejected the user name or password\./)
  })

  it('says the password is not stored when it is missing, without calling the server', async () => {
    const error = await failure(respokeProvider.issue('admin-login', input(null, account({ secrets: { password: '' } })), context()))
    expect(error.code).toBe('VALIDATION_FAILED')
    expect(error.details?.fields).toHaveProperty('password')
    expect(await counters()).toEqual({})
  })

  it('points at the base URL and the legacy route when the login route is missing (404)', async () => {
    const wrongBase = account({ fields: { baseUrl: `${sandbox.sandbox.ready.origin}/respoke/v2` } })
    const error = await failure(respokeProvider.issue('admin-login', input(null, wrongBase), context()))
    expect(error.code).toBe('UPSTREAM_ERROR')
    expect(error.message).toBe(
      'Respoke admin login: the server has no /admin-sessions route (HTTP 404). Check the base URL (it ends in /v1), or switch the admin login route to adminsessions (legacy).'
    )
  })

  it('maps a 429 to RATE_LIMITED with the Ratelimit-* facts', async () => {
    await patchSettings(sandbox, { respoke: { enforceRateLimit: true, rateLimitPerSecond: 1 } })
    const ctx = context(1)
    let error: AppError | undefined
    for (let attempt = 0; attempt < 6 && !error; attempt++) {
      try {
        await respokeProvider.issue('admin-login', input(), ctx)
      } catch (reason) {
        error = await failure(Promise.reject(reason))
      }
    }
    expect(error?.code).toBe('RATE_LIMITED')
    expect(error?.message).toBe('Respoke admin login: Respoke is rate limiting requests (limit: 1 request per second); wait a moment and try again.')
    expect(error?.details).toMatchObject({ status: 429, rateLimitLimit: 1, rateLimitTimeUnits: 'seconds', rateLimitRemaining: 0 })
  })

  it('says the account is suspended when a 401 carries suspension details', async () => {
    await addFault({
      path: '/respoke/v1/admin-sessions',
      respond: { kind: 'status', status: 401, body: { error: 'Account suspended.', details: { message: 'This account is suspended.', reason: 'billing suspension' } } }
    })
    const error = await failure(respokeProvider.issue('admin-login', input(), context()))
    expect(error.code).toBe('AUTH_REJECTED')
    expect(error.message).toBe('Respoke admin login: Respoke has suspended this account (billing suspension). Resolve it in the Respoke portal.')
  })

  it('says the answer is not Respoke JSON when a proxy answers with HTML', async () => {
    await addFault({ path: '/respoke/v1/admin-sessions', respond: { kind: 'status', status: 200, rawBody: '<html>login</html>', contentType: 'text/html' } })
    const error = await failure(respokeProvider.issue('admin-login', input(), context()))
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE')
    expect(error.message).toBe("Respoke admin login: the server's answer is not Respoke JSON. Check the base URL (it ends in /v1).")
  })

  it('an empty user name → VALIDATION_FAILED on the field, nothing sent', async () => {
    const error = await failure(respokeProvider.issue('admin-login', input(null, account({ fields: { username: '   ' } })), context()))
    expect(error.code).toBe('VALIDATION_FAILED')
    expect(error.details).toEqual({ fields: { username: 'Admin user name is required.' } })
    expect(await counters()).toEqual({})
  })

  it('an empty base URL → VALIDATION_FAILED on the field; an unknown login route falls back to the documented one', async () => {
    const empty = await failure(respokeProvider.issue('admin-login', input(null, account({ fields: { baseUrl: ' ' } })), context()))
    expect(empty.details).toEqual({ fields: { baseUrl: 'Base URL is required.' } })
    const token = await respokeProvider.issue('admin-login', input(null, account({ fields: { adminLoginRoute: 'admin_sessions' } })), context())
    expect(token.kind).toBe('Admin-Token')
    expect((await counters())['POST /respoke/v1/admin-sessions']).toBe(1)
  })

  it('a 404 on the legacy route suggests the documented one', async () => {
    await addFault({ path: '/respoke/v1/adminsessions', respond: { kind: 'status', status: 404, body: { error: 'Not found.' } } })
    const error = await failure(respokeProvider.issue('admin-login', input(null, account({ fields: { adminLoginRoute: 'adminsessions' } })), context()))
    expect(error.message).toBe(
      'Respoke admin login: the server has no /adminsessions route (HTTP 404). Check the base URL (it ends in /v1), or switch the admin login route to admin-sessions.'
    )
    expect(error.details?.fields).toEqual({ adminLoginRoute: 'Try admin-sessions.' })
  })

  it('a 400 → VALIDATION_FAILED quoting Respoke; a 201 with the token is a login', async () => {
    await addFault({ path: '/respoke/v1/admin-sessions', times: 1, respond: { kind: 'status', status: 400, body: { error: 'Missing username.' } } })
    const incomplete = await failure(respokeProvider.issue('admin-login', input(), context()))
    expect(incomplete.code).toBe('VALIDATION_FAILED')
    expect(incomplete.message).toBe('Respoke admin login: Respoke refused the request as incomplete. Respoke said: "Missing username.".')
    await addFault({ path: '/respoke/v1/admin-sessions', times: 1, respond: { kind: 'status', status: 201, body: { token: 'ab000000-0000-4000-8000-0000000000cd' } } })
    expect((await respokeProvider.issue('admin-login', input(), context())).value).toBe('ab000000-0000-4000-8000-0000000000cd')
  })

  it('a 200 without a token → UPSTREAM_BAD_RESPONSE naming it', async () => {
    await addFault({ path: '/respoke/v1/admin-sessions', respond: { kind: 'status', status: 200, body: { token: '' } } })
    const error = await failure(respokeProvider.issue('admin-login', input(), context()))
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE')
    expect(error.details).toEqual({ purpose: 'Respoke admin login', missing: 'token' })
  })

  // A short Retry-After (within the HTTP client's cap) comes back to the provider once attempts run out.
  it('a rate limit with Retry-After and a per-minute limit: both in the sentence and the details', async () => {
    await addFault({
      path: '/respoke/v1/admin-sessions',
      respond: { kind: 'status', status: 429, body: { error: 'API rate limit was exceeded.' }, headers: { 'Ratelimit-Limit': '100', 'Ratelimit-Remaining': '0', 'Ratelimit-Time-Units': 'minutes', 'Retry-After': '5' } }
    })
    const error = await failure(respokeProvider.issue('admin-login', input(), context(1)))
    expect(error.code).toBe('RATE_LIMITED')
    expect(error.message).toBe('Respoke admin login: Respoke is rate limiting requests (limit: 100 requests per minute); try again in 5 s.')
    expect(error.details).toEqual({ status: 429, purpose: 'Respoke admin login', rateLimitLimit: 100, rateLimitTimeUnits: 'minutes', rateLimitRemaining: 0, retryAfterSeconds: 5 })
  })

  it('a rate limit without any Ratelimit-* header: no limit invented', async () => {
    await addFault({ path: '/respoke/v1/admin-sessions', respond: { kind: 'status', status: 429, body: { error: 'API rate limit was exceeded.' } } })
    const error = await failure(respokeProvider.issue('admin-login', input(), context(1)))
    expect(error.message).toBe('Respoke admin login: Respoke is rate limiting requests; wait a moment and try again.')
    expect(error.details).toEqual({ status: 429, purpose: 'Respoke admin login' })
  })

  it('a suspension without a reason is still a suspension', async () => {
    await addFault({
      path: '/respoke/v1/admin-sessions',
      respond: { kind: 'status', status: 401, body: { error: 'Unauthorized.', details: { message: 'This account is SUSPENDED.', reason: ' ' } } }
    })
    const error = await failure(respokeProvider.issue('admin-login', input(), context()))
    expect(error.message).toBe('Respoke admin login: Respoke has suspended this account (suspended). Resolve it in the Respoke portal.')
  })

  it('a 401 whose details are about something else is a wrong password', async () => {
    await addFault({ path: '/respoke/v1/admin-sessions', respond: { kind: 'status', status: 401, body: { error: 'Unauthorized.', details: { message: 'Invalid credentials.', reason: 'password' } } } })
    const error = await failure(respokeProvider.issue('admin-login', input(), context()))
    expect(error.message).toBe('Respoke rejected the user name or password. Check both in the account settings.')
  })

  it('says a 500 is the server failing', async () => {
    await addFault({ path: '/respoke/v1/admin-sessions', respond: { kind: 'status', status: 500, body: { error: 'Internal server error.' } } })
    const error = await failure(respokeProvider.issue('admin-login', input(), context(1)))
    expect(error.code).toBe('UPSTREAM_ERROR')
    expect(error.message).toBe('Respoke admin login: the server failed (HTTP 500). Try again later. The server said: "Internal server error.".')
  })
})

describe('Respoke provider: App-Token session', () => {
  it('issues an App-Token the server accepts, expiring ttl seconds after the request was sent', async () => {
    const ctx = context()
    const before = Date.now()
    const token = await respokeProvider.issue('app-session', input(app({ fields: { ttl: 120 } })), ctx)
    expect(token).toMatchObject({
      kind: 'App-Token',
      format: 'opaque',
      expiry: { source: 'ttl', kind: 'seconds', seconds: 120 },
      header: { name: 'App-Token', prefix: '' },
      renewal: 'reissue',
      revocable: true
    })
    expect(token.sentAt).toBeGreaterThanOrEqual(before)
    const { expiresAt } = localExpiry(token.expiry, token.sentAt, token.skewMs)
    expect(Math.abs((expiresAt ?? 0) - (before + 120_000))).toBeLessThan(1000)
    expect((await turnWith(token.value)).status).toBe(200)
  })

  it('takes the ttl as text too (forms may hand numbers over as strings)', async () => {
    const token = await respokeProvider.issue('app-session', input(app({ fields: { ttl: '300' } })), context())
    expect(token.expiry).toEqual({ source: 'ttl', kind: 'seconds', seconds: 300 })
  })

  it('counts the lifetime the server granted when it differs from the one asked for', async () => {
    await patchSettings(sandbox, { lifetimes: { respokeTtlSeconds: 90 } })
    const token = await respokeProvider.issue('app-session', input(app({ fields: { ttl: 3600 } })), context())
    expect(token.expiry).toEqual({ source: 'ttl', kind: 'seconds', seconds: 90 })
  })

  it('works without a Role ID for an app in development mode', async () => {
    const devApp = app({ fields: { appId: DEV_APP.id, roleId: '' }, secrets: { appSecret: DEV_APP.secret } })
    const token = await respokeProvider.issue('app-session', input(devApp), context())
    expect((await turnWith(token.value)).status).toBe(200)
  })

  it('sends the tokenId exchange exactly once', async () => {
    await respokeProvider.issue('app-session', input(app()), context())
    const counted = await counters()
    expect(counted['POST /respoke/v1/tokens']).toBe(1)
    expect(counted['POST /respoke/v1/session-tokens']).toBe(1)
  })

  it('names the app when its App-Secret is wrong', async () => {
    const wrong = app({ secrets: { appSecret: 'de000000-0000-4000-8000-00000000bad0' } })
    const error = await failure(respokeProvider.issue('app-session', input(wrong), context()))
    expect(error.code).toBe('CLIENT_REJECTED')
    expect(error.message).toBe(
      `Respoke rejected the App-Secret of app Demo app (${DEMO_APP.id}). Copy the current App-Secret from the Respoke developer console into the app's settings.`
    )
    expect(error.details?.fields).toHaveProperty('appSecret')
  })

  it('says the App-Secret belongs to another app when it does', async () => {
    const mixed = app({ secrets: { appSecret: DEV_APP.secret } })
    const error = await failure(respokeProvider.issue('app-session', input(mixed), context()))
    expect(error.code).toBe('CLIENT_REJECTED')
    expect(error.message).toBe(`The App-Secret stored for Demo app (${DEMO_APP.id}) belongs to a different Respoke app. Check the App ID and the App-Secret.`)
  })

  it('points at the Role ID field when a non-development app has none', async () => {
    const error = await failure(respokeProvider.issue('app-session', input(app({ fields: { roleId: '' } })), context()))
    expect(error.code).toBe('VALIDATION_FAILED')
    expect(error.message).toBe(`Respoke needs a Role ID for Demo app (${DEMO_APP.id}): the app is not in development mode. Enter the Role ID in the app's settings.`)
    expect(error.details?.fields).toEqual({ roleId: 'Required unless the app is in development mode.' })
  })

  it('points at the Role ID field when the role does not exist', async () => {
    const error = await failure(respokeProvider.issue('app-session', input(app({ fields: { roleId: 'DE000000-0000-4000-8000-0000000F0999' } })), context()))
    expect(error.code).toBe('VALIDATION_FAILED')
    expect(error.details?.fields).toHaveProperty('roleId')
  })

  it('points at the App ID field when the app does not exist', async () => {
    const error = await failure(respokeProvider.issue('app-session', input(app({ fields: { appId: 'de000000-0000-4000-8000-0000000a0999' } })), context()))
    expect(error.code).toBe('VALIDATION_FAILED')
    expect(error.message).toBe('Respoke has no app with the App ID de000000-0000-4000-8000-0000000a0999. Check the App ID.')
  })

  it('refuses a lifetime under 60 s before calling the server', async () => {
    const error = await failure(respokeProvider.issue('app-session', input(app({ fields: { ttl: 30 } })), context()))
    expect(error.code).toBe('VALIDATION_FAILED')
    expect(error.details?.fields).toHaveProperty('ttl')
    expect(await counters()).toEqual({})
  })

  it('says the tokenId was unknown or used when the exchange refuses it', async () => {
    await addFault({ path: '/respoke/v1/session-tokens', method: 'POST', respond: { kind: 'status', status: 401, body: { error: 'This tokenId has already been used.' } } })
    const error = await failure(respokeProvider.issue('app-session', input(app()), context()))
    expect(error.code).toBe('UPSTREAM_ERROR')
    expect(error.message).toBe(
      'Respoke refused the tokenId for app Demo app: it is unknown, already used or expired (tokenIds are single use). Issue a new session. Respoke said: "This tokenId has already been used.".'
    )
  })

  it('does not resend the single-use exchange after a 503', async () => {
    await addFault({ path: '/respoke/v1/session-tokens', method: 'POST', times: 1, respond: { kind: 'status', status: 503, body: { error: 'maintenance' } } })
    const error = await failure(respokeProvider.issue('app-session', input(app()), context()))
    expect(error.code).toBe('UPSTREAM_ERROR')
    expect((await counters())['POST /respoke/v1/session-tokens']).toBe(1)
  })

  it('an empty App ID → VALIDATION_FAILED on the field, nothing sent', async () => {
    const error = await failure(respokeProvider.issue('app-session', input(app({ fields: { appId: '' } })), context()))
    expect(error.code).toBe('VALIDATION_FAILED')
    expect(error.details).toEqual({ fields: { appId: 'App ID is required.' } })
    expect(await counters()).toEqual({})
  })

  it('a lifetime that is not a whole number of seconds is refused; none at all means one day', async () => {
    const error = await failure(respokeProvider.issue('app-session', input(app({ fields: { ttl: 90.5 } })), context()))
    expect(error.details).toEqual({ fields: { ttl: 'At least 60 seconds.' } })
    const fields = { ...app().fields }
    delete fields.ttl
    const token = await respokeProvider.issue('app-session', input({ ...app(), fields }), context())
    expect(token.expiry).toEqual({ source: 'ttl', kind: 'seconds', seconds: 86400 })
  })

  it('any other 400 → VALIDATION_FAILED quoting Respoke', async () => {
    await addFault({ path: '/respoke/v1/tokens', respond: { kind: 'status', status: 400, body: { error: 'Invalid endpointId.' } } })
    const error = await failure(respokeProvider.issue('app-session', input(app()), context()))
    expect(error.code).toBe('VALIDATION_FAILED')
    expect(error.message).toBe('Respoke tokenId for app Demo app: Respoke refused the request. Respoke said: "Invalid endpointId.". Check the app\'s settings.')
  })

  it('a 404 about neither app nor role → the common "no such route" sentence', async () => {
    await addFault({ path: '/respoke/v1/tokens', respond: { kind: 'status', status: 404, body: { error: 'Not found.' } } })
    const error = await failure(respokeProvider.issue('app-session', input(app()), context()))
    expect(error.code).toBe('UPSTREAM_ERROR')
    expect(error.message).toBe('Respoke tokenId for app Demo app: the server has no such route (HTTP 404). Respoke said: "Not found.".')
  })

  it('a tokenId answer without a tokenId → UPSTREAM_BAD_RESPONSE naming it', async () => {
    await addFault({ path: '/respoke/v1/tokens', respond: { kind: 'status', status: 200, body: { appId: DEMO_APP.id } } })
    const error = await failure(respokeProvider.issue('token-id', input(app()), context()))
    expect(error.details).toEqual({ purpose: 'Respoke tokenId for app Demo app', missing: 'tokenId' })
  })

  it('the App-Secret error names the app by name and ID, or by name alone when they are the same', async () => {
    const wrong = { appSecret: 'de000000-0000-4000-8000-00000000bad0' }
    const error = await failure(respokeProvider.issue('app-session', input(app({ secrets: wrong })), context()))
    expect(error.message).toContain(`app Demo app (${DEMO_APP.id}).`)
    const named = await failure(respokeProvider.issue('app-session', input({ ...app({ secrets: wrong }), name: DEMO_APP.id }), context()))
    expect(named.message).toContain(`app ${DEMO_APP.id}. Copy`)
  })

  it('a session exchange answering 404 is a refused tokenId too; other failures are the common sentence', async () => {
    await addFault({ path: '/respoke/v1/session-tokens', times: 1, respond: { kind: 'status', status: 404, body: { error: "Object 'Token' not found." } } })
    const unknown = await failure(respokeProvider.issue('app-session', input(app()), context()))
    expect(unknown.message).toMatch(/^Respoke refused the tokenId for app Demo app: it is unknown, already used or expired/)
    expect(unknown.details).toEqual({ status: 404, purpose: 'Respoke session for app Demo app' })
    await addFault({ path: '/respoke/v1/session-tokens', times: 1, respond: { kind: 'status', status: 200, body: { ok: true } } })
    const noToken = await failure(respokeProvider.issue('app-session', input(app()), context()))
    expect(noToken.details).toEqual({ purpose: 'Respoke session for app Demo app', missing: 'token' })
  })

  it('refuses an app flow without an app', async () => {
    const error = await failure(respokeProvider.issue('app-session', input(null), context()))
    expect(error.code).toBe('FLOW_NOT_SUPPORTED')
    const unknown = await failure(respokeProvider.issue('nope', input(app()), context()))
    expect(unknown.code).toBe('FLOW_NOT_SUPPORTED')
  })
})

describe('Respoke provider: tokenId', () => {
  it("issues a single-use tokenId whose expiry is the server's expiryTime, corrected for clock skew", async () => {
    await patchSettings(sandbox, { clockOffsetSeconds: 600 })
    const before = Date.now()
    const token: IssuedToken = await respokeProvider.issue('token-id', input(app({ fields: { ttl: 120 } })), context())
    expect(token).toMatchObject({ kind: 'tokenId', format: 'opaque', renewal: 'none', revocable: false, header: { name: 'tokenId', prefix: '' } })
    expect(token.expiry.source).toBe('expiryTime')
    // On the server's clock (10 min ahead) …
    expect(token.expiry.kind === 'server-time' && Math.abs(token.expiry.atMs - (before + 600_000 + 120_000))).toBeLessThan(1500)
    // … and back on ours once the skew is applied.
    expect(Math.abs((token.skewMs ?? 0) - 600_000)).toBeLessThan(1500)
    const { expiresAt } = localExpiry(token.expiry, token.sentAt, token.skewMs)
    expect(Math.abs((expiresAt ?? 0) - (before + 120_000))).toBeLessThan(1500)
    const exchange = (): Promise<Response> =>
      respokeCall('session-tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tokenId: token.value }) })
    expect((await exchange()).status).toBe(200)
    expect((await exchange()).status).toBe(401)
  })
})

describe('Respoke provider: revoke', () => {
  it('logs the App-Token session out: the token stops working', async () => {
    const ctx = context()
    const token = await respokeProvider.issue('app-session', input(app()), ctx)
    expect((await turnWith(token.value)).status).toBe(200)
    await respokeProvider.revoke?.({ flow: 'app-session', kind: token.kind, value: token.value, refreshValue: null }, input(app()), ctx)
    expect((await turnWith(token.value)).status).toBe(401)
    // Again: the session is already over, which is what was asked.
    await expect(respokeProvider.revoke?.({ flow: 'app-session', kind: token.kind, value: token.value, refreshValue: null }, input(app()), ctx)).resolves.toBeUndefined()
  })

  it('a revoke the server fails is an error, not a silent success', async () => {
    await addFault({ path: '/respoke/v1/session-tokens', method: 'DELETE', respond: { kind: 'status', status: 500, body: { error: 'Internal server error.' } } })
    const error = await failure(
      respokeProvider.revoke?.({ flow: 'app-session', kind: 'App-Token', value: 'ab000000-0000-4000-8000-0000000000cd', refreshValue: null }, input(app()), context(1)) ?? Promise.resolve()
    )
    expect(error.code).toBe('UPSTREAM_ERROR')
    expect(error.details).toEqual({ status: 500, purpose: 'Respoke session logout' })
  })

  it('a revoke refused for a suspended account says so instead of passing as "already over"', async () => {
    await addFault({
      path: '/respoke/v1/session-tokens',
      method: 'DELETE',
      respond: { kind: 'status', status: 401, body: { error: 'Unauthorized.', details: { message: 'Account suspended.', reason: 'billing suspension' } } }
    })
    const error = await failure(
      respokeProvider.revoke?.({ flow: 'app-session', kind: 'App-Token', value: 'ab000000-0000-4000-8000-0000000000cd', refreshValue: null }, input(app()), context()) ?? Promise.resolve()
    )
    expect(error.message).toBe('Respoke session logout: Respoke has suspended this account (billing suspension). Resolve it in the Respoke portal.')
  })

  it('refuses to revoke a token kind Respoke cannot end', async () => {
    const error = await failure(respokeProvider.revoke?.({ flow: 'admin-login', kind: 'Admin-Token', value: 'X', refreshValue: null }, input(), context()) ?? Promise.resolve())
    expect(error.code).toBe('NOT_SUPPORTED')
  })
})

describe('Respoke provider: import and test login', () => {
  it('imports both demo apps without any secret', async () => {
    const imported = await respokeProvider.importApps?.(input(), context())
    expect(imported).toEqual([
      { name: DEMO_APP.name, fields: { appId: DEMO_APP.id, endpointId: 'tokendesk', ttl: 86400 } },
      { name: DEV_APP.name, fields: { appId: DEV_APP.id, endpointId: 'tokendesk', ttl: 86400 } }
    ])
    expect(JSON.stringify(imported)).not.toContain('redacted')
  })

  it('import maps a wrong password like the login does', async () => {
    const error = await failure(respokeProvider.importApps?.(input(null, account({ secrets: { password: 'wrong-password-123' } })), context()) ?? Promise.resolve())
    expect(error.code).toBe('AUTH_REJECTED')
  })

  it('without an app: logs in and counts the visible apps', async () => {
    const check = await respokeProvider.testLogin(input(), context())
    expect(check.message).toBe('Logged in as demo-admin; 2 apps visible.')
    expect(check.facts).toEqual(['Admin-Token (opaque, 36 characters)', 'login route /admin-sessions'])
    expect(check.ms).toBeGreaterThanOrEqual(0)
  })

  it('with an app: the lifetime in the largest whole unit, the endpoint and the server\'s expiryTime', async () => {
    const lifetimes: Array<[number, string]> = [[86400, '1 day'], [172800, '2 days'], [7200, '2 h'], [120, '2 min'], [90, '90 s']]
    for (const [ttl, said] of lifetimes) {
      const check = await respokeProvider.testLogin(input(app({ fields: { ttl, endpointId: '' } })), context())
      expect(check.message).toBe(`App-Secret accepted for app Demo app; Respoke issued a tokenId (not used) for a ${said} session.`)
      expect(check.facts[1]).toBe('endpoint tokendesk')
      expect(check.facts[2]).toMatch(/^expiryTime \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z \(server clock\)$/)
    }
  })

  it('without an app: one visible app is "1 app"; a refused app list is AUTH_REJECTED; a list that is not one is UPSTREAM_BAD_RESPONSE', async () => {
    await addFault({ path: '/respoke/v1/apps', times: 1, respond: { kind: 'status', status: 200, body: [{ id: DEMO_APP.id, name: DEMO_APP.name }] } })
    expect((await respokeProvider.testLogin(input(), context())).message).toBe('Logged in as demo-admin; 1 app visible.')
    await addFault({ path: '/respoke/v1/apps', times: 1, respond: { kind: 'status', status: 401, body: { error: 'Unauthorized.' } } })
    const refused = await failure(respokeProvider.testLogin(input(), context()))
    expect(refused.code).toBe('AUTH_REJECTED')
    expect(refused.details).toEqual({ status: 401, purpose: 'Respoke app list' })
    await addFault({ path: '/respoke/v1/apps', times: 1, respond: { kind: 'status', status: 403, body: { error: 'Forbidden.' } } })
    expect((await failure(respokeProvider.testLogin(input(), context()))).details).toEqual({ status: 403, purpose: 'Respoke app list' })
  })

  it('with an app: proves the App-Secret by issuing a tokenId', async () => {
    const check = await respokeProvider.testLogin(input(app({ fields: { ttl: 3600 } })), context())
    expect(check.message).toBe('App-Secret accepted for app Demo app; Respoke issued a tokenId (not used) for a 1 h session.')
    expect(check.facts[0]).toBe('tokenId (opaque, 36 characters)')
    const wrong = await failure(respokeProvider.testLogin(input(app({ secrets: { appSecret: 'de000000-0000-4000-8000-00000000bad0' } })), context()))
    expect(wrong.code).toBe('CLIENT_REJECTED')
  })
})

describe('Respoke parsers (properties)', () => {
  const uuid = fc.uuid().map((value) => value.toUpperCase())

  it('parseTokenIdAnswer reads tokenId, expiryTime and the granted ttl, numbers or numeric strings', () => {
    fc.assert(
      fc.property(uuid, fc.integer({ min: 1_000_000_000, max: 4_000_000_000 }), fc.integer({ min: 1, max: 10_000_000 }), fc.boolean(), (tokenId, createTime, ttl, asText) => {
        const expiryTime = createTime + ttl
        const body = { tokenId, id: tokenId, createTime: asText ? String(createTime) : createTime, expiryTime: asText ? String(expiryTime) : expiryTime }
        expect(parseTokenIdAnswer(body)).toEqual({ tokenId, expiresAtMs: expiryTime * 1000, grantedTtlSeconds: ttl })
      })
    )
  })

  it('parseTokenIdAnswer never throws: anything without a tokenId is null', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const parsed = parseTokenIdAnswer(value)
        if (parsed !== null) expect(typeof parsed.tokenId).toBe('string')
      })
    )
    expect(parseTokenIdAnswer({ expiryTime: 5 })).toBeNull()
    expect(parseTokenIdAnswer({ tokenId: 'A', expiryTime: 'soon' })).toEqual({ tokenId: 'A', expiresAtMs: null, grantedTtlSeconds: null })
  })

  it('parseRateLimitHeaders reads the headers whatever their case, and ignores junk', () => {
    fc.assert(
      fc.property(fc.nat({ max: 100_000 }), fc.nat({ max: 100_000 }), fc.constantFrom('seconds', 'Minutes'), fc.boolean(), (limit, remaining, unit, upper) => {
        const name = (text: string): string => (upper ? text.toUpperCase() : text)
        const headers = { [name('Ratelimit-Limit')]: String(limit), [name('Ratelimit-Remaining')]: String(remaining), [name('Ratelimit-Time-Units')]: unit }
        expect(parseRateLimitHeaders(headers)).toEqual({ limit, remaining, unit: unit.toLowerCase(), retryAfterSeconds: null })
      })
    )
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.string()), (headers) => {
        const parsed = parseRateLimitHeaders(headers)
        for (const value of [parsed.limit, parsed.remaining, parsed.retryAfterSeconds]) if (value !== null) expect(Number.isSafeInteger(value)).toBe(true)
      })
    )
  })

  it('parseTtl accepts whole seconds ≥ 60 as numbers or text, nothing else', () => {
    fc.assert(
      fc.property(fc.integer({ min: 60, max: 2 ** 40 }), (ttl) => {
        expect(parseTtl(ttl)).toBe(ttl)
        expect(parseTtl(String(ttl))).toBe(ttl)
      })
    )
    fc.assert(
      fc.property(fc.integer({ max: 59 }), (ttl) => {
        expect(parseTtl(ttl)).toBeNull()
      })
    )
    for (const bad of [60.5, '1e5', '', 'abc', null, undefined, true, Number.NaN, Number.POSITIVE_INFINITY]) expect(parseTtl(bad)).toBeNull()
  })

  it('parseAppList keeps apps with an id and rejects anything that is not a list with a typed error', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ id: fc.uuid(), name: fc.string({ minLength: 1, maxLength: 50 }).filter((name) => name.trim() !== '') })), (apps) => {
        const parsed = parseAppList(JSON.stringify([...apps, { name: 'no id' }, null, 7]))
        expect(parsed.map((entry) => entry.id)).toEqual(apps.map((entry) => entry.id.toLowerCase()))
        expect(parsed.map((entry) => entry.name)).toEqual(apps.map((entry) => entry.name.trim()))
      })
    )
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          parseAppList(text)
        } catch (error) {
          expect(error).toBeInstanceOf(AppError)
          expect((error as AppError).code).toBe('UPSTREAM_BAD_RESPONSE')
        }
      })
    )
  })
})
