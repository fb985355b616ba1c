import fc from 'fast-check'
import { decodeJwt } from 'jose'
import { describe, expect, it } from 'vitest'
import { AppError, ERROR_CODES } from '../../shared/errors'
import { PLAY_OXYGEN_DEMO } from '../../sandbox/demo-data'
import { json, patchSettings, useSandbox } from '../../sandbox/test-support'
import { createHttpClient, type HttpResponse } from '../http/client'
import { quietLog } from '../testing/provider-context'
import { playOxygenLoginError, playOxygenProvider } from './play-oxygen'
import type { CredentialSet, FlowInput, ProviderContext } from './provider'

const sandbox = useSandbox()

const ctx = (): ProviderContext => ({ http: createHttpClient({ log: quietLog }), log: quietLog, now: Date.now })

const [DEMO_1001, DEMO_1002] = PLAY_OXYGEN_DEMO.clients as [(typeof PLAY_OXYGEN_DEMO.clients)[number], (typeof PLAY_OXYGEN_DEMO.clients)[number]]
const ALL_SECRETS = PLAY_OXYGEN_DEMO.clients.flatMap((client) => [client.apiKey, client.secret])
const LOGIN_ROUTE = '/play-oxygen/api/auth/session/:client_id'

function account(baseUrl?: string): CredentialSet {
  return { id: 'acc', name: 'Demo Play Oxygen', fields: { baseUrl: baseUrl ?? sandbox.sandbox.ready.baseUrls.playOxygen }, secrets: {} }
}

function client(clientId: string, apiKey: string | undefined, secret: string | undefined): CredentialSet {
  const secrets: Record<string, string> = {}
  if (apiKey !== undefined) secrets.apiKey = apiKey
  if (secret !== undefined) secrets.secret = secret
  return { id: 'app', name: `Client ${clientId}`, fields: { clientId }, secrets }
}

const demoClient = (): CredentialSet => client(DEMO_1001.clientId, DEMO_1001.apiKey, DEMO_1001.secret)
const input = (app: CredentialSet | null, acc: CredentialSet = account()): FlowInput => ({ account: acc, app })

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(AppError)
    const serialized = JSON.stringify({ message: (error as AppError).message, data: (error as AppError).toData() })
    for (const secret of ALL_SECRETS) expect(serialized).not.toContain(secret)
    return error as AppError
  }
  throw new Error('expected a rejection')
}

function answer(status: number, body: string, contentType = 'application/json'): HttpResponse {
  return {
    status,
    headers: { 'content-type': contentType },
    body,
    url: 'http://127.0.0.1/api/auth/session/1001',
    sentAt: 0,
    receivedAt: 0,
    skewMs: null,
    json: () => JSON.parse(body) as unknown
  }
}

async function addFault(fault: Record<string, unknown>): Promise<void> {
  const response = await fetch(sandbox.url('/__sandbox/faults'), json(fault))
  expect(response.status).toBe(201)
}

describe('Play Oxygen: what the form shows', () => {
  it('one server per account, clients with an ID, an API key and a secret, one primary flow', () => {
    const { info } = playOxygenProvider
    expect(info.appNoun).toBe('client')
    expect(info.accountFields.map((field) => field.name)).toEqual(['baseUrl', 'allowInsecureHttp'])
    expect(info.accountFields[0]?.placeholder).toBe('http://localhost:4000')
    expect(info.appFields.map((field) => [field.name, field.kind, field.required])).toEqual([
      ['clientId', 'text', true],
      ['apiKey', 'secret', true],
      ['secret', 'secret', true]
    ])
    expect(info.flows).toEqual([expect.objectContaining({ id: 'session', target: 'app', produces: 'token', primary: true })])
    const pattern = new RegExp(info.appFields[0]!.validation!.pattern!)
    expect(pattern.test('1001')).toBe(true)
    expect(pattern.test('10/01')).toBe(false)
  })
})

