import { describe, expect, it } from 'vitest'
import type { HttpRequest } from '../http/client'
import { scriptedContext, type ScriptedAnswer } from '../testing/provider-context'
import { keycloakProxyProvider } from './keycloak-proxy'
import type { CredentialSet, FlowInput, HeldToken } from './provider'
import { failure } from '../testing/app-error'

/**
 * The Keycloak token proxy provider against scripted answers: what it sends (members, secrets,
 * retry policy) and how it reads answers the sandbox does not give. keycloak-proxy.test.ts
 * covers the real exchange against the sandbox.
 */

const PASSWORD = 'user-password-123'
const CLIENT_SECRET = 'client-secret-456'
const REFRESH = 'refresh-token-789'

type Answer = ScriptedAnswer

const scripted = (...answers: Answer[]): ReturnType<typeof scriptedContext> =>
  scriptedContext(answers, { defaultHeaders: { 'content-type': 'application/json; charset=utf-8' }, clock: { start: 3_000_000, step: 9 } })

function account(fields: CredentialSet['fields'] = {}, password: string | null = PASSWORD): CredentialSet {
  return {
    id: 'acc',
    name: 'Corp Keycloak',
    fields: { baseUrl: 'https://auth.example.test', username: 'jane.doe', ...fields },
    secrets: password === null ? {} : { password }
  }
}

function client(fields: CredentialSet['fields'] = {}, clientSecret: string | null = CLIENT_SECRET): CredentialSet {
  return { id: 'app', name: 'my-app', fields: { clientId: 'my-app', grant: 'password', scope: '', ...fields }, secrets: clientSecret === null ? {} : { clientSecret } }
}

const input = (app: CredentialSet | null = client(), acc = account()): FlowInput => ({ account: acc, app })

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')
const jwt = (claims: Record<string, unknown>): string => `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}.c2lnbmF0dXJl`

const ok = (body: Record<string, unknown> = { access_token: 'opaque-access-token', expires_in: 300 }): Answer => ({ status: 200, body })

const sent = (request: HttpRequest | undefined): Record<string, unknown> => JSON.parse(request?.body ?? 'null') as Record<string, unknown>

describe('Keycloak proxy: what the token request carries', () => {
  it('a password login: JSON by default, the user login and client secret as members and as secrets, retried when safe', async () => {
    const { ctx, requests } = scripted(ok())
    await keycloakProxyProvider.issue('grant', input(client({}), account({ bodyFormat: 'yaml' })), ctx)
    expect(requests[0]).toMatchObject({
      method: 'POST',
      url: 'https://auth.example.test/api/v1/auth/token',
      headers: { 'Content-Type': 'application/json; charset=utf-8', Accept: 'application/json' },
      purpose: 'Keycloak proxy password login',
      secrets: [CLIENT_SECRET, PASSWORD],
      retry: 'safe'
    })
    expect(sent(requests[0])).toEqual({
      WindowsAuthentication: false,
      client_id: 'my-app',
      client_secret: CLIENT_SECRET,
      grant_type: 'password',
      username: 'jane.doe',
      password: PASSWORD
    })
  })

  it('without a body format chosen the request is JSON too', async () => {
    const { ctx, requests } = scripted(ok())
    const acc = account()
    delete acc.fields.bodyFormat
    await keycloakProxyProvider.issue('password', input(client(), acc), ctx)
    expect(requests[0]?.headers?.['Content-Type']).toBe('application/json; charset=utf-8')
  })

  it('client_credentials: no user login needed or sent, an empty client secret is none, scopes on one line', async () => {
    const { ctx, requests } = scripted(ok())
    await keycloakProxyProvider.issue('grant', input(client({ grant: 'client_credentials', scope: '  openid   offline_access ' }, ''), account({ username: '' }, null)), ctx)
    expect(requests[0]).toMatchObject({ purpose: 'Keycloak proxy client_credentials grant', secrets: [], retry: 'safe' })
    expect(sent(requests[0])).toEqual({ WindowsAuthentication: false, client_id: 'my-app', grant_type: 'client_credentials', scope: 'openid offline_access' })
  })

  it('WindowsAuthentication is sent true only when the account says true; no scope member without scopes', async () => {
    for (const [value, expected] of [
      [true, true],
      [false, false],
      ['true', false]
    ] as const) {
      const { ctx, requests } = scripted(ok())
      await keycloakProxyProvider.issue('client_credentials', input(client({ scope: '   ' }), account({ windowsAuthentication: value })), ctx)
      const body = sent(requests[0])
      expect(body.WindowsAuthentication).toBe(expected)
      expect('scope' in body).toBe(false)
    }
  })

  it('a refresh sends the refresh token once at most (unsent-only), as a secret; an empty refresh token is REFRESH_EXPIRED without a request', async () => {
    const { ctx, requests } = scripted(ok())
    const held: HeldToken = { flow: 'password', kind: 'access', value: 'old-access', refreshValue: REFRESH }
    const issued = await keycloakProxyProvider.refresh!(held, input(), ctx)
    expect(requests[0]).toMatchObject({ purpose: 'Keycloak proxy token refresh', secrets: [CLIENT_SECRET, REFRESH], retry: 'unsent-only' })
    // No new refresh token in the answer: the one used is kept.
    expect(issued.refresh).toMatchObject({ value: REFRESH, rotates: true })

    const empty = scripted()
    const error = await failure(keycloakProxyProvider.refresh!({ ...held, refreshValue: '' }, input(), empty.ctx))
    expect(error.code).toBe('REFRESH_EXPIRED')
    expect(empty.requests).toEqual([])
  })

  it('no client and unknown flows name the field or the flow (cut to 60 characters)', async () => {
    expect((await failure(keycloakProxyProvider.issue('grant', input(null), scripted().ctx))).details).toEqual({ fields: { clientId: 'Choose a client.' } })
    const long = `implicit-${'y'.repeat(80)}`
    const error = await failure(keycloakProxyProvider.issue(long, input(), scripted().ctx))
    expect(error.message).toBe(`The Keycloak proxy has no "${long.slice(0, 60)}" flow.`)
    expect(error.details).toEqual({ flow: long.slice(0, 60) })
  })
})

