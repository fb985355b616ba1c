import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AppError } from '../../shared/errors'
import { ProviderInfoSchema } from '../../shared/model'
import { POCKETPAW_DEMO } from '../../sandbox/demo-data'
import { signSessionToken } from '../../sandbox/pocketpaw'
import { patchSettings, useSandbox } from '../../sandbox/test-support'
import { quietLog, useProviderContexts } from '../testing/provider-context'
import { localExpiry } from '../tokens/expiry'
import { parsePocketpawToken, pocketpawProvider, sessionExpiry } from './pocketpaw'
import type { CredentialSet, FlowInput } from './provider'

/** The PocketPaw provider over real HTTP against the sandbox (seed-apis.md §2). */

const sandbox = useSandbox()

const context = useProviderContexts()

const WRONG_MASTER = 'de000000-0000-4000-8000-0000000bad00'

function account(overrides: Partial<{ fields: CredentialSet['fields']; secrets: CredentialSet['secrets'] }> = {}): CredentialSet {
  return {
    id: 'acc1',
    name: 'Demo PocketPaw',
    fields: { baseUrl: sandbox.sandbox.ready.baseUrls.pocketpaw, apiPrefix: '/api', ...overrides.fields },
    secrets: { masterToken: POCKETPAW_DEMO.masterToken, ...overrides.secrets }
  }
}
const input = (account_ = account()): FlowInput => ({ account: account_, app: null })

/** The real server lets genuine-localhost callers through with any token; turn that off to see verdicts. */
const checkTokensFromLoopback = (): Promise<void> => patchSettings(sandbox, { pocketpaw: { localhostAuthBypass: false } })

async function healthWith(token: string, prefix = '/api'): Promise<number> {
  const response = await fetch(`${sandbox.sandbox.ready.baseUrls.pocketpaw}${prefix}/health`, { headers: { authorization: `Bearer ${token}` } })
  return response.status
}

async function addFault(spec: Record<string, unknown>): Promise<void> {
  const response = await fetch(sandbox.url('/__sandbox/faults'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec) })
  expect(response.status).toBe(201)
}

async function counters(): Promise<Record<string, number>> {
  return (await (await fetch(sandbox.url('/__sandbox/counters'))).json()) as Record<string, number>
}

const seenSecrets = new Set<string>([POCKETPAW_DEMO.masterToken, WRONG_MASTER])
async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (reason: unknown) => reason
  )
  expect(error).toBeInstanceOf(AppError)
  const serialised = JSON.stringify({ message: (error as AppError).message, data: (error as AppError).toData() })
  for (const secret of seenSecrets) expect(serialised).not.toContain(secret)
  return error as AppError
}

const REJECTED = 'PocketPaw rejected the master token. It changes when someone regenerates it: paste the current one from ~/.pocketpaw/access_token.'

describe('PocketPaw provider: description', () => {
  it('is a valid ProviderInfo: one server account, no apps, a primary session flow and a confirmed regenerate action', () => {
    const info = ProviderInfoSchema.parse(pocketpawProvider.info)
    expect(info.appNoun).toBeNull()
    expect(info.appFields).toEqual([])
    expect(info.accountFields.map((field) => [field.name, field.kind])).toEqual([
      ['baseUrl', 'url'],
      ['masterToken', 'secret'],
      ['apiPrefix', 'choice'],
      ['allowInsecureHttp', 'boolean']
    ])
    expect(info.accountFields[0]).toMatchObject({ placeholder: 'http://localhost:8888' })
    expect(info.accountFields[2]).toMatchObject({ default: '/api', advanced: true })
    expect(info.flows.map((flow) => [flow.id, flow.target, flow.produces, flow.primary])).toEqual([
      ['session', 'account', 'token', true],
      ['regenerate-master', 'account', 'none', false]
    ])
    expect(info.flows[1]?.confirm).toMatch(/^Every session token of this server stops working at once\./)
    for (const field of info.accountFields) expect(field.help, field.name).toBeTruthy()
    for (const preset of info.presets) expect(preset.description).toContain('DEMO ONLY')
  })
})

