import { SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { AppError } from '../../shared/errors'
import type { HttpResponse } from '../http/client'
import {
  baseUrlField,
  insecureAllowed,
  joinUrl,
  jsonObject,
  jwtExpiry,
  looksLikeJwt,
  requiredSecret,
  requireString,
  serverMessage,
  stringField,
  unexpectedStatus
} from './common'
import type { CredentialSet } from './provider'

/**
 * The helpers every provider uses to turn an answer into a sentence. The answers below are the
 * error bodies the four APIs really send (seed-apis.md §0): Respoke `{"error"}`, PocketPaw
 * `{"detail"}`, Phoenix `{"errors":{"detail"}}`, OpenApiSpex `{"errors":[{"detail"}]}`,
 * Keycloak `{error, error_description}`, ASP.NET Web API `{"Message"}`.
 */

function answer(status: number, body: string, headers: Record<string, string> = {}): HttpResponse {
  return {
    status,
    headers,
    body,
    url: 'https://api.example.test/v1/tokens',
    sentAt: 0,
    receivedAt: 0,
    skewMs: null,
    json: () => JSON.parse(body) as unknown
  }
}

const account = (fields: CredentialSet['fields'], secrets: CredentialSet['secrets'] = {}): CredentialSet => ({ id: 'a1', name: 'Demo', fields, secrets })

function thrown(run: () => unknown): AppError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(AppError)
    return error as AppError
  }
  throw new Error('expected an AppError')
}

async function jwt(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('a-test-key-of-32-bytes-or-more!!'))
}

describe('form fields', () => {
  it('a base URL field is a required URL; its default only when one is given', () => {
    const plain = baseUrlField('https://api.respoke.io', 'The server.')
    expect(plain).toMatchObject({ name: 'baseUrl', kind: 'url', required: true, placeholder: 'https://api.respoke.io', help: 'The server.' })
    expect('default' in plain).toBe(false)
    expect(baseUrlField('x', 'y', 'https://api.respoke.io').default).toBe('https://api.respoke.io')
  })

  it('plain HTTP to a remote host only when the account ticked it (true, not a truthy string)', () => {
    expect(insecureAllowed(account({ allowInsecureHttp: true }))).toBe(true)
    expect(insecureAllowed(account({ allowInsecureHttp: false }))).toBe(false)
    expect(insecureAllowed(account({ allowInsecureHttp: 'true' }))).toBe(false)
    expect(insecureAllowed(account({}))).toBe(false)
  })

  it('a field value as text: missing is empty, numbers and booleans as written', () => {
    const fields = { a: 'text', n: 1001, b: false }
    expect(stringField(fields, 'a')).toBe('text')
    expect(stringField(fields, 'n')).toBe('1001')
    expect(stringField(fields, 'b')).toBe('false')
    expect(stringField(fields, 'missing')).toBe('')
  })

  it('a secret that is not stored (or stored empty) → VALIDATION_FAILED naming the field, before any request', () => {
    expect(requiredSecret(account({}, { appSecret: 's3cret' }), 'appSecret', 'App secret')).toBe('s3cret')
    for (const secrets of [{}, { appSecret: '' }] as Array<Record<string, string>>) {
      const error = thrown(() => requiredSecret(account({}, secrets), 'appSecret', 'App secret'))
      expect(error.code).toBe('VALIDATION_FAILED')
      expect(error.message).toContain('Demo: App secret is not stored')
      expect(error.details).toEqual({ fields: { appSecret: 'App secret is required.' } })
    }
  })
})

describe('joinUrl', () => {
  it('one slash between base and path, whatever either side has; the base path is kept', () => {
    expect(joinUrl('https://api.respoke.io/v1', 'tokens')).toBe('https://api.respoke.io/v1/tokens')
    expect(joinUrl('https://api.respoke.io/v1///', '//tokens')).toBe('https://api.respoke.io/v1/tokens')
    expect(joinUrl('https://h/a/', 'b/c/')).toBe('https://h/a/b/c/')
  })

  it('only slashes at the joint are removed (not inside the path, not a single character)', () => {
    expect(joinUrl('https://h/a//b', 'c//d')).toBe('https://h/a//b/c//d')
    expect(joinUrl('https://h/ab', 'cd')).toBe('https://h/ab/cd')
  })
})

