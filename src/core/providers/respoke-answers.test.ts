import { describe, expect, it } from 'vitest'
import { AppError } from '../../shared/errors'
import { scriptedContext, type ScriptedAnswer } from '../testing/provider-context'
import type { CredentialSet, FlowInput, HeldToken } from './provider'
import { parseAppList, parseRateLimitHeaders, parseTokenIdAnswer, parseTtl, respokeProvider } from './respoke'
import { failure } from '../testing/app-error'

/**
 * The Respoke provider against scripted answers (what the sandbox does not say: odd bodies,
 * 201s, suspensions on other routes), and its parsers on edge cases. respoke.test.ts covers
 * the real exchanges against the sandbox.
 */

const APP_ID = '0dfcfe78-c4af-497f-88f6-c6b3a8151fb3'
const PASSWORD = 'admin-password-123'
const APP_SECRET = 'a1b2c3d4-0000-4000-8000-00000000a5ec'
const TOKEN_ID = 'B5C2A0D8-1111-4111-8111-0000000070cd'
const APP_TOKEN = 'C6D3B1E9-2222-4222-8222-000000005e55'

type Answer = ScriptedAnswer

/** A context whose HTTP client answers from a script, one answer per request, and records the requests. */
const scripted = (...answers: Answer[]): ReturnType<typeof scriptedContext> =>
  scriptedContext(answers, { clock: { start: 1_000_000, step: 7 }, stamps: { sentAt: 5_000, receivedAt: 5_010 } })

function account(fields: CredentialSet['fields'] = {}): CredentialSet {
  return {
    id: 'acc1',
    name: 'Respoke prod',
    fields: { baseUrl: 'https://api.respoke.test/v1', username: 'admin@example.com', adminLoginRoute: 'admin-sessions', ...fields },
    secrets: { password: PASSWORD }
  }
}

function app(fields: CredentialSet['fields'] = {}, name = 'Chat'): CredentialSet {
  return { id: 'app1', name, fields: { appId: APP_ID, endpointId: 'tokendesk', roleId: '', ttl: 3600, ...fields }, secrets: { appSecret: APP_SECRET } }
}

const input = (app_: CredentialSet | null = null, account_ = account()): FlowInput => ({ account: account_, app: app_ })

const suspended = (details: Record<string, unknown>): Answer => ({ status: 401, body: { error: 'Unauthorized', details } })