describe('PocketPaw provider: session token', () => {
  it('issues a session token the server accepts, expiring at the time encoded in its prefix', async () => {
    await checkTokensFromLoopback()
    await patchSettings(sandbox, { lifetimes: { pocketpawSessionSeconds: 90 } })
    const before = Date.now()
    const token = await pocketpawProvider.issue('session', input(), context())
    expect(token).toMatchObject({
      kind: 'session',
      format: 'pocketpaw',
      header: { name: 'Authorization', prefix: 'Bearer ' },
      renewal: 'reissue',
      revocable: false
    })
    expect(token.value).toMatch(/^\d+:[0-9a-f]{64}$/)
    expect(token.expiry.source).toBe('pocketpaw-prefix')
    const { expiresAt } = localExpiry(token.expiry, token.sentAt, token.skewMs)
    // The prefix has whole seconds: within a second of the 90 s the server was set to.
    expect(Math.abs((expiresAt ?? 0) - (before + 90_000))).toBeLessThan(1000)
    expect(await healthWith(token.value)).toBe(200)
  })

  it("corrects the server-clock expiry by the measured skew (server 10 min ahead)", async () => {
    await patchSettings(sandbox, { clockOffsetSeconds: 600, lifetimes: { pocketpawSessionSeconds: 3600 } })
    const before = Date.now()
    const token = await pocketpawProvider.issue('session', input(), context())
    expect(token.expiry.kind === 'server-time' && Math.abs(token.expiry.atMs - (before + 600_000 + 3_600_000))).toBeLessThan(1500)
    const { expiresAt } = localExpiry(token.expiry, token.sentAt, token.skewMs)
    expect(Math.abs((expiresAt ?? 0) - (before + 3_600_000))).toBeLessThan(1500)
  })

  it('uses the /api/v1 routes when the account says so', async () => {
    await checkTokensFromLoopback()
    const token = await pocketpawProvider.issue('session', input(account({ fields: { apiPrefix: '/api/v1' } })), context())
    expect(await healthWith(token.value, '/api/v1')).toBe(200)
    const counted = await counters()
    expect(counted['POST /pocketpaw/api/v1/auth/session']).toBe(1)
    expect(counted['POST /pocketpaw/api/auth/session']).toBeUndefined()
  })

  it('reads the expiry of a token in the documented (wrong) "session:" form', async () => {
    const token = `session:${signSessionToken('any', 1_900_000_000)}`
    await addFault({ path: '/pocketpaw/api/auth/session', respond: { kind: 'status', status: 200, body: { session_token: token, expires_in_hours: 24 } } })
    const issued = await pocketpawProvider.issue('session', input(), context())
    expect(issued.expiry).toEqual({ source: 'pocketpaw-prefix', kind: 'server-time', atMs: 1_900_000_000_000 })
  })

  it('falls back to expires_in_hours when the token has no readable prefix, else says unknown', async () => {
    await addFault({ path: '/pocketpaw/api/auth/session', times: 1, respond: { kind: 'status', status: 200, body: { session_token: 'sess:abc123', expires_in_hours: 2 } } })
    const fallback = await pocketpawProvider.issue('session', input(), context())
    expect(fallback.expiry).toEqual({ source: 'expires_in', kind: 'seconds', seconds: 7200 })
    await addFault({ path: '/pocketpaw/api/auth/session', times: 1, respond: { kind: 'status', status: 200, body: { session_token: 'sess:abc123', expires_in_hours: 0 } } })
    const unknown = await pocketpawProvider.issue('session', input(), context())
    expect(unknown.expiry).toEqual({ source: 'unknown', kind: 'unknown' })
  })

  it('rejects a wrong master token with the sentence that says where the current one is (handler, localhost)', async () => {
    const error = await failure(pocketpawProvider.issue('session', input(account({ secrets: { masterToken: WRONG_MASTER } })), context()))
    expect(error.code).toBe('AUTH_REJECTED')
    expect(error.message).toBe(REJECTED)
    expect(error.details?.fields).toHaveProperty('masterToken')
  })

  it('rejects a wrong master token the same way when the middleware answers "Unauthorized" (remote client)', async () => {
    await patchSettings(sandbox, { pocketpaw: { clientIsLocalhost: false } })
    const error = await failure(pocketpawProvider.issue('session', input(account({ secrets: { masterToken: WRONG_MASTER } })), context()))
    expect(error.code).toBe('AUTH_REJECTED')
    expect(error.message).toBe(REJECTED)
  })

  it('says the master token is not stored without calling the server', async () => {
    const error = await failure(pocketpawProvider.issue('session', input(account({ secrets: { masterToken: '' } })), context()))
    expect(error.code).toBe('VALIDATION_FAILED')
    expect(await counters()).toEqual({})
  })

  it('maps the auth limiter (1/s, burst 5) to RATE_LIMITED with Retry-After', async () => {
    const ctx = context(1)
    let error: AppError | undefined
    for (let attempt = 0; attempt < 8 && !error; attempt++) {
      try {
        await pocketpawProvider.issue('session', input(), ctx)
      } catch (reason) {
        error = await failure(Promise.reject(reason))
      }
    }
    expect(error?.code).toBe('RATE_LIMITED')
    expect(error?.message).toBe('PocketPaw session exchange: PocketPaw is rate limiting requests; try again in 1 s.')
    expect(error?.details).toMatchObject({ status: 429, retryAfterSeconds: 1 })
  })

  it('points at the base URL and prefix when the route does not exist', async () => {
    await addFault({ path: '/pocketpaw/api/auth/session', respond: { kind: 'status', status: 404, body: { detail: 'Not Found' } } })
    const error = await failure(pocketpawProvider.issue('session', input(), context()))
    expect(error.code).toBe('UPSTREAM_ERROR')
    expect(error.message).toBe(
      'PocketPaw session exchange: the server has no such route under /api (HTTP 404). The server said: "Not Found".'
    )
    // A wrong address, not a failing server.
    expect(error.details?.fix).toBe('Check the base URL (without /api) and the API prefix.')
  })

  it('says the answer is not PocketPaw JSON, or lacks the token, when it is so', async () => {
    await addFault({ path: '/pocketpaw/api/auth/session', times: 1, respond: { kind: 'malformed' } })
    const malformed = await failure(pocketpawProvider.issue('session', input(), context()))
    expect(malformed.code).toBe('UPSTREAM_BAD_RESPONSE')
    expect(malformed.message).toBe("PocketPaw session exchange: the server's answer is not PocketPaw JSON. Check the base URL and the API prefix.")
    await addFault({ path: '/pocketpaw/api/auth/session', times: 1, respond: { kind: 'status', status: 200, body: { expires_in_hours: 24 } } })
    const missing = await failure(pocketpawProvider.issue('session', input(), context()))
    expect(missing.message).toBe('PocketPaw session exchange: the server\'s answer has no "session_token".')
  })

  it('a 403 is a rejected master too; a 405 is a missing route like a 404', async () => {
    await addFault({ path: '/pocketpaw/api/auth/session', times: 1, respond: { kind: 'status', status: 403, body: { detail: 'Forbidden' } } })
    const forbidden = await failure(pocketpawProvider.issue('session', input(), context()))
    expect(forbidden.code).toBe('AUTH_REJECTED')
    expect(forbidden.message).toBe(REJECTED)
    expect(forbidden.details).toEqual({ status: 403, purpose: 'PocketPaw session exchange', fields: { masterToken: 'Paste the current master token.' } })
    await addFault({ path: '/pocketpaw/api/v1/auth/session', times: 1, respond: { kind: 'status', status: 405, rawBody: '', contentType: 'text/plain' } })
    const wrongMethod = await failure(pocketpawProvider.issue('session', input(account({ fields: { apiPrefix: '/api/v1' } })), context()))
    expect(wrongMethod.code).toBe('UPSTREAM_ERROR')
    // No server words to quote: the sentence ends with the advice.
    expect(wrongMethod.message).toBe(
      'PocketPaw session exchange: the server has no such route under /api/v1 (HTTP 405).'
    )
    expect(wrongMethod.details?.fields).toEqual({ baseUrl: 'Check the address.', apiPrefix: 'Try the other prefix.' })
  })

  it('a rate limit without a usable Retry-After says "shortly" and invents no number', async () => {
    for (const headers of [{}, { 'retry-after': '-5' }]) {
      await addFault({ path: '/pocketpaw/api/auth/session', times: 1, respond: { kind: 'status', status: 429, body: { detail: 'Too many' }, headers } })
      const error = await failure(pocketpawProvider.issue('session', input(), context(1)))
      expect(error.code).toBe('RATE_LIMITED')
      expect(error.message).toBe('PocketPaw session exchange: PocketPaw is rate limiting requests; try again shortly.')
      expect(error.details).toEqual({ status: 429, purpose: 'PocketPaw session exchange' })
    }
  })

  it('any other failure is the common sentence', async () => {
    await addFault({ path: '/pocketpaw/api/auth/session', respond: { kind: 'status', status: 500, body: { detail: 'Internal Server Error' } } })
    const error = await failure(pocketpawProvider.issue('session', input(), context(1)))
    expect(error.code).toBe('UPSTREAM_ERROR')
    expect(error.message).toBe('PocketPaw session exchange: the server failed (HTTP 500). Try again later. The server said: "Internal Server Error".')
  })

  it('a JSON list or an empty token is not a session', async () => {
    await addFault({ path: '/pocketpaw/api/auth/session', times: 1, respond: { kind: 'status', status: 200, body: [{ session_token: 'x' }] } })
    expect((await failure(pocketpawProvider.issue('session', input(), context()))).code).toBe('UPSTREAM_BAD_RESPONSE')
    await addFault({ path: '/pocketpaw/api/auth/session', times: 1, respond: { kind: 'status', status: 200, body: { session_token: '', expires_in_hours: 24 } } })
    const empty = await failure(pocketpawProvider.issue('session', input(), context()))
    expect(empty.details).toEqual({ purpose: 'PocketPaw session exchange', missing: 'session_token' })
  })

  it('an empty base URL → VALIDATION_FAILED on the field, nothing sent; an unknown API prefix falls back to /api', async () => {
    const error = await failure(pocketpawProvider.issue('session', input(account({ fields: { baseUrl: '  ' } })), context()))
    expect(error.code).toBe('VALIDATION_FAILED')
    expect(error.details).toEqual({ fields: { baseUrl: 'Base URL is required.' } })
    expect(await counters()).toEqual({})
    await pocketpawProvider.issue('session', input(account({ fields: { apiPrefix: '/api/v2' } })), context())
    expect((await counters())['POST /pocketpaw/api/auth/session']).toBe(1)
  })

  it('the session token is handed to the log\'s redaction before anything else can log it; an odd token is warned about', async () => {
    const redacted: string[] = []
    const warnings: string[] = []
    const ctx = { ...context(), log: { ...quietLog, redact: (value: string) => void redacted.push(value), warn: (_scope: string, message: string) => void warnings.push(message) } }
    const token = await pocketpawProvider.issue('session', input(), ctx)
    expect(redacted).toEqual([token.value])
    expect(warnings).toEqual([])
    await addFault({ path: '/pocketpaw/api/auth/session', times: 1, respond: { kind: 'status', status: 200, body: { session_token: 'sess:abc123', expires_in_hours: 2 } } })
    await pocketpawProvider.issue('session', input(), ctx)
    expect(warnings).toEqual(['the session token is not <exp>:<hex>; expiry taken from expires_in_hours'])
    await addFault({ path: '/pocketpaw/api/auth/session', times: 1, respond: { kind: 'status', status: 200, body: { session_token: 'sess:abc123' } } })
    await pocketpawProvider.issue('session', input(), ctx)
    expect(warnings[1]).toBe('the session token is not <exp>:<hex>; expiry taken from nowhere (unknown)')
  })

  it('has no other token flow and no per-token revoke', async () => {
    expect(pocketpawProvider.revoke).toBeUndefined()
    const error = await failure(pocketpawProvider.issue('regenerate-master', input(), context()))
    expect(error.code).toBe('FLOW_NOT_SUPPORTED')
  })
})

