import { describe, expect, it } from 'vitest'
import type { HttpResponse } from '../http/client'
import { scriptedContext, type ScriptedAnswer } from '../testing/provider-context'
import { playOxygenLoginError, playOxygenProvider } from './play-oxygen'
import type { CredentialSet, FlowInput } from './provider'
import { failure } from '../testing/app-error'

/**
 * Play Oxygen against scripted answers and odd error bodies (what the sandbox does not say).
 * play-oxygen.test.ts covers the real exchange against the sandbox.
 */

const API_KEY = 'po2_key_0123456789'
const SECRET = 'secret_0123456789'

type Answer = ScriptedAnswer

const scripted = (...answers: Answer[]): ReturnType<typeof scriptedContext> =>
  scriptedContext(answers, { defaultHeaders: { 'content-type': 'application/json' }, clock: { start: 2_000_000, step: 5 } })

function answer(status: number, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }): HttpResponse {
  return { status, headers, body, url: 'http://127.0.0.1/api/auth/session/1001', sentAt: 0, receivedAt: 0, skewMs: null, json: () => JSON.parse(body) as unknown }
}

const account: CredentialSet = { id: 'acc', name: 'Po2', fields: { baseUrl: 'https://po2.example.test' }, secrets: {} }
const client = (clientId = '1001'): CredentialSet => ({ id: 'app', name: `Client ${clientId.trim()}`, fields: { clientId }, secrets: { apiKey: API_KEY, secret: SECRET } })
const input = (app: CredentialSet | null = client()): FlowInput => ({ account, app })

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')
const jwt = (header: Record<string, unknown>, claims: Record<string, unknown>): string => `${b64(header)}.${b64(claims)}.c2lnbmF0dXJl`

const BASE_URL_FIELD = { baseUrl: 'Check the base URL.' }

describe('Play Oxygen login errors: odd bodies', () => {
  it('a 401 points at both credential fields', () => {
    expect(playOxygenLoginError(answer(401, ''), '1001', []).details).toEqual({
      status: 401,
      purpose: 'Play Oxygen login',
      fields: { apiKey: 'Check the API key.', secret: 'Check the secret.' }
    })
  })

  it('422 details are cut to 120 characters and field names to 60; a pointer keeps all but its leading slash', () => {
    const body = JSON.stringify({
      errors: [
        { source: { pointer: '/api_key' }, detail: 'd'.repeat(200) },
        { source: { pointer: `/${'f'.repeat(100)}` }, detail: 'too long a name' },
        { source: { pointer: 'data/secret' }, detail: 'nested' }
      ]
    })
    const error = playOxygenLoginError(answer(422, body), '1001', [])
    expect(error.details?.fields).toEqual({ apiKey: 'd'.repeat(120), ['f'.repeat(60)]: 'too long a name', 'data/secret': 'nested' })
  })

  it('null where an error body, an entry or a source should be is skipped, never a crash', () => {
    const body = JSON.stringify({ errors: [null, { source: null, detail: 'no source' }, { source: { pointer: '/secret' }, detail: 'blank' }] })
    expect(playOxygenLoginError(answer(422, body), '1001', []).details?.fields).toEqual({ secret: 'blank' })
    expect(playOxygenLoginError(answer(422, 'null'), '1001', []).code).toBe('UPSTREAM_ERROR')
  })

  it('credentials of 4 characters or more are redacted from the echoed details; shorter ones would mangle words and are not', () => {
    const body = JSON.stringify({ errors: [{ source: { pointer: '/secret' }, detail: 'k3y9 is wrong, see abc' }] })
    expect(playOxygenLoginError(answer(422, body), '1001', ['k3y9', 'abc']).details?.fields).toEqual({ secret: '[redacted] is wrong, see abc' })
  })

  it('pointers only make field errors on a 422: a 400 with pointers is the common sentence', () => {
    const body = JSON.stringify({ errors: [{ source: { pointer: '/api_key' }, detail: 'bad' }] })
    const error = playOxygenLoginError(answer(400, body), '1001', [])
    expect(error.code).toBe('UPSTREAM_ERROR')
    expect(error.message).toBe('Play Oxygen login failed with HTTP 400. The server said: "bad".')
  })

  it('a 422 that is not JSON is a wrong address', () => {
    const error = playOxygenLoginError(answer(422, '<html>Unprocessable</html>', { 'content-type': 'text/html' }), '1001', [])
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE')
    expect(error.details).toEqual({ status: 422, purpose: 'Play Oxygen login', fields: BASE_URL_FIELD })
  })

  it('a 404: Phoenix JSON names the client and the base URL; JSON that is a string, null, or has no content type is a wrong address', () => {
    const phoenix = playOxygenLoginError(answer(404, '{"errors":{"detail":"Not Found"}}', { 'content-type': 'application/json; charset=utf-8' }), '1001', [])
    expect(phoenix.code).toBe('CLIENT_REJECTED')
    expect(phoenix.details).toEqual({ status: 404, purpose: 'Play Oxygen login', fields: { clientId: 'Check the client ID.', baseUrl: 'Check the base URL.' } })
    for (const [body, headers] of [
      ['"Not Found"', { 'content-type': 'application/json' }],
      ['null', { 'content-type': 'application/json' }],
      ['{"errors":{"detail":"Not Found"}}', {}]
    ] as const) {
      const error = playOxygenLoginError(answer(404, body, headers), '1001', [])
      expect(error.code, body).toBe('UPSTREAM_BAD_RESPONSE')
      expect(error.details).toEqual({ status: 404, purpose: 'Play Oxygen login', fields: BASE_URL_FIELD })
    }
  })
})