describe('Respoke parsers: edge cases', () => {
  it('parseTokenIdAnswer: times as unix seconds only, as numbers or plain decimal text', () => {
    const at = (expiryTime: unknown): number | null => parseTokenIdAnswer({ tokenId: 'T', expiryTime })?.expiresAtMs ?? null
    expect(at(1_700_000_000)).toBe(1_700_000_000_000)
    expect(at(' 1700000000 ')).toBe(1_700_000_000_000)
    expect(at('1700000000.25')).toBe(1_700_000_000_250)
    expect(at('1700000000.5')).toBe(1_700_000_000_500)
    // Not unix seconds: exponents, hex, arrays, zero, negatives, milliseconds.
    for (const bad of ['1.7e9', '0x6553F100', '1700000000e0', [1_700_000_000], 0, -5, '0', 1e11, 1_700_000_000_000]) expect(at(bad), String(bad)).toBeNull()
    expect(at(1e11 - 1)).toBe((1e11 - 1) * 1000)
  })

  it('parseTokenIdAnswer: tokenId, else id; the granted lifetime only from a createTime before the expiryTime', () => {
    expect(parseTokenIdAnswer({ tokenId: '', id: 'X1' })?.tokenId).toBe('X1')
    expect(parseTokenIdAnswer({ id: 'X2' })?.tokenId).toBe('X2')
    expect(parseTokenIdAnswer({ tokenId: 'T', id: 'X' })?.tokenId).toBe('T')
    expect(parseTokenIdAnswer({ id: '' })).toBeNull()
    expect(parseTokenIdAnswer({ tokenId: '' })).toBeNull()
    const granted = (body: Record<string, unknown>): number | null | undefined => parseTokenIdAnswer({ tokenId: 'T', ...body })?.grantedTtlSeconds
    expect(granted({ expiryTime: 1_700_000_600, createTime: 1_700_000_000 })).toBe(600)
    expect(granted({ expiryTime: 1_700_000_600 })).toBeNull()
    expect(granted({ createTime: 1_700_000_000 })).toBeNull()
    expect(granted({ expiryTime: 1_700_000_000, createTime: 1_700_000_000 })).toBeNull()
    expect(granted({ expiryTime: 1_700_000_000, createTime: 1_700_000_600 })).toBeNull()
  })

  it('parseRateLimitHeaders: whole numbers with optional spaces; units are one word', () => {
    expect(parseRateLimitHeaders({ 'Ratelimit-Limit': ' 10 ', 'Ratelimit-Remaining': '0', 'Retry-After': '7 ', 'Ratelimit-Time-Units': ' Minutes ' })).toEqual({
      limit: 10,
      remaining: 0,
      unit: 'minutes',
      retryAfterSeconds: 7
    })
    for (const bad of ['', ' ', '1e3', '0x10', '10abc', 'x10', '10.5', '-3']) {
      expect(parseRateLimitHeaders({ 'Ratelimit-Limit': bad }).limit, bad).toBeNull()
    }
    for (const bad of ['10seconds', 'seconds;w=1', 'per minute', '']) expect(parseRateLimitHeaders({ 'Ratelimit-Time-Units': bad }).unit, bad).toBeNull()
    // Header objects may hold undefined for a header that is not there: it is skipped, never read as the value.
    expect(parseRateLimitHeaders({ 'ratelimit-limit': '5', 'RateLimit-Limit': undefined }).limit).toBe(5)
  })

  it('parseTtl: an array holding a number is not a number', () => {
    expect(parseTtl([120])).toBeNull()
    expect(parseTtl(' 120 ')).toBe(120)
  })

  it('parseAppList: ids lower-cased, blank or missing names fall back to the id, long names cut, development mode only when true', () => {
    const long = 'N'.repeat(150)
    const apps = parseAppList(
      JSON.stringify([
        { id: 'AAAA', name: ' Chat ', developmentMode: true },
        { id: 'bbbb', name: '   ', developmentMode: 'true' },
        { id: 'cccc', name: 42 },
        { id: 'dddd', name: long, developmentMode: false },
        { id: '', name: 'no id' },
        { id: 7, name: 'numeric id' },
        'eeee',
        null
      ])
    )
    expect(apps).toEqual([
      { id: 'aaaa', name: 'Chat', developmentMode: true },
      { id: 'bbbb', name: 'bbbb', developmentMode: false },
      { id: 'cccc', name: 'cccc', developmentMode: false },
      { id: 'dddd', name: 'N'.repeat(100), developmentMode: false }
    ])
  })

  it('parseAppList: a body that is not a list is UPSTREAM_BAD_RESPONSE naming the purpose', () => {
    for (const text of ['<html>', '{"apps":[]}']) {
      let caught: unknown = null
      try {
        parseAppList(text, 'Respoke app list')
      } catch (error) {
        caught = error
      }
      expect((caught as AppError).toData()).toEqual({
        code: 'UPSTREAM_BAD_RESPONSE',
        message: "Respoke app list: the server's answer is not a list of apps.",
        details: { purpose: 'Respoke app list' }
      })
    }
  })
})