describe('Play Oxygen: issuing', () => {
  it('issues an HS512 JWT whose expiry is its exp claim, honouring nbf', async () => {
    await patchSettings(sandbox, { lifetimes: { playOxygenTokenSeconds: 120 } })
    const issued = await playOxygenProvider.issue('session', input(demoClient()), ctx())
    const claims = decodeJwt(issued.value)
    expect(issued.kind).toBe('JWT')
    expect(issued.format).toBe('jwt')
    expect(issued.expiry).toEqual({ source: 'jwt-exp', kind: 'server-time', atMs: (claims.exp as number) * 1000 })
    expect(issued.notBeforeMs).toBe((claims.nbf as number) * 1000)
    expect(issued.notBeforeMs).toBe(((claims.iat as number) - 1) * 1000)
    // Server time = ours here: the token dies 120 s after it was asked for (within the second the claims are rounded to).
    expect(Math.abs((claims.exp as number) * 1000 - (issued.sentAt + 120_000))).toBeLessThanOrEqual(1500)
    expect(issued.header).toEqual({ name: 'Authorization', prefix: 'Bearer ' })
    expect(issued.renewal).toBe('reissue')
    expect(issued.revocable).toBe(false)
    expect(issued.refresh).toBeNull()
  })

  it('the token opens the client’s protected routes', async () => {
    const issued = await playOxygenProvider.issue('session', input(demoClient()), ctx())
    const response = await fetch(sandbox.url(`/play-oxygen/api/${DEMO_1001.clientId}/${DEMO_1001.apiKey}/customer`), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `${issued.header.prefix}${issued.value}` },
      body: JSON.stringify({ client_unique_customer_id: 'c-1' })
    })
    expect(response.status).toBe(200)
  })

  it('each client gets its own token (subject = client ID)', async () => {
    const issued = await playOxygenProvider.issue('session', input(client(DEMO_1002.clientId, DEMO_1002.apiKey, DEMO_1002.secret)), ctx())
    expect(decodeJwt(issued.value).sub).toBe('1002')
  })

  it('a server clock that is an hour ahead: the skew is measured, the expiry stays on the server clock', async () => {
    await patchSettings(sandbox, { clockOffsetSeconds: 3600, lifetimes: { playOxygenTokenSeconds: 600 } })
    const issued = await playOxygenProvider.issue('session', input(demoClient()), ctx())
    expect(issued.skewMs).not.toBeNull()
    expect(Math.abs((issued.skewMs as number) - 3_600_000)).toBeLessThan(2000)
    const atMs = (issued.expiry as { atMs: number }).atMs
    // Corrected by the skew, the token lives 600 s from when we asked.
    expect(Math.abs(atMs - (issued.skewMs as number) - (issued.sentAt + 600_000))).toBeLessThan(2000)
  })

  it('the client ID is sent trimmed; an empty one → VALIDATION_FAILED on the field, nothing sent', async () => {
    const issued = await playOxygenProvider.issue('session', input(client(' 1001 ', DEMO_1001.apiKey, DEMO_1001.secret)), ctx())
    expect(decodeJwt(issued.value).sub).toBe('1001')
    await fetch(sandbox.url('/__sandbox/counters'), { method: 'DELETE' })
    const error = await rejection(playOxygenProvider.issue('session', input(client('  ', DEMO_1001.apiKey, DEMO_1001.secret)), ctx()))
    expect(error.code).toBe('VALIDATION_FAILED')
    expect(error.details).toEqual({ fields: { clientId: 'Client ID is required.' } })
    const counters = (await (await fetch(sandbox.url('/__sandbox/counters'))).json()) as Record<string, number>
    expect(counters[`POST ${LOGIN_ROUTE}`]).toBeUndefined()
  })

  it('a 201 Created with the token is a login too; a token that is not a JWT is kept as opaque with an unknown expiry', async () => {
    await addFault({ path: LOGIN_ROUTE, respond: { kind: 'status', status: 201, body: { token: 'opaque-session-0123456789' } } })
    const issued = await playOxygenProvider.issue('session', input(demoClient()), ctx())
    expect(issued.value).toBe('opaque-session-0123456789')
    expect(issued.format).toBe('opaque')
    expect(issued.expiry).toEqual({ source: 'unknown', kind: 'unknown' })
    expect(issued.notBeforeMs).toBeNull()
    const check = await playOxygenProvider.testLogin(input(demoClient()), ctx())
    expect(check.message).toBe('Client 1001 accepted; the token carries no expiry.')
    expect(check.facts).toEqual(['JWT (not a JWT, 25 characters)', 'header: Authorization: Bearer …'])
  })

  it('an unknown flow → FLOW_NOT_SUPPORTED; no client → VALIDATION_FAILED', async () => {
    expect((await rejection(playOxygenProvider.issue('refresh', input(demoClient()), ctx()))).code).toBe('FLOW_NOT_SUPPORTED')
    expect((await rejection(playOxygenProvider.issue('session', input(null), ctx()))).code).toBe('VALIDATION_FAILED')
  })
})