describe('PocketPaw provider: regenerate the master token', () => {
  it('returns the new master to store; every old session token and the old master stop working', async () => {
    await checkTokensFromLoopback()
    const ctx = context()
    const old = await pocketpawProvider.issue('session', input(), ctx)
    expect(await healthWith(old.value)).toBe(200)

    const result = await pocketpawProvider.runAction?.('regenerate-master', input(), ctx)
    const newMaster = result?.secrets?.masterToken ?? ''
    seenSecrets.add(newMaster)
    expect(result).toEqual({
      message: 'Generated a new master token and stored it. Every session token of this server is now invalid.',
      secrets: { masterToken: sandbox.sandbox.readyNow().credentials.pocketpaw.masterToken },
      revokesAllTokens: true
    })
    expect(newMaster).not.toBe(POCKETPAW_DEMO.masterToken)

    expect(await healthWith(old.value)).toBe(401)
    const stale = await failure(pocketpawProvider.issue('session', input(), ctx))
    expect(stale.message).toBe(REJECTED)
    const fresh = await pocketpawProvider.issue('session', input(account({ secrets: { masterToken: newMaster } })), ctx)
    expect(await healthWith(fresh.value)).toBe(200)
    expect((await counters())['POST /pocketpaw/api/token/regenerate']).toBe(1)
  })

  it('is refused with a wrong master when the server checks tokens, and nothing changes', async () => {
    await checkTokensFromLoopback()
    const error = await failure(pocketpawProvider.runAction?.('regenerate-master', input(account({ secrets: { masterToken: WRONG_MASTER } })), context()) ?? Promise.resolve())
    expect(error.code).toBe('AUTH_REJECTED')
    expect(error.message).toBe(REJECTED)
    expect(sandbox.sandbox.readyNow().credentials.pocketpaw.masterToken).toBe(POCKETPAW_DEMO.masterToken)
  })

  it('is sent at most once, even after a 503', async () => {
    await addFault({ path: '/pocketpaw/api/token/regenerate', times: 1, respond: { kind: 'status', status: 503, body: { detail: 'Service Unavailable' } } })
    const error = await failure(pocketpawProvider.runAction?.('regenerate-master', input(), context()) ?? Promise.resolve())
    expect(error.code).toBe('UPSTREAM_ERROR')
    expect((await counters())['POST /pocketpaw/api/token/regenerate']).toBe(1)
  })

  it('says the new master may be lost when the answer lacks it', async () => {
    await addFault({ path: '/pocketpaw/api/token/regenerate', times: 1, respond: { kind: 'status', status: 200, body: { ok: true } } })
    const error = await failure(pocketpawProvider.runAction?.('regenerate-master', input(), context()) ?? Promise.resolve())
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE')
    expect(error.message).toMatch(/Copy the current one from ~\/\.pocketpaw\/access_token\.$/)
  })

  it('stores the new master trimmed, and hands it to the log\'s redaction', async () => {
    seenSecrets.add('fe000000-0000-4000-8000-0000000000ff')
    await addFault({ path: '/pocketpaw/api/token/regenerate', times: 1, respond: { kind: 'status', status: 200, body: { token: ' fe000000-0000-4000-8000-0000000000ff\n' } } })
    const redacted: string[] = []
    const ctx = { ...context(), log: { ...quietLog, redact: (value: string) => void redacted.push(value) } }
    const result = await pocketpawProvider.runAction?.('regenerate-master', input(), ctx)
    expect(result?.secrets).toEqual({ masterToken: 'fe000000-0000-4000-8000-0000000000ff' })
    expect(redacted).toEqual(['fe000000-0000-4000-8000-0000000000ff'])
  })

  it('a blank new master is no master; a wrong route is named with the prefix', async () => {
    await addFault({ path: '/pocketpaw/api/token/regenerate', times: 1, respond: { kind: 'status', status: 200, body: { token: '   ' } } })
    const blank = await failure(pocketpawProvider.runAction?.('regenerate-master', input(), context()) ?? Promise.resolve())
    expect(blank.details).toEqual({ purpose: 'PocketPaw master token regeneration', missing: 'token' })
    await addFault({ path: '/pocketpaw/api/token/regenerate', times: 1, respond: { kind: 'status', status: 404, body: { detail: 'Not Found' } } })
    const missing = await failure(pocketpawProvider.runAction?.('regenerate-master', input(), context()) ?? Promise.resolve())
    expect(missing.message).toMatch(/^PocketPaw master token regeneration: the server has no such route under \/api \(HTTP 404\)/)
  })

  it('knows no other action', async () => {
    const error = await failure(pocketpawProvider.runAction?.('session', input(), context()) ?? Promise.resolve())
    expect(error.code).toBe('FLOW_NOT_SUPPORTED')
  })
})