describe('jwtExpiry and looksLikeJwt', () => {
  it('exp (and nbf) in ms on the server clock', async () => {
    const token = await jwt({ exp: 2_000_000_000, nbf: 1_999_999_000 })
    expect(jwtExpiry(token)).toEqual({ expiry: { source: 'jwt-exp', kind: 'server-time', atMs: 2_000_000_000_000 }, notBeforeMs: 1_999_999_000_000 })
    expect(looksLikeJwt(token)).toBe(true)
  })

  it('no exp → unknown, nbf still read; no nbf → null', async () => {
    expect(jwtExpiry(await jwt({ nbf: 1_999_999_000 }))).toEqual({ expiry: { source: 'unknown', kind: 'unknown' }, notBeforeMs: 1_999_999_000_000 })
    expect(jwtExpiry(await jwt({ exp: 2_000_000_000 })).notBeforeMs).toBeNull()
  })

  it('an exp that is not a number → unknown, never a made-up date', async () => {
    expect(jwtExpiry(await jwt({ exp: '2000000000' })).expiry).toEqual({ source: 'unknown', kind: 'unknown' })
  })

  it('not a JWT at all → unknown and no nbf', () => {
    expect(jwtExpiry('1732000000:abcdef0123')).toEqual({ expiry: { source: 'unknown', kind: 'unknown' }, notBeforeMs: null })
    expect(looksLikeJwt('1732000000:abcdef0123')).toBe(false)
  })

  it('looksLikeJwt: three base64url parts, the signature may be empty, nothing before or after', () => {
    expect(looksLikeJwt('eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.')).toBe(true)
    expect(looksLikeJwt('eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0')).toBe(false)
    expect(looksLikeJwt('Bearer eyJh.eyJz.sig')).toBe(false)
    expect(looksLikeJwt('eyJh.eyJz.sig extra')).toBe(false)
    expect(looksLikeJwt('.eyJz.sig')).toBe(false)
    expect(looksLikeJwt('eyJh..sig')).toBe(false)
  })
})

describe('serverMessage: the server\'s own words from each API\'s error shape', () => {
  it.each([
    ['Respoke', '{"error":"Object \'Roles\' not found."}', "Object 'Roles' not found."],
    ['PocketPaw (FastAPI)', '{"detail":"Invalid master token"}', 'Invalid master token'],
    ['Keycloak', '{"error":"invalid_grant","error_description":"Invalid user credentials"}', 'Invalid user credentials'],
    ['Phoenix', '{"errors":{"detail":"Not Found"}}', 'Not Found'],
    ['OpenApiSpex', '{"errors":[{"title":"Invalid value","source":{"pointer":"/api_key"},"detail":"Missing field: api_key"}]}', 'Missing field: api_key'],
    ['ASP.NET Web API', '{"Message":"The request is invalid."}', 'The request is invalid.'],
    ['a generic JSON API', '{"message":"Too many requests"}', 'Too many requests']
  ])('%s', (_api, body, said) => {
    expect(serverMessage(answer(400, body))).toBe(said)
  })

  it('the most specific text wins: error_description over error, detail over message', () => {
    expect(serverMessage(answer(400, '{"error":"invalid_grant","error_description":"Token is not active"}'))).toBe('Token is not active')
    expect(serverMessage(answer(400, '{"message":"generic","detail":"specific"}'))).toBe('specific')
  })

  it('an errors list whose first entry is not an object does not hide the error member', () => {
    expect(serverMessage(answer(400, '{"error":"Invalid appId.","errors":[null]}'))).toBe('Invalid appId.')
    expect(serverMessage(answer(400, '{"error":"Invalid appId.","errors":["appId is required"]}'))).toBe('Invalid appId.')
  })

  it('blank or non-text candidates are skipped', () => {
    expect(serverMessage(answer(400, '{"error_description":"  ","error":"invalid_client"}'))).toBe('invalid_client')
    expect(serverMessage(answer(400, '{"detail":[{"loc":["body"],"msg":"field required"}],"message":"Unprocessable"}'))).toBe('Unprocessable')
  })

  it('nothing to say → null: not JSON, not an object, no known member, an empty errors list', () => {
    for (const body of ['<html>Bad gateway</html>', '', '"just a string"', 'null', '42', '{"status":"fail"}', '{"errors":[]}', '{"errors":["a"]}', '{"errors":{"title":"x"}}']) {
      expect(serverMessage(answer(500, body)), body).toBeNull()
    }
  })

  it('credentials of 4 characters or more are redacted wherever they appear; shorter ones cannot be told apart from words', () => {
    const said = serverMessage(answer(401, '{"error":"Invalid App-Secret s3cr3t-value for app abc (s3cr3t-value)"}'), ['s3cr3t-value', 'abc'])
    expect(said).toBe('Invalid App-Secret [redacted] for app abc ([redacted])')
    expect(serverMessage(answer(401, '{"error":"key abcd wrong"}'), ['abcd'])).toBe('key [redacted] wrong')
  })

  it('is bounded to 200 characters', () => {
    const said = serverMessage(answer(500, JSON.stringify({ error: 'x'.repeat(500) })))
    expect(said).toHaveLength(200)
  })
})