describe('Keycloak proxy: reading the answer', () => {
  it('an answer that is neither JSON nor XML, or has no access_token, says which, with its details', async () => {
    const html = await failure(keycloakProxyProvider.issue('grant', input(), scripted({ status: 200, body: 'hello', headers: { 'content-type': 'text/plain' } }).ctx))
    expect(html.details).toEqual({ purpose: 'Keycloak proxy password login', status: 200 })
    const missing = await failure(keycloakProxyProvider.issue('grant', input(), scripted(ok({ token_type: 'Bearer' })).ctx))
    expect(missing.details).toEqual({ purpose: 'Keycloak proxy password login', missing: 'access_token' })
  })

  it('a refresh token without a usable refresh_expires_in takes its own exp, or none', async () => {
    const exp = 4_000_000_000
    const withExp = await keycloakProxyProvider.issue('grant', input(), scripted(ok({ access_token: 'a', refresh_token: jwt({ exp }) })).ctx)
    expect(withExp.refresh?.expiry).toEqual({ source: 'jwt-exp', kind: 'server-time', atMs: exp * 1000 })
    const negative = await keycloakProxyProvider.issue('grant', input(), scripted(ok({ access_token: 'a', refresh_token: 'opaque-refresh', refresh_expires_in: -5 })).ctx)
    expect(negative.refresh?.expiry).toEqual({ source: 'unknown', kind: 'unknown' })
    const counted = await keycloakProxyProvider.issue('grant', input(), scripted(ok({ access_token: 'a', refresh_token: 'opaque-refresh', refresh_expires_in: 1800 })).ctx)
    expect(counted.refresh?.expiry).toEqual({ source: 'expires_in', kind: 'seconds', seconds: 1800 })
  })
})

describe('Keycloak proxy: test login', () => {
  it('names the user from the token when it says, else the account user name trimmed; and the time taken', async () => {
    const named = scripted(ok({ access_token: jwt({ exp: 4_000_000_000, preferred_username: 'Jane Doe' }) }))
    const check = await keycloakProxyProvider.testLogin!(input(), named.ctx)
    expect(check.message).toMatch(/^Logged in as Jane Doe with client my-app; /)
    expect(check.ms).toBe(9)

    for (const claims of [{ preferred_username: '' }, { preferred_username: 42 }, {}]) {
      const { ctx } = scripted(ok({ access_token: jwt({ exp: 4_000_000_000, ...claims }) }))
      expect((await keycloakProxyProvider.testLogin!(input(client(), account({ username: '  jane.doe  ' })), ctx)).message).toMatch(/^Logged in as jane\.doe with client my-app; /)
    }
  })

  it('without a client: a 400 naming an error proves the proxy, with the fact and the time taken', async () => {
    const { ctx, requests } = scripted({ status: 400, body: { error: 'unsupported_grant_type' } })
    const check = await keycloakProxyProvider.testLogin!(input(null), ctx)
    expect(check).toEqual({
      message: 'The Keycloak token proxy answers at this address. The user name and password are not checked yet: Keycloak logs in only through a client, so the first Issue token of a client checks them.',
      facts: ['POST api/v1/auth/token without a grant → HTTP 400 unsupported_grant_type'],
      ms: 9,
      checked: 'address'
    })
    expect(requests[0]).toMatchObject({ purpose: 'Keycloak proxy check', body: '{}' })
  })

  it('without a client: a 400 without an error, or another status with one, does not prove the proxy', async () => {
    for (const answer of [
      { status: 400, body: {} },
      { status: 401, body: { error: 'unauthorized_client' } },
      { status: 500, body: { error: 'server_error' } }
    ]) {
      const error = await failure(keycloakProxyProvider.testLogin!(input(null), scripted(answer).ctx))
      expect(error.details?.status, JSON.stringify(answer)).toBe(answer.status)
    }
  })
})