describe('PocketPaw provider: test login', () => {
  it('exchanges the master and verifies the session token against the guarded health route', async () => {
    await checkTokensFromLoopback()
    const check = await pocketpawProvider.testLogin(input(), context())
    expect(check.message).toBe('Master token accepted; session token verified against /api/health.')
    expect(check.facts[0]).toMatch(/^session token \(75 characters\)$/)
    expect(check.facts[1]).toMatch(/^expires \d{4}-\d\d-\d\dT.* \(server clock, from the token's prefix\)$/)
    const v1 = await pocketpawProvider.testLogin(input(account({ fields: { apiPrefix: '/api/v1' } })), context())
    expect(v1.message).toBe('Master token accepted; session token verified against /api/v1/health.')
  })

  it('says honestly when the localhost bypass makes the check prove nothing', async () => {
    const check = await pocketpawProvider.testLogin(input(), context())
    expect(check.message).toBe(
      "Master token accepted; the session token could not be verified: /api/health lets this machine in without any token (PocketPaw's localhost_auth_bypass)."
    )
  })

  it('fails clearly when the server refuses the session token it just issued', async () => {
    await checkTokensFromLoopback()
    await addFault({ path: '/pocketpaw/api/health', respond: { kind: 'status', status: 401, body: { detail: 'Unauthorized' } } })
    const error = await failure(pocketpawProvider.testLogin(input(), context()))
    expect(error.code).toBe('UPSTREAM_ERROR')
    expect(error.message).toMatch(/^PocketPaw accepted the master token but refused the session token it had just issued at \/api\/health\./)
  })

  it('lists expires_in_hours when the server gives it, and says when the token encodes no expiry', async () => {
    await checkTokensFromLoopback()
    await addFault({ path: '/pocketpaw/api/auth/session', times: 1, respond: { kind: 'status', status: 200, body: { session_token: 'sess:abc123', expires_in_hours: 2 } } })
    await addFault({ path: '/pocketpaw/api/health', respond: { kind: 'status', status: 200, body: { status: 'ok' } }, times: 1 })
    const check = await pocketpawProvider.testLogin(input(), context())
    expect(check.facts).toEqual(['session token (11 characters)', 'expiry not encoded in the token', 'expires_in_hours 2'])
    expect(check.message).toBe('Master token accepted; session token verified against /api/health.')
  })

  it('a guarded route that fails otherwise is the common sentence, not a verdict on the token', async () => {
    await checkTokensFromLoopback()
    await addFault({ path: '/pocketpaw/api/health', respond: { kind: 'status', status: 500, body: { detail: 'Internal Server Error' } } })
    const error = await failure(pocketpawProvider.testLogin(input(), context(1)))
    expect(error.code).toBe('UPSTREAM_ERROR')
    expect(error.message).toBe('PocketPaw session check: the server failed (HTTP 500). Try again later. The server said: "Internal Server Error".')
  })

  it('a 403 on the guarded route is a refused session token too', async () => {
    await checkTokensFromLoopback()
    await addFault({ path: '/pocketpaw/api/health', respond: { kind: 'status', status: 403, body: { detail: 'Forbidden' } } })
    const error = await failure(pocketpawProvider.testLogin(input(), context()))
    expect(error.message).toMatch(/^PocketPaw accepted the master token but refused the session token/)
    expect(error.details).toEqual({ status: 403, purpose: 'PocketPaw session check' })
  })

  it('reports a wrong master like the session flow', async () => {
    const error = await failure(pocketpawProvider.testLogin(input(account({ secrets: { masterToken: WRONG_MASTER } })), context()))
    expect(error.message).toBe(REJECTED)
  })
})

describe('parsePocketpawToken (properties)', () => {
  const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/)
  const expiry = fc.integer({ min: 1, max: 999_999_999_999 })

  it('round-trips <exp>:<hex>, with or without the "session:" prefix and surrounding spaces', () => {
    fc.assert(
      fc.property(expiry, hex64, fc.boolean(), fc.boolean(), (exp, hex, prefixed, padded) => {
        const token = `${prefixed ? 'session:' : ''}${exp}:${hex}`
        expect(parsePocketpawToken(padded ? ` ${token}\n` : token)).toEqual({ expiresAtMs: exp * 1000, signatureHex: hex })
      })
    )
  })

  it("reads what the server's own signer produces", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.integer({ min: 1, max: 4_000_000_000 }), (master, exp) => {
        expect(parsePocketpawToken(signSessionToken(master, exp))?.expiresAtMs).toBe(exp * 1000)
      })
    )
  })

  it('still parses uppercase hex, keeping it as written (the server itself would refuse it: compare_digest is case-sensitive)', () => {
    fc.assert(
      fc.property(expiry, hex64, (exp, hex) => {
        expect(parsePocketpawToken(`${exp}:${hex.toUpperCase()}`)?.signatureHex).toBe(hex.toUpperCase())
      })
    )
  })

  it('returns null for anything else, and never throws', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const parsed = parsePocketpawToken(value)
        if (parsed !== null) expect(value.trim()).toMatch(/^(session:)?\d+:[0-9a-fA-F]{64}$/)
      })
    )
    const hex = 'a'.repeat(64)
    for (const bad of ['', 'sess:abc123', hex, `:${hex}`, `-5:${hex}`, `0:${hex}`, `12:${'a'.repeat(63)}`, `12:${'a'.repeat(65)}`, `12:${'g'.repeat(64)}`, `12.5:${hex}`, `session:${hex}`, `Session:12:${hex}`, `1234567890123:${hex}`]) {
      expect(parsePocketpawToken(bad), bad).toBeNull()
    }
  })

  it('sessionExpiry: the prefix wins; else expires_in_hours (> 0) as seconds; else unknown', () => {
    fc.assert(
      fc.property(fc.string().filter((value) => parsePocketpawToken(value) === null), fc.integer({ min: 1, max: 10_000 }), (token, hours) => {
        expect(sessionExpiry(token, hours)).toEqual({ source: 'expires_in', kind: 'seconds', seconds: hours * 3600 })
        expect(sessionExpiry(token, 0)).toEqual({ source: 'unknown', kind: 'unknown' })
        expect(sessionExpiry(token, '24')).toEqual({ source: 'unknown', kind: 'unknown' })
      })
    )
    expect(sessionExpiry(`5:${'b'.repeat(64)}`, 24)).toEqual({ source: 'pocketpaw-prefix', kind: 'server-time', atMs: 5000 })
  })
})