describe('unexpectedStatus: the fallback sentence', () => {
  it('401 and 403 → AUTH_REJECTED with the status', () => {
    for (const status of [401, 403]) {
      const error = unexpectedStatus(answer(status, '{"error":"nope"}'), 'Respoke app token')
      expect(error.code).toBe('AUTH_REJECTED')
      expect(error.message).toBe(`Respoke app token: the server rejected the credentials (HTTP ${status}). Check them and try again. The server said: "nope".`)
      expect(error.details).toEqual({ status, purpose: 'Respoke app token' })
    }
  })

  it('429 → RATE_LIMITED with Retry-After in seconds when the server gave one', () => {
    const limited = unexpectedStatus(answer(429, '{}', { 'retry-after': '30' }), 'Respoke app token')
    expect(limited.code).toBe('RATE_LIMITED')
    expect(limited.details).toEqual({ status: 429, purpose: 'Respoke app token', retryAfterSeconds: 30 })
    expect(limited.message).toBe('Respoke app token: the server is rate limiting requests; try again in 30 s.')
  })

  it('429 without a usable Retry-After → RATE_LIMITED, no number invented', () => {
    // An HTTP-date Retry-After is not a number of seconds.
    for (const headers of [{}, { 'retry-after': 'Wed, 21 Oct 2026 07:28:00 GMT' }] as Array<Record<string, string>>) {
      const limited = unexpectedStatus(answer(429, 'slow down', headers), 'Login')
      expect(limited.code).toBe('RATE_LIMITED')
      expect(limited.details).toEqual({ status: 429, purpose: 'Login' })
      expect(limited.message).toBe('Login: the server is rate limiting requests; try again shortly.')
    }
  })

  it('5xx → UPSTREAM_ERROR "the server failed"; 404 → check the base URL; anything else → the status', () => {
    const failed = unexpectedStatus(answer(500, '{"detail":"boom"}'), 'Login')
    expect(failed.code).toBe('UPSTREAM_ERROR')
    expect(failed.message).toBe('Login: the server failed (HTTP 500). Try again later. The server said: "boom".')
    expect(unexpectedStatus(answer(503, ''), 'Login').message).toBe('Login: the server failed (HTTP 503). Try again later.')

    const missing = unexpectedStatus(answer(404, '{"errors":{"detail":"Not Found"}}'), 'Login')
    expect(missing.code).toBe('UPSTREAM_ERROR')
    expect(missing.message).toBe('Login: the server has no such endpoint (HTTP 404). Check the base URL. The server said: "Not Found".')

    const other = unexpectedStatus(answer(409, ''), 'Login')
    expect(other.code).toBe('UPSTREAM_ERROR')
    expect(other.message).toBe('Login failed with HTTP 409.')
    expect(unexpectedStatus(answer(499, ''), 'Login').message).toBe('Login failed with HTTP 499.')
  })

  it('never repeats a credential the server echoed', () => {
    const error = unexpectedStatus(answer(400, '{"error":"bad token 0123456789abcdef"}'), 'Login', ['0123456789abcdef'])
    expect(error.message).not.toContain('0123456789abcdef')
    expect(error.message).toContain('[redacted]')
  })
})

describe('jsonObject and requireString', () => {
  it('an answer that is not a JSON object → UPSTREAM_BAD_RESPONSE with the purpose and status', () => {
    for (const body of ['null', '[{"token":"x"}]', '"token"', '42']) {
      const error = thrown(() => jsonObject(answer(200, body), 'Login'))
      expect(error.code).toBe('UPSTREAM_BAD_RESPONSE')
      expect(error.details).toEqual({ purpose: 'Login', status: 200 })
    }
    expect(jsonObject(answer(200, '{"token":"x"}'), 'Login')).toEqual({ token: 'x' })
  })

  it('a member that is missing, empty or not text → UPSTREAM_BAD_RESPONSE naming it', () => {
    expect(requireString({ token: 'abc' }, 'token', 'Login')).toBe('abc')
    for (const body of [{}, { token: '' }, { token: 42 }, { token: null }]) {
      const error = thrown(() => requireString(body, 'token', 'Login'))
      expect(error.code).toBe('UPSTREAM_BAD_RESPONSE')
      expect(error.message).toBe('Login: the server\'s answer has no "token".')
      expect(error.details).toEqual({ purpose: 'Login', missing: 'token' })
    }
  })
})