describe('Respoke provider: admin login answers', () => {
  it('hands the password to the client as a secret, and takes a 201 as a login', async () => {
    const { ctx, requests } = scripted({ status: 201, body: { token: 'ADMIN-TOKEN-1' } })
    const token = await respokeProvider.issue('admin-login', input(), ctx)
    expect(token.value).toBe('ADMIN-TOKEN-1')
    expect(requests[0]).toMatchObject({ method: 'POST', url: 'https://api.respoke.test/v1/admin-sessions', secrets: [PASSWORD], retry: 'safe' })
  })

  it('a 200 whose body is JSON but not an object is "not Respoke JSON", with the status', async () => {
    const { ctx } = scripted({ status: 200, body: '"ok"' })
    const error = await failure(respokeProvider.issue('admin-login', input(), ctx))
    expect(error.toData()).toEqual({
      code: 'UPSTREAM_BAD_RESPONSE',
      message: "Respoke admin login: the server's answer is not Respoke JSON. Check the base URL (it ends in /v1).",
      details: { purpose: 'Respoke admin login', status: 200 }
    })
  })

  it('a wrong password points at both fields; a 400 and a 404 carry status and purpose', async () => {
    const wrong = await failure(respokeProvider.issue('admin-login', input(), scripted({ status: 401, body: { error: 'Invalid credentials' } }).ctx))
    expect(wrong.details).toEqual({ status: 401, purpose: 'Respoke admin login', fields: { username: 'Check the user name.', password: 'Check the password.' } })
    const incomplete = await failure(respokeProvider.issue('admin-login', input(), scripted({ status: 400, body: { error: 'username is required' } }).ctx))
    expect(incomplete.details).toEqual({ status: 400, purpose: 'Respoke admin login' })
    expect(incomplete.message).toBe('Respoke admin login: Respoke refused the request as incomplete. Respoke said: "username is required".')
  })

  it('a suspension says so with its reason trimmed and cut to 100 characters, whatever else the details hold', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ message: 'Account suspended', reason: '  unpaid invoice  ' }, 'unpaid invoice'],
      [{ message: 'Account suspended', reason: 42 }, 'suspended'],
      [{ reason: `suspended: ${'x'.repeat(150)}` }, `suspended: ${'x'.repeat(150)}`.slice(0, 100)]
    ]
    for (const [details, reason] of cases) {
      const error = await failure(respokeProvider.issue('admin-login', input(), scripted(suspended(details)).ctx))
      expect(error.toData()).toEqual({
        code: 'AUTH_REJECTED',
        message: `Respoke admin login: Respoke has suspended this account (${reason}). Resolve it in the Respoke portal.`,
        details: { status: 401, purpose: 'Respoke admin login' }
      })
    }
  })

  it('a 401 whose body is not JSON (a proxy page) is a wrong password, not a suspension', async () => {
    const error = await failure(respokeProvider.issue('admin-login', input(), scripted({ status: 401, body: '<html>Unauthorized</html>' }).ctx))
    expect(error.message).toBe('Respoke rejected the user name or password. Check both in the account settings.')
  })

  it('only a 401 can be a suspension: a 403 with the same details is a refusal of the credentials', async () => {
    const error = await failure(respokeProvider.issue('admin-login', input(), scripted({ status: 403, body: { details: { message: 'suspended', reason: 'fraud' } } }).ctx))
    expect(error.code).toBe('AUTH_REJECTED')
    expect(error.message).not.toContain('suspended this account')
    expect(error.message).toContain('(HTTP 403)')
  })

  it('a 404 on the admin route names the other route and the field', async () => {
    const error = await failure(respokeProvider.issue('admin-login', input(), scripted({ status: 404, body: '' }).ctx))
    expect(error.details).toEqual({ status: 404, purpose: 'Respoke admin login', fields: { adminLoginRoute: 'Try adminsessions (legacy).' } })
  })
})