describe('Play Oxygen: errors as sentences', () => {
  it('a wrong secret → CLIENT_REJECTED naming the client', async () => {
    const error = await rejection(playOxygenProvider.issue('session', input(client('1001', DEMO_1001.apiKey, 'wrong-secret-value')), ctx()))
    expect(error.code).toBe('CLIENT_REJECTED')
    expect(error.message).toBe("Play Oxygen rejected client 1001's api_key or secret.")
  })

  it('an API key of another client → CLIENT_REJECTED', async () => {
    const error = await rejection(playOxygenProvider.issue('session', input(client('1001', DEMO_1002.apiKey, DEMO_1002.secret)), ctx()))
    expect(error.message).toBe("Play Oxygen rejected client 1001's api_key or secret.")
  })

  it('the 401 body is undocumented: a plain-text one is the same sentence', async () => {
    await patchSettings(sandbox, { playOxygen: { loginUnauthorized: { status: 401, body: 'Unauthorized' } } })
    const error = await rejection(playOxygenProvider.issue('session', input(client('1001', 'po2_wrong_key', 'wrong-secret-value')), ctx()))
    expect(error.code).toBe('CLIENT_REJECTED')
  })

  it('a missing secret → VALIDATION_FAILED before anything is sent', async () => {
    await fetch(sandbox.url('/__sandbox/counters'), { method: 'DELETE' })
    const error = await rejection(playOxygenProvider.issue('session', input(client('1001', DEMO_1001.apiKey, undefined)), ctx()))
    expect(error.code).toBe('VALIDATION_FAILED')
    expect(error.details?.fields).toHaveProperty('secret')
    const counters = (await (await fetch(sandbox.url('/__sandbox/counters'))).json()) as Record<string, number>
    expect(counters[`POST ${LOGIN_ROUTE}`]).toBeUndefined()
  })

  it('422 with source pointers → VALIDATION_FAILED naming the fields', async () => {
    await addFault({
      path: LOGIN_ROUTE,
      respond: {
        kind: 'status',
        status: 422,
        body: { errors: [{ title: 'Invalid value', source: { pointer: '/api_key' }, detail: 'Missing field: api_key' }] }
      }
    })
    const error = await rejection(playOxygenProvider.issue('session', input(demoClient()), ctx()))
    expect(error.code).toBe('VALIDATION_FAILED')
    expect(error.message).toBe('Play Oxygen refused the login of client 1001: the API key is missing or invalid. Edit the client and enter it.')
    expect(error.details?.fields).toEqual({ apiKey: 'Missing field: api_key' })
  })

  it('a 404 for an unknown client (when the server says so) → CLIENT_REJECTED about the client ID', async () => {
    await patchSettings(sandbox, { playOxygen: { loginUnauthorized: { status: 404, body: { errors: { detail: 'Not Found' } } } } })
    const error = await rejection(playOxygenProvider.issue('session', input(client('4242', 'po2_x_123456', 'secret-4242')), ctx()))
    expect(error.code).toBe('CLIENT_REJECTED')
    expect(error.message).toBe(
      "Play Oxygen does not know client 4242 (HTTP 404). Check the client ID. Check the base URL too if every client gets this: it is the server's root, without /api."
    )
  })

  it.each([
    ['another API', '/keycloak-proxy'],
    ['the bare origin', ''],
    ['a path under Play Oxygen', '/play-oxygen/v2']
  ])('a base URL pointing at %s → "Check the base URL"', async (_name, path) => {
    const error = await rejection(playOxygenProvider.issue('session', input(demoClient(), account(sandbox.url(path))), ctx()))
    expect(error.message).toContain('Check the base URL')
  })

  it('a 200 that is not JSON → UPSTREAM_BAD_RESPONSE, check the base URL', async () => {
    await addFault({ path: LOGIN_ROUTE, respond: { kind: 'status', status: 200, rawBody: '<html>welcome</html>', contentType: 'text/html' } })
    const error = await rejection(playOxygenProvider.issue('session', input(demoClient()), ctx()))
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE')
    expect(error.message).toContain('Check the base URL')
  })

  it('a 200 without a token → UPSTREAM_BAD_RESPONSE naming it', async () => {
    await addFault({ path: LOGIN_ROUTE, respond: { kind: 'status', status: 200, body: { jwt: 'x' } } })
    const error = await rejection(playOxygenProvider.issue('session', input(demoClient()), ctx()))
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE')
    expect(error.message).toContain('"token"')
  })

  it('a server failure → UPSTREAM_ERROR; a long rate limit → RATE_LIMITED', async () => {
    await addFault({ path: LOGIN_ROUTE, respond: { kind: 'status', status: 500, body: { errors: { detail: 'Internal Server Error' } } } })
    expect((await rejection(playOxygenProvider.issue('session', input(demoClient()), ctx()))).code).toBe('UPSTREAM_ERROR')
    await fetch(sandbox.url('/__sandbox/faults'), { method: 'DELETE' })
    await addFault({ path: LOGIN_ROUTE, respond: { kind: 'rateLimit', retryAfterSeconds: 120 } })
    expect((await rejection(playOxygenProvider.issue('session', input(demoClient()), ctx()))).code).toBe('RATE_LIMITED')
  })

  it('422 naming both members → both fields, in the plural; unknown members and entries without a pointer as the server said', async () => {
    await addFault({
      path: LOGIN_ROUTE,
      respond: {
        kind: 'status',
        status: 422,
        body: {
          errors: [
            { title: 'Invalid value', source: { pointer: '/api_key' }, detail: 'Missing field: api_key' },
            { title: 'Invalid value', detail: 'no pointer: not a field' },
            'not an object',
            { title: 'Invalid value', source: { pointer: '/secret' } }
          ]
        }
      }
    })
    const error = await rejection(playOxygenProvider.issue('session', input(demoClient()), ctx()))
    expect(error.code).toBe('VALIDATION_FAILED')
    expect(error.message).toBe('Play Oxygen refused the login of client 1001: the API key and Secret are missing or invalid. Edit the client and enter them.')
    // A member without a detail still names the field, with a neutral word.
    expect(error.details).toEqual({ status: 422, purpose: 'Play Oxygen login', fields: { apiKey: 'Missing field: api_key', secret: 'Invalid value' } })
  })

  it('422 about a member we do not know: named as the server wrote it, its detail echoed without credentials', () => {
    const body = JSON.stringify({ errors: [{ source: { pointer: '/client_id' }, detail: `client_id is not an integer (${DEMO_1001.secret})` }] })
    const error = playOxygenLoginError(answer(422, body), '1001', [DEMO_1001.apiKey, DEMO_1001.secret])
    expect(error.code).toBe('VALIDATION_FAILED')
    expect(error.message).toBe('Play Oxygen refused the login of client 1001: the client_id is missing or invalid. Edit the client and enter it.')
    expect(error.details?.fields).toEqual({ client_id: 'client_id is not an integer ([redacted])' })
  })

  it('422 without any source pointer → the common sentence with the server\'s words, not a field', () => {
    const error = playOxygenLoginError(answer(422, '{"errors":{"detail":"Unprocessable Entity"}}'), '1001', [])
    expect(error.code).toBe('UPSTREAM_ERROR')
    expect(error.message).toBe('Play Oxygen login failed with HTTP 422. The server said: "Unprocessable Entity".')
  })

  it('a 404 that is not Phoenix JSON is a wrong address, not an unknown client', () => {
    for (const [body, contentType] of [
      ['{"errors":{"detail":"Not Found"}}', 'text/plain'],
      ['{"message":"no route"}', 'application/json'],
      ['<html>Not Found</html>', 'text/html']
    ] as const) {
      const error = playOxygenLoginError(answer(404, body, contentType), '1001', [])
      expect(error.code, body).toBe('UPSTREAM_BAD_RESPONSE')
      expect(error.details?.fields).toEqual({ baseUrl: 'Check the base URL.' })
    }
  })

  it('an answer that is not JSON: below 500 (and not 429) → a wrong address; a 5xx or a 429 → the common sentence', () => {
    const proxyPage = playOxygenLoginError(answer(400, '<html>Bad Request</html>', 'text/html'), '1001', [])
    expect(proxyPage.code).toBe('UPSTREAM_BAD_RESPONSE')
    expect(proxyPage.message).toBe("Play Oxygen login: the server's answer (HTTP 400) is not Play Oxygen JSON. Check the base URL.")
    expect(playOxygenLoginError(answer(502, '<html>Bad Gateway</html>', 'text/html'), '1001', []).code).toBe('UPSTREAM_ERROR')
    expect(playOxygenLoginError(answer(429, 'Too Many Requests', 'text/plain'), '1001', []).code).toBe('RATE_LIMITED')
    expect(playOxygenLoginError(answer(499, '<html>x</html>', 'text/html'), '1001', []).code).toBe('UPSTREAM_BAD_RESPONSE')
    expect(playOxygenLoginError(answer(500, '<html>x</html>', 'text/html'), '1001', []).code).toBe('UPSTREAM_ERROR')
  })

  it('property: any failed answer → an AppError with a known code and no credential in it', () => {
    const apiKey = 'po2_Secret_Key_0001'
    const secret = 'sandbox_Secret_0001'
    const echoing = fc.string({ maxLength: 80 }).chain((text) => fc.constantFrom(`${text}${apiKey}`, `${secret}${text}`, text))
    const bodies = fc.oneof(
      fc.json(),
      echoing.map((text) => JSON.stringify({ errors: { detail: text } })),
      fc.tuple(echoing, echoing).map(([pointer, detail]) => JSON.stringify({ errors: [{ source: { pointer: `/${pointer}` }, detail }] })),
      echoing.map((text) => JSON.stringify({ message: text })),
      echoing
    )
    fc.assert(
      fc.property(fc.integer({ min: 300, max: 599 }), bodies, fc.constantFrom('application/json', 'text/plain'), (status, body, contentType) => {
        const error = playOxygenLoginError(answer(status, body, contentType), '1001', [apiKey, secret])
        expect(error).toBeInstanceOf(AppError)
        expect(ERROR_CODES).toContain(error.code)
        const serialized = JSON.stringify({ message: error.message, data: error.toData() })
        expect(serialized).not.toContain(apiKey)
        expect(serialized).not.toContain(secret)
      }),
      { numRuns: 400 }
    )
  })
})