describe('Play Oxygen issuing: scripted answers', () => {
  it('hands the API key and secret to the client as secrets', async () => {
    const token = jwt({ alg: 'HS512', typ: 'JWT' }, { exp: 4_000_000_000, sub: '1001' })
    const { ctx, requests } = scripted({ status: 200, body: JSON.stringify({ token }) })
    expect((await playOxygenProvider.issue('session', input(), ctx)).value).toBe(token)
    expect(requests[0]).toMatchObject({ url: 'https://po2.example.test/api/auth/session/1001', secrets: [API_KEY, SECRET], retry: 'safe' })
  })

  it('a 200 that is not JSON names the base URL field', async () => {
    const error = await failure(playOxygenProvider.issue('session', input(), scripted({ status: 200, body: '<html>' }).ctx))
    expect(error.details).toEqual({ status: 200, purpose: 'Play Oxygen login', fields: BASE_URL_FIELD })
  })

  it('no client points at the client field; an unknown flow is named, cut to 60 characters', async () => {
    expect((await failure(playOxygenProvider.issue('session', input(null), scripted().ctx))).details).toEqual({ fields: { clientId: 'Choose a client.' } })
    const long = `refresh-${'x'.repeat(100)}`
    const error = await failure(playOxygenProvider.issue(long, input(), scripted().ctx))
    expect(error.message).toBe(`Play Oxygen has no "${long.slice(0, 60)}" flow.`)
    expect(error.details).toEqual({ flow: long.slice(0, 60) })
  })
})

describe('Play Oxygen test login: scripted answers', () => {
  it('names the client as trimmed, the algorithm cut to 20 characters, and the time taken', async () => {
    const token = jwt({ alg: `HS512${'X'.repeat(30)}`, typ: 'JWT' }, { exp: Math.floor(Date.now() / 1000) + 3600 })
    const { ctx } = scripted({ status: 200, body: JSON.stringify({ token }) })
    const check = await playOxygenProvider.testLogin!(input(client(' 1001 ')), ctx)
    expect(check.message).toMatch(/^Client 1001 accepted; token valid for /)
    expect(check.facts[0]).toBe(`JWT (HS512${'X'.repeat(15)}, ${token.length} characters)`)
    expect(check.ms).toBe(5)
  })

  it('without a client: the time taken by the probe', async () => {
    const { ctx, requests } = scripted({ status: 422, body: '{"errors":[]}' })
    const check = await playOxygenProvider.testLogin!(input(null), ctx)
    expect(check.ms).toBe(5)
    expect(requests[0]).toMatchObject({ url: 'https://po2.example.test/api/auth/session/tokendesk-check', body: '{}' })
  })
})