describe('Respoke provider: tokenId and session answers', () => {
  it('sends the App ID, endpoint and Role ID trimmed, leaves out an empty Role ID, and hands each credential over as a secret', async () => {
    const { ctx, requests } = scripted({ status: 201, body: { tokenId: TOKEN_ID } }, { status: 201, body: { token: APP_TOKEN } })
    const token = await respokeProvider.issue('app-session', input(app({ appId: ` ${APP_ID} `, endpointId: ' desk-1 ', roleId: '   ' })), ctx)
    expect(token.value).toBe(APP_TOKEN)
    expect(requests[0]).toMatchObject({ url: 'https://api.respoke.test/v1/tokens', secrets: [APP_SECRET] })
    expect(JSON.parse(requests[0]!.body!)).toEqual({ appId: APP_ID, endpointId: 'desk-1', ttl: 3600 })
    expect(requests[1]).toMatchObject({ url: 'https://api.respoke.test/v1/session-tokens', secrets: [TOKEN_ID], retry: 'unsent-only' })

    const again = scripted({ status: 200, body: { tokenId: TOKEN_ID } }, { status: 200, body: { token: APP_TOKEN } })
    await respokeProvider.issue('app-session', input(app({ roleId: ' 56BD864A-3474-4D41-A3E7-1577078B63D5 ' })), again.ctx)
    expect(JSON.parse(again.requests[0]!.body!)).toEqual({ appId: APP_ID, endpointId: 'tokendesk', roleId: '56BD864A-3474-4D41-A3E7-1577078B63D5', ttl: 3600 })
  })

  it('a tokenId without expiryTime expires ttl seconds after the request', async () => {
    const token = await respokeProvider.issue('token-id', input(app()), scripted({ status: 200, body: { tokenId: TOKEN_ID } }).ctx)
    expect(token.expiry).toEqual({ source: 'ttl', kind: 'seconds', seconds: 3600 })
  })

  it('tokenId refusals: each names its fields, status and purpose', async () => {
    const purpose = 'Respoke tokenId for app Chat'
    const cases: Array<[Answer, Record<string, unknown>]> = [
      [{ status: 403, body: { error: 'forbidden' } }, { status: 403, purpose, fields: { appId: 'Check the App ID.', appSecret: 'Check the App-Secret.' } }],
      [{ status: 404, body: { error: 'App not found' } }, { status: 404, purpose, fields: { appId: 'No such app.' } }],
      [{ status: 400, body: { error: 'endpointId too long' } }, { status: 400, purpose }]
    ]
    for (const [answer, details] of cases) {
      const error = await failure(respokeProvider.issue('token-id', input(app()), scripted(answer).ctx))
      expect(error.details).toEqual(details)
    }
  })

  it('a suspension on the tokenId route is a suspension, not a wrong App-Secret', async () => {
    const error = await failure(respokeProvider.issue('token-id', input(app()), scripted(suspended({ message: 'Account suspended', reason: 'abuse' })).ctx))
    expect(error.code).toBe('AUTH_REJECTED')
    expect(error.message).toBe('Respoke tokenId for app Chat: Respoke has suspended this account (abuse). Resolve it in the Respoke portal.')
  })

  it('a server error that mentions a role is a server error, not a missing Role ID', async () => {
    const error = await failure(respokeProvider.issue('token-id', input(app()), scripted({ status: 500, body: { error: 'role cache unavailable' } }).ctx))
    expect(error.code).toBe('UPSTREAM_ERROR')
    expect(error.message).toContain('the server failed (HTTP 500)')
  })

  it('the App-Secret error names the app by name and App ID, or once when the name is the App ID', async () => {
    const error = await failure(respokeProvider.issue('token-id', input(app({ appId: APP_ID }, 'Chat')), scripted({ status: 401, body: {} }).ctx))
    expect(error.message).toContain(`app Chat (${APP_ID}).`)
    const same = await failure(respokeProvider.issue('token-id', input({ ...app({ appId: APP_ID }), name: APP_ID }), scripted({ status: 401, body: {} }).ctx))
    expect(same.message).toContain(`app ${APP_ID}.`)
  })

  it('a session exchange failing otherwise than 401/404 is the common sentence, not a refused tokenId', async () => {
    const { ctx } = scripted({ status: 200, body: { tokenId: TOKEN_ID } }, { status: 500, body: { error: 'boom' } })
    const error = await failure(respokeProvider.issue('app-session', input(app()), ctx))
    expect(error.code).toBe('UPSTREAM_ERROR')
    expect(error.message).toBe('Respoke session for app Chat: the server failed (HTTP 500). Try again later. The server said: "boom".')
  })

  it('an app flow without an app, an unknown flow and a kind that cannot be revoked name what was asked', async () => {
    expect((await failure(respokeProvider.issue('token-id', input(), scripted().ctx))).details).toEqual({ flow: 'token-id' })
    expect((await failure(respokeProvider.issue('magic', input(), scripted().ctx))).details).toEqual({ flow: 'magic' })
    const held: HeldToken = { flow: 'admin-login', kind: 'Admin-Token', value: 'ADMIN-TOKEN-1', refreshValue: null }
    expect((await failure(respokeProvider.revoke!(held, input(), scripted().ctx))).details).toEqual({ kind: 'Admin-Token' })
  })

  it('revoke hands the App-Token over as a secret', async () => {
    const { ctx, requests } = scripted({ status: 204 })
    const held: HeldToken = { flow: 'app-session', kind: 'App-Token', value: APP_TOKEN, refreshValue: null }
    await respokeProvider.revoke!(held, input(), ctx)
    expect(requests[0]).toMatchObject({ method: 'DELETE', secrets: [APP_TOKEN] })
  })
})