describe('Play Oxygen: test login', () => {
  it('with a client: issues once and reports the lifetime from the claims', async () => {
    const check = await playOxygenProvider.testLogin(input(demoClient()), ctx())
    expect(check.message).toBe('Client 1001 accepted; token valid for 28 days.')
    expect(check.facts[0]).toMatch(/^JWT \(HS512, \d+ characters\)$/)
    expect(check.ms).toBeGreaterThanOrEqual(0)
  })

  it('with a shorter lifetime the sentence follows the server', async () => {
    await patchSettings(sandbox, { lifetimes: { playOxygenTokenSeconds: 3600 } })
    expect((await playOxygenProvider.testLogin(input(demoClient()), ctx())).message).toBe('Client 1001 accepted; token valid for 1 h.')
  })

  it('without a client: proves the server answers and asks for a client', async () => {
    const check = await playOxygenProvider.testLogin(input(null), ctx())
    expect(check.message).toBe('The Play Oxygen server answers. Add a client (client ID, API key and secret) to issue tokens.')
    expect(check.facts).toEqual(['POST api/auth/session/tokendesk-check without credentials → HTTP 422'])
  })

  it('without a client: a server that answers the empty login with 401 JSON is a Play Oxygen server too', async () => {
    await addFault({ path: LOGIN_ROUTE, respond: { kind: 'status', status: 401, body: { errors: { detail: 'Unauthorized' } } } })
    const check = await playOxygenProvider.testLogin(input(null), ctx())
    expect(check.facts).toEqual(['POST api/auth/session/tokendesk-check without credentials → HTTP 401'])
  })

  it('without a client: a 422 that is not JSON is not Play Oxygen; a server failure is the common sentence', async () => {
    await addFault({ path: LOGIN_ROUTE, respond: { kind: 'status', status: 422, rawBody: 'Unprocessable', contentType: 'text/plain' }, times: 1 })
    const notJson = await rejection(playOxygenProvider.testLogin(input(null), ctx()))
    expect(notJson.code).toBe('UPSTREAM_BAD_RESPONSE')
    expect(notJson.message).toBe(
      "Play Oxygen check: the server at this address is not a Play Oxygen server (HTTP 422). Check the base URL: it is the server's root, without /api."
    )
    expect(notJson.details).toEqual({ status: 422, fields: { baseUrl: 'Check the base URL.' } })
    await addFault({ path: LOGIN_ROUTE, respond: { kind: 'status', status: 500, body: { errors: { detail: 'Internal Server Error' } } } })
    const failed = await rejection(playOxygenProvider.testLogin(input(null), ctx()))
    expect(failed.code).toBe('UPSTREAM_ERROR')
    expect(failed.message).toBe('Play Oxygen check: the server failed (HTTP 500). Try again later. The server said: "Internal Server Error".')
  })

  it('without a client: a JSON 404 is a wrong address', async () => {
    await addFault({ path: LOGIN_ROUTE, respond: { kind: 'status', status: 404, body: { errors: { detail: 'Not Found' } } } })
    const error = await rejection(playOxygenProvider.testLogin(input(null), ctx()))
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE')
    expect(error.message).toContain('(HTTP 404)')
  })

  it('without a client, at a wrong address: "Check the base URL"', async () => {
    const error = await rejection(playOxygenProvider.testLogin(input(null, account(sandbox.url('/pocketpaw'))), ctx()))
    expect(error.message).toContain('Check the base URL')
  })

  it('a rejected client fails the test with the same sentence', async () => {
    const error = await rejection(playOxygenProvider.testLogin(input(client('1001', DEMO_1001.apiKey, 'nope-nope-nope')), ctx()))
    expect(error.message).toBe("Play Oxygen rejected client 1001's api_key or secret.")
  })
})