describe('Respoke provider: test login answers', () => {
  it('with an app: the lifetime asked for when the server grants none, no expiryTime fact without one, and the time taken', async () => {
    const { ctx } = scripted({ status: 200, body: { tokenId: TOKEN_ID } })
    const check = await respokeProvider.testLogin!(input(app({ ttl: 7200 })), ctx)
    expect(check.message).toBe('App-Secret accepted for app Chat; Respoke issued a tokenId (not used) for a 2 h session.')
    expect(check.facts).toEqual([`tokenId (opaque, ${TOKEN_ID.length} characters)`, 'endpoint tokendesk'])
    expect(check.ms).toBe(7)
  })

  it('without an app: the app list refused with the fresh Admin-Token is AUTH_REJECTED; a suspension there says so', async () => {
    const refused = scripted({ status: 200, body: { token: 'ADMIN-TOKEN-1' } }, { status: 401, body: { error: 'Unauthorized' } })
    const error = await failure(respokeProvider.testLogin!(input(), refused.ctx))
    expect(error.toData()).toEqual({
      code: 'AUTH_REJECTED',
      message: 'Respoke app list: Respoke refused the fresh Admin-Token. Try again; if it persists, the account may lack access to apps.',
      details: { status: 401, purpose: 'Respoke app list' }
    })
    expect(refused.requests[1]).toMatchObject({ method: 'GET', url: 'https://api.respoke.test/v1/apps', secrets: ['ADMIN-TOKEN-1'] })

    const suspension = scripted({ status: 200, body: { token: 'ADMIN-TOKEN-1' } }, suspended({ message: 'Account suspended', reason: 'unpaid' }))
    expect((await failure(respokeProvider.testLogin!(input(), suspension.ctx))).message).toBe(
      'Respoke app list: Respoke has suspended this account (unpaid). Resolve it in the Respoke portal.'
    )
  })

  it('without an app: the time taken', async () => {
    const { ctx } = scripted({ status: 200, body: { token: 'ADMIN-TOKEN-1' } }, { status: 200, body: [] })
    const check = await respokeProvider.testLogin!(input(), ctx)
    expect(check.message).toBe('Logged in as admin@example.com; 0 apps visible.')
    expect(check.ms).toBe(7)
  })

  it('a 404 from any route carries status and purpose', async () => {
    const { ctx } = scripted({ status: 200, body: { token: 'ADMIN-TOKEN-1' } }, { status: 404, body: { error: 'no route' } })
    const error = await failure(respokeProvider.testLogin!(input(), ctx))
    expect(error.toData()).toEqual({
      code: 'UPSTREAM_ERROR',
      message: 'Respoke app list: the server has no such route (HTTP 404). Respoke said: "no route".',
      details: { status: 404, purpose: 'Respoke app list', fix: 'Check the base URL (it ends in /v1).' }
    })
  })
})
