import fc from 'fast-check'
import { decodeJwt } from 'jose'
import { describe, expect, it } from 'vitest'
import { AppError, ERROR_CODES } from '../../shared/errors'
import { KEYCLOAK_DEMO_CLIENTS } from '../../sandbox/demo-data'
import { json, patchSettings, useSandbox } from '../../sandbox/test-support'
import { createHttpClient, type HttpResponse } from '../http/client'
import { quietLog } from '../testing/provider-context'
import { keycloakProxyProvider } from './keycloak-proxy'
import { describeExpiry, describeSeconds } from './keycloak/lifetime'
import {
  BODY_FORMATS,
  decodeXmlTokenRequest,
  encodeTokenRequest,
  readAnswer,
  xmlCanCarry,
  type BodyFormat,
  type TokenRequest
} from './keycloak/token-body'
import { tokenErrorFor } from './keycloak/token-errors'
import type { CredentialSet, FlowInput, IssuedToken, ProviderContext } from './provider'

const sandbox = useSandbox()

const ctx = (): ProviderContext => ({ http: createHttpClient({ log: quietLog }), log: quietLog, now: Date.now })

const USER = { username: 'demo.user', password: 'demo-user-password' }
const CLIENT_SECRETS: Record<string, string> = Object.fromEntries(
  KEYCLOAK_DEMO_CLIENTS.filter((client) => client.secret !== null).map((client) => [client.clientId, client.secret as string])
)
/** Every credential the tests use: none may appear in an error. */
const ALL_SECRETS = [USER.password, 'demo-editor-password', ...Object.values(CLIENT_SECRETS)]

function account(overrides: Partial<{ bodyFormat: BodyFormat; username: string; password: string; baseUrl: string; windowsAuthentication: boolean }> = {}): CredentialSet {
  const password = overrides.password ?? USER.password
  return {
    id: 'acc',
    name: 'Demo Keycloak',
    fields: {
      baseUrl: overrides.baseUrl ?? sandbox.sandbox.ready.baseUrls.keycloakProxy,
      bodyFormat: overrides.bodyFormat ?? 'json',
      username: overrides.username ?? USER.username,
      windowsAuthentication: overrides.windowsAuthentication ?? false
    },
    secrets: password === '' ? {} : { password }
  }
}

function client(clientId: string, overrides: Partial<{ grant: string; scope: string; secret: string | null }> = {}): CredentialSet {
  const secret = overrides.secret === undefined ? CLIENT_SECRETS[clientId] : overrides.secret
  return {
    id: 'app',
    name: clientId,
    fields: { clientId, grant: overrides.grant ?? 'password', scope: overrides.scope ?? '' },
    secrets: secret === null || secret === undefined ? {} : { clientSecret: secret }
  }
}

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

async function counters(): Promise<Record<string, number>> {
  return (await (await fetch(sandbox.url('/__sandbox/counters'))).json()) as Record<string, number>
}

async function addFault(fault: Record<string, unknown>): Promise<void> {
  const response = await fetch(sandbox.url('/__sandbox/faults'), json(fault))
  expect(response.status).toBe(201)
}

const TOKEN_ROUTE = '/keycloak-proxy/api/v1/auth/token'

function expectSecondsExpiry(issued: IssuedToken, seconds: number): void {
  expect(issued.expiry).toEqual({ source: 'expires_in', kind: 'seconds', seconds })
  // The same moment the access token's own exp names (sandbox clock = ours here), within a second.
  const exp = decodeJwt(issued.value).exp as number
  expect(Math.abs(issued.sentAt + seconds * 1000 - exp * 1000)).toBeLessThanOrEqual(1500)
}

describe('Keycloak proxy: what the form shows', () => {
  it('declares the account and client fields, and the three flows on clients', () => {
    const { info } = keycloakProxyProvider
    expect(info.appNoun).toBe('client')
    expect(info.accountFields.map((field) => field.name)).toEqual(['baseUrl', 'bodyFormat', 'username', 'password', 'windowsAuthentication', 'allowInsecureHttp'])
    expect(info.accountFields.find((field) => field.name === 'password')?.kind).toBe('secret')
    expect(info.accountFields.find((field) => field.name === 'bodyFormat')?.default).toBe('json')
    expect(info.appFields.map((field) => [field.name, field.kind, field.required])).toEqual([
      ['clientId', 'text', true],
      ['clientSecret', 'secret', false],
      ['grant', 'choice', true],
      ['scope', 'text', false]
    ])
    expect(info.flows.map((flow) => [flow.id, flow.target, flow.primary])).toEqual([
      ['grant', 'app', true],
      ['password', 'app', false],
      ['client_credentials', 'app', false]
    ])
    for (const field of [...info.accountFields, ...info.appFields]) expect(field.help, field.name).toBeTruthy()
  })

  it('the scope pattern accepts space-separated scopes and refuses quotes', () => {
    const pattern = new RegExp(keycloakProxyProvider.info.appFields.find((field) => field.name === 'scope')!.validation!.pattern!)
    expect(pattern.test('openid offline_access')).toBe(true)
    expect(pattern.test('roles')).toBe(true)
    expect(pattern.test('a "b"')).toBe(false)
    expect(pattern.test('back\\slash')).toBe(false)
  })
})

describe.each(BODY_FORMATS)('Keycloak proxy over %s bodies', (bodyFormat) => {
  it('password grant: access and refresh tokens with the lifetimes the server announced', async () => {
    await patchSettings(sandbox, { lifetimes: { keycloakAccessTokenSeconds: 120, keycloakRefreshTokenSeconds: 600 } })
    const issued = await keycloakProxyProvider.issue('grant', input(client('tokendesk-demo'), account({ bodyFormat })), ctx())
    expect(issued.kind).toBe('access')
    expect(issued.format).toBe('jwt')
    expectSecondsExpiry(issued, 120)
    expect(decodeJwt(issued.value).preferred_username).toBe('demo.user')
    expect(issued.refresh?.expiry).toEqual({ source: 'expires_in', kind: 'seconds', seconds: 600 })
    expect(issued.refresh?.rotates).toBe(true)
    expect(issued.renewal).toBe('refresh-token')
    expect(issued.revocable).toBe(false)
    expect(issued.header).toEqual({ name: 'Authorization', prefix: 'Bearer ' })
    expect(issued.skewMs === null || Math.abs(issued.skewMs) < 2000).toBe(true)
  })

  it('client_credentials grant: an access token, no refresh token, renewed by issuing again', async () => {
    await patchSettings(sandbox, { lifetimes: { keycloakAccessTokenSeconds: 90 } })
    const issued = await keycloakProxyProvider.issue('grant', input(client('tokendesk-service', { grant: 'client_credentials' }), account({ bodyFormat })), ctx())
    expectSecondsExpiry(issued, 90)
    expect(decodeJwt(issued.value).preferred_username).toBe('service-account-tokendesk-service')
    expect(issued.refresh).toBeNull()
    expect(issued.renewal).toBe('reissue')
  })

  it('the explicit flows run their grant whatever the client is configured for', async () => {
    const password = await keycloakProxyProvider.issue('password', input(client('tokendesk-demo', { grant: 'client_credentials' }), account({ bodyFormat })), ctx())
    expect(decodeJwt(password.value).preferred_username).toBe('demo.user')
    const service = await keycloakProxyProvider.issue('client_credentials', input(client('tokendesk-service', { grant: 'password' }), account({ bodyFormat })), ctx())
    expect(decodeJwt(service.value).azp).toBe('tokendesk-service')
  })

  it('refresh rotates: a new access token and a NEW refresh token, with fresh lifetimes', async () => {
    await patchSettings(sandbox, { lifetimes: { keycloakAccessTokenSeconds: 60, keycloakRefreshTokenSeconds: 300 } })
    const flowInput = input(client('tokendesk-demo'), account({ bodyFormat }))
    const first = await keycloakProxyProvider.issue('grant', flowInput, ctx())
    const renewed = await keycloakProxyProvider.refresh!({ flow: 'grant', kind: 'access', value: first.value, refreshValue: first.refresh!.value }, flowInput, ctx())
    expect(renewed.value).not.toBe(first.value)
    expect(renewed.refresh!.value).not.toBe(first.refresh!.value)
    expectSecondsExpiry(renewed, 60)
    expect(renewed.refresh!.expiry).toEqual({ source: 'expires_in', kind: 'seconds', seconds: 300 })
    expect(renewed.renewal).toBe('refresh-token')
  })
})

describe('Keycloak proxy: refresh tokens', () => {
  const flowInput = (): FlowInput => input(client('tokendesk-demo'))
  const held = (issued: IssuedToken, refreshValue = issued.refresh!.value) => ({ flow: 'grant', kind: 'access', value: issued.value, refreshValue })

  it('offline_access gives a refresh token with no expiry ("none", not unknown)', async () => {
    const issued = await keycloakProxyProvider.issue('grant', input(client('tokendesk-demo', { scope: 'offline_access' })), ctx())
    expect(issued.refresh?.expiry).toEqual({ source: 'none', kind: 'none' })
    expect(issued.renewal).toBe('refresh-token')
  })

  it('with revoke-refresh-token on, reusing a rotated refresh token is REFRESH_EXPIRED', async () => {
    await patchSettings(sandbox, { refresh: { revokeRefreshToken: true, refreshTokenMaxReuse: 0 } })
    const issued = await keycloakProxyProvider.issue('grant', flowInput(), ctx())
    await keycloakProxyProvider.refresh!(held(issued), flowInput(), ctx())
    const error = await rejection(keycloakProxyProvider.refresh!(held(issued), flowInput(), ctx()))
    expect(error.code).toBe('REFRESH_EXPIRED')
    expect(error.message).toBe('The refresh token expired or was already used — log in again.')
    expect(error.details?.reason).toBe('Maximum allowed refresh token reuse exceeded')
  })

  it('a refresh is sent once even when the server fails (a rotating token is never retried)', async () => {
    const issued = await keycloakProxyProvider.issue('grant', flowInput(), ctx())
    await addFault({ path: TOKEN_ROUTE, method: 'POST', respond: { kind: 'status', status: 503, body: { error: 'temporarily_unavailable' } } })
    await fetch(sandbox.url('/__sandbox/counters'), { method: 'DELETE' })
    const error = await rejection(keycloakProxyProvider.refresh!(held(issued), flowInput(), ctx()))
    expect(error.code).toBe('UPSTREAM_ERROR')
    expect((await counters())[`POST ${TOKEN_ROUTE}`]).toBe(1)
  })

  it.each([
    ['expired (Token is not active)', async () => patchSettings(sandbox, { clockOffsetSeconds: 7200 })],
    ['session logged out (Session not active)', async () => void (await fetch(sandbox.url('/__sandbox/keycloak/logout-all'), { method: 'POST' }))],
    ['pushed not-before (Stale token)', async () => void (await fetch(sandbox.url('/__sandbox/keycloak/not-before'), json({ notBefore: Math.floor(Date.now() / 1000) + 5 })))]
  ])('%s → REFRESH_EXPIRED', async (_situation, breakIt) => {
    const issued = await keycloakProxyProvider.issue('grant', flowInput(), ctx())
    await breakIt()
    const error = await rejection(keycloakProxyProvider.refresh!(held(issued), flowInput(), ctx()))
    expect(error.code).toBe('REFRESH_EXPIRED')
  })

  it('a garbage refresh token → REFRESH_EXPIRED; none held → REFRESH_EXPIRED without a request', async () => {
    const issued = await keycloakProxyProvider.issue('grant', flowInput(), ctx())
    const garbage = await rejection(keycloakProxyProvider.refresh!(held(issued, 'not-a-refresh-token'), flowInput(), ctx()))
    expect(garbage.code).toBe('REFRESH_EXPIRED')
    expect(garbage.details?.reason).toBe('Invalid refresh token')
    await fetch(sandbox.url('/__sandbox/counters'), { method: 'DELETE' })
    const none = await rejection(keycloakProxyProvider.refresh!({ flow: 'grant', kind: 'access', value: issued.value, refreshValue: null }, flowInput(), ctx()))
    expect(none.code).toBe('REFRESH_EXPIRED')
    expect((await counters())[`POST ${TOKEN_ROUTE}`]).toBeUndefined()
  })

  it("a refresh token of another client is REFRESH_EXPIRED for this one", async () => {
    const issued = await keycloakProxyProvider.issue('grant', flowInput(), ctx())
    const error = await rejection(keycloakProxyProvider.refresh!(held(issued), input(client('tokendesk-public')), ctx()))
    expect(error.code).toBe('REFRESH_EXPIRED')
  })
})

describe('Keycloak proxy: token_type and the header', () => {
  it('copies the server’s token_type into the header prefix', async () => {
    await patchSettings(sandbox, { keycloak: { tokenType: 'bearer' } })
    const issued = await keycloakProxyProvider.issue('grant', input(client('tokendesk-demo')), ctx())
    expect(issued.header).toEqual({ name: 'Authorization', prefix: 'bearer ' })
  })

  it('a public client logs in without a secret', async () => {
    const issued = await keycloakProxyProvider.issue('grant', input(client('tokendesk-public', { secret: null })), ctx())
    expect(decodeJwt(issued.value).azp).toBe('tokendesk-public')
  })

  it('sends the scope: openid is granted on top of the defaults', async () => {
    const issued = await keycloakProxyProvider.issue('grant', input(client('tokendesk-demo', { scope: '  openid   roles ' })), ctx())
    expect(String(decodeJwt(issued.value).scope).split(' ').sort()).toEqual(['email', 'openid', 'profile', 'roles'])
  })

  it('WindowsAuthentication is sent (the sandbox parses it) and the login still works', async () => {
    const issued = await keycloakProxyProvider.issue('grant', input(client('tokendesk-demo'), account({ windowsAuthentication: true, bodyFormat: 'xml' })), ctx())
    expect(issued.kind).toBe('access')
  })
})

describe('Keycloak proxy: errors as sentences', () => {
  const cases: [string, () => FlowInput, string, string | RegExp][] = [
    ['wrong password', () => input(client('tokendesk-demo'), account({ password: 'not-the-password' })), 'AUTH_REJECTED', 'Wrong user name or password.'],
    ['unknown user', () => input(client('tokendesk-demo'), account({ username: 'nobody' })), 'AUTH_REJECTED', 'Wrong user name or password.'],
    ['wrong client secret', () => input(client('tokendesk-demo', { secret: 'wrong-secret' })), 'CLIENT_REJECTED', 'The client secret was rejected (or the client is unknown or disabled).'],
    ['unknown client', () => input(client('no-such-client', { secret: 'whatever' })), 'CLIENT_REJECTED', 'The client secret was rejected (or the client is unknown or disabled).'],
    ['disabled client', () => input(client('tokendesk-disabled')), 'CLIENT_REJECTED', 'The client secret was rejected (or the client is unknown or disabled).'],
    ['password grant not allowed', () => input(client('tokendesk-service')), 'CLIENT_REJECTED', /password grant for client tokendesk-service\.$/],
    ['service accounts off', () => input(client('tokendesk-demo', { grant: 'client_credentials' })), 'CLIENT_REJECTED', /client_credentials grant for client tokendesk-demo\.$/],
    ['public client, client_credentials', () => input(client('tokendesk-public', { grant: 'client_credentials', secret: null })), 'CLIENT_REJECTED', /is public/],
    ['bearer-only client', () => input(client('tokendesk-bearer-only', { grant: 'client_credentials' })), 'CLIENT_REJECTED', /bearer-only/],
    ['consent required', () => input(client('tokendesk-consent')), 'CLIENT_REJECTED', /requires user consent/],
    ['disabled user', () => input(client('tokendesk-demo'), account({ username: 'disabled.user' })), 'AUTH_REJECTED', /disabled in Keycloak/],
    ['required actions pending', () => input(client('tokendesk-demo'), account({ username: 'pending.user' })), 'AUTH_REJECTED', /not fully set up/],
    ['scope the client does not have', () => input(client('tokendesk-demo', { scope: 'admin' })), 'VALIDATION_FAILED', /Edit the client's Scope/]
  ]
  it.each(cases)('%s', async (_name, makeInput, code, message) => {
    const error = await rejection(keycloakProxyProvider.issue('grant', makeInput(), ctx()))
    expect(error.code).toBe(code)
    if (typeof message === 'string') expect(error.message).toBe(message)
    else expect(error.message).toMatch(message)
  })

  it("a client's Keycloak settings come with their own fix, never the client-secret fields", async () => {
    const error = await rejection(keycloakProxyProvider.issue('grant', input(client('tokendesk-demo', { grant: 'client_credentials' })), ctx()))
    expect(error.details?.fix).toBe('Turn on "Service accounts roles" in the client\'s Capability config in Keycloak, or use the password grant.')
    expect(error.details).not.toHaveProperty('fields')
  })

  it('invalid_scope names the Scope field', async () => {
    const error = await rejection(keycloakProxyProvider.issue('grant', input(client('tokendesk-demo', { scope: 'admin' })), ctx()))
    expect(error.details?.fields).toHaveProperty('scope')
  })

  it('password grant without a stored user name or password → VALIDATION_FAILED naming them, nothing sent', async () => {
    await fetch(sandbox.url('/__sandbox/counters'), { method: 'DELETE' })
    const both = await rejection(keycloakProxyProvider.issue('password', input(client('tokendesk-demo'), account({ username: '', password: '' })), ctx()))
    expect(both.code).toBe('VALIDATION_FAILED')
    expect(both.message).toBe('Demo Keycloak: the password grant needs a user name and password. Edit the account and enter them, or switch the client to client_credentials.')
    expect(Object.keys(both.details?.fields as object)).toEqual(['username', 'password'])
    const password = await rejection(keycloakProxyProvider.issue('password', input(client('tokendesk-demo'), account({ password: '' })), ctx()))
    expect(Object.keys(password.details?.fields as object)).toEqual(['password'])
    expect((await counters())[`POST ${TOKEN_ROUTE}`]).toBeUndefined()
  })

  it('only the user name, or only the password, missing: the sentence names that one', async () => {
    const username = await rejection(keycloakProxyProvider.issue('password', input(client('tokendesk-demo'), account({ username: '  ' })), ctx()))
    expect(username.message).toBe('Demo Keycloak: the password grant needs a user name. Edit the account and enter it, or switch the client to client_credentials.')
    expect(username.details).toEqual({ fields: { username: 'User name is required for the password grant.' } })
    const password = await rejection(keycloakProxyProvider.issue('password', input(client('tokendesk-demo'), account({ password: '' })), ctx()))
    expect(password.message).toBe('Demo Keycloak: the password grant needs a password. Edit the account and enter it, or switch the client to client_credentials.')
  })

  it('the Web API 415 {"Message"} → UPSTREAM_ERROR telling to change the body format', async () => {
    await addFault({
      path: TOKEN_ROUTE,
      respond: { kind: 'status', status: 415, body: { Message: "The request entity's media type 'application/xml' is not supported for this resource.", StackTrace: '   at System.Net.Http' } }
    })
    const error = await rejection(keycloakProxyProvider.issue('grant', input(client('tokendesk-demo'), account({ bodyFormat: 'xml' })), ctx()))
    expect(error.code).toBe('UPSTREAM_ERROR')
    expect(error.message).toBe(
      `The server does not accept this account's body format (HTTP 415: "The request entity's media type 'application/xml' is not supported for this resource."). Edit the account and choose another Body format (JSON, XML or form).`
    )
    expect(error.message).not.toContain('StackTrace')
  })

  it('a realm that requires HTTPS → VALIDATION_FAILED on the base URL', async () => {
    await patchSettings(sandbox, { keycloak: { sslRequired: true } })
    const error = await rejection(keycloakProxyProvider.issue('grant', input(client('tokendesk-demo')), ctx()))
    expect(error.code).toBe('VALIDATION_FAILED')
    expect(error.details?.fields).toHaveProperty('baseUrl')
  })

  it.each([
    ['a path under the proxy', '/keycloak-proxy/wrong'],
    ['another API', '/play-oxygen'],
    ['the bare origin', '']
  ])('a base URL pointing at %s → "Check the base URL"', async (_name, path) => {
    const error = await rejection(keycloakProxyProvider.issue('grant', input(client('tokendesk-demo'), account({ baseUrl: sandbox.url(path) })), ctx()))
    expect(['UPSTREAM_ERROR', 'UPSTREAM_BAD_RESPONSE']).toContain(error.code)
    expect(error.message).toContain('Check the base URL')
  })

  it('an HTML answer with status 200 → UPSTREAM_BAD_RESPONSE', async () => {
    await addFault({ path: TOKEN_ROUTE, respond: { kind: 'status', status: 200, rawBody: '<html><body>Sign in</body></html>', contentType: 'text/html' } })
    const error = await rejection(keycloakProxyProvider.issue('grant', input(client('tokendesk-demo')), ctx()))
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE')
  })

  it('a proxy login page answered with 401 → "an HTML page", not the client secret', async () => {
    await addFault({ path: TOKEN_ROUTE, respond: { kind: 'status', status: 401, rawBody: '<!DOCTYPE html><html><body><h1>Sign in</h1></body></html>', contentType: 'text/html; charset=utf-8' } })
    const error = await rejection(keycloakProxyProvider.issue('grant', input(client('tokendesk-demo')), ctx()))
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE')
    expect(error.message).toContain('the server answered HTTP 401 with an HTML page')
    expect(error.message).not.toContain('client secret')
    expect(error.details?.fields).toEqual({ baseUrl: 'Check the base URL.' })
  })

  it('a 200 without access_token → UPSTREAM_BAD_RESPONSE naming it', async () => {
    await addFault({ path: TOKEN_ROUTE, respond: { kind: 'status', status: 200, body: { token_type: 'Bearer' } } })
    const error = await rejection(keycloakProxyProvider.issue('grant', input(client('tokendesk-demo')), ctx()))
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE')
    expect(error.message).toContain('"access_token"')
  })

  it('a rate limit → RATE_LIMITED', async () => {
    await addFault({ path: TOKEN_ROUTE, respond: { kind: 'rateLimit', retryAfterSeconds: 120 } })
    const error = await rejection(keycloakProxyProvider.issue('grant', input(client('tokendesk-demo')), ctx()))
    expect(error.code).toBe('RATE_LIMITED')
  })

  it('an unknown flow → FLOW_NOT_SUPPORTED; no client → VALIDATION_FAILED', async () => {
    expect((await rejection(keycloakProxyProvider.issue('implicit', input(client('tokendesk-demo')), ctx()))).code).toBe('FLOW_NOT_SUPPORTED')
    expect((await rejection(keycloakProxyProvider.issue('grant', input(null), ctx()))).code).toBe('VALIDATION_FAILED')
  })
})

describe('Keycloak proxy: XML answers', () => {
  it('parses the XML a server sends when it insists (a real sandbox answer)', async () => {
    const response = await fetch(sandbox.url(TOKEN_ROUTE), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/xml' },
      body: JSON.stringify({ grant_type: 'password', client_id: 'tokendesk-demo', client_secret: 'demo-client-secret', ...USER })
    })
    const answer = readAnswer(response.headers.get('content-type') ?? undefined, await response.text())
    expect(answer?.expires_in).toBe('300')
    expect(answer?.refresh_expires_in).toBe('1800')
    expect(answer?.token_type).toBe('Bearer')
    expect(String(answer?.access_token).split('.')).toHaveLength(3)
  })

  it('golden: an AccessTokenResponse and a Keycloak error dictionary in XML', () => {
    const success =
      '<?xml version="1.0" encoding="utf-8"?><AccessTokenResponse xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/IO.Swagger.Models">' +
      '<access_token>a.b.c</access_token><expires_in>300</expires_in><ip>127.0.0.1</ip><is_editor>false</is_editor><not_before_policy>0</not_before_policy>' +
      '<redirect_url></redirect_url><refresh_expires_in>0</refresh_expires_in><refresh_token>r&amp;1</refresh_token><scope>email profile</scope><token_type>Bearer</token_type></AccessTokenResponse>'
    expect(readAnswer('application/xml; charset=utf-8', success)).toEqual({
      access_token: 'a.b.c',
      expires_in: '300',
      ip: '127.0.0.1',
      is_editor: 'false',
      not_before_policy: '0',
      redirect_url: '',
      refresh_expires_in: '0',
      refresh_token: 'r&1',
      scope: 'email profile',
      token_type: 'Bearer'
    })
    const error =
      '<ArrayOfKeyValueOfstringstring xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.microsoft.com/2003/10/Serialization/Arrays">' +
      '<KeyValueOfstringstring><Key>error</Key><Value>invalid_grant</Value></KeyValueOfstringstring>' +
      '<KeyValueOfstringstring><Key>error_description</Key><Value>Invalid user credentials</Value></KeyValueOfstringstring></ArrayOfKeyValueOfstringstring>'
    expect(readAnswer('text/xml', error)).toEqual({ error: 'invalid_grant', error_description: 'Invalid user credentials' })
    expect(readAnswer('application/xml', '<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')).toBeNull()
  })

  it('an XML token answer over HTTP is used like a JSON one', async () => {
    await addFault({
      path: TOKEN_ROUTE,
      times: 1,
      respond: {
        kind: 'status',
        status: 200,
        contentType: 'application/xml; charset=utf-8',
        rawBody:
          '<AccessTokenResponse xmlns="http://schemas.datacontract.org/2004/07/IO.Swagger.Models"><access_token>opaque-access</access_token><expires_in>45</expires_in>' +
          '<refresh_expires_in>0</refresh_expires_in><refresh_token>opaque-refresh</refresh_token><token_type>Bearer</token_type></AccessTokenResponse>'
      }
    })
    const issued = await keycloakProxyProvider.issue('grant', input(client('tokendesk-demo')), ctx())
    expect(issued.value).toBe('opaque-access')
    expect(issued.format).toBe('opaque')
    expect(issued.expiry).toEqual({ source: 'expires_in', kind: 'seconds', seconds: 45 })
    expect(issued.refresh).toEqual({ value: 'opaque-refresh', expiry: { source: 'none', kind: 'none' }, rotates: true })
  })

  it('an XML error answer maps like a JSON one', async () => {
    await addFault({
      path: TOKEN_ROUTE,
      times: 1,
      respond: {
        kind: 'status',
        status: 401,
        contentType: 'application/xml',
        rawBody:
          '<ArrayOfKeyValueOfstringstring xmlns="http://schemas.microsoft.com/2003/10/Serialization/Arrays"><KeyValueOfstringstring><Key>error</Key><Value>invalid_grant</Value></KeyValueOfstringstring>' +
          '<KeyValueOfstringstring><Key>error_description</Key><Value>Invalid user credentials</Value></KeyValueOfstringstring></ArrayOfKeyValueOfstringstring>'
      }
    })
    const error = await rejection(keycloakProxyProvider.issue('grant', input(client('tokendesk-demo')), ctx()))
    expect(error.code).toBe('AUTH_REJECTED')
    expect(error.message).toBe('Wrong user name or password.')
  })

  it('without expires_in the access token’s own exp is used', async () => {
    const exp = Math.floor(Date.now() / 1000) + 77
    const payload = Buffer.from(JSON.stringify({ exp, sub: 'x' })).toString('base64url')
    const jwt = `eyJhbGciOiJub25lIn0.${payload}.`
    await addFault({ path: TOKEN_ROUTE, times: 1, respond: { kind: 'status', status: 200, body: { access_token: jwt, token_type: 'Bearer' } } })
    const issued = await keycloakProxyProvider.issue('client_credentials', input(client('tokendesk-service')), ctx())
    expect(issued.expiry).toEqual({ source: 'jwt-exp', kind: 'server-time', atMs: exp * 1000 })
    expect(issued.refresh).toBeNull()
  })
})

describe('Keycloak proxy: answers that leave things out', () => {
  const jwtWith = (claims: Record<string, unknown>): string => `eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`

  it('a refresh answer without a new refresh token keeps the one that was used, with its own exp', async () => {
    const flowInput = input(client('tokendesk-demo'))
    const first = await keycloakProxyProvider.issue('grant', flowInput, ctx())
    const held = first.refresh!.value
    await addFault({ path: TOKEN_ROUTE, times: 1, respond: { kind: 'status', status: 200, body: { access_token: jwtWith({ exp: 2_000_000_000 }), expires_in: 300, token_type: 'Bearer' } } })
    const refreshed = await keycloakProxyProvider.refresh!({ flow: 'grant', kind: 'access', value: first.value, refreshValue: held }, flowInput, ctx())
    expect(refreshed.refresh).toEqual({ value: held, expiry: { source: 'jwt-exp', kind: 'server-time', atMs: (decodeJwt(held).exp as number) * 1000 }, rotates: true })
    expect(refreshed.renewal).toBe('refresh-token')
  })

  it('without refresh_expires_in the refresh token\'s own exp is used; without token_type the header is Bearer', async () => {
    const refreshToken = jwtWith({ exp: 2_000_000_600 })
    await addFault({ path: TOKEN_ROUTE, times: 1, respond: { kind: 'status', status: 200, body: { access_token: 'opaque-access-0123', expires_in: 60, refresh_token: refreshToken } } })
    const issued = await keycloakProxyProvider.issue('grant', input(client('tokendesk-demo')), ctx())
    expect(issued.format).toBe('opaque')
    expect(issued.expiry).toEqual({ source: 'expires_in', kind: 'seconds', seconds: 60 })
    expect(issued.refresh?.expiry).toEqual({ source: 'jwt-exp', kind: 'server-time', atMs: 2_000_000_600_000 })
    expect(issued.header).toEqual({ name: 'Authorization', prefix: 'Bearer ' })
  })

  it('expires_in 0 is not a lifetime: the access token\'s exp is used instead', async () => {
    await addFault({ path: TOKEN_ROUTE, times: 1, respond: { kind: 'status', status: 200, body: { access_token: jwtWith({ exp: 2_000_000_000 }), expires_in: 0, token_type: 'Bearer' } } })
    const issued = await keycloakProxyProvider.issue('grant', input(client('tokendesk-demo')), ctx())
    expect(issued.expiry).toEqual({ source: 'jwt-exp', kind: 'server-time', atMs: 2_000_000_000_000 })
  })

  it('stray spaces in the Scope are sent as single spaces (the server grants the scope)', async () => {
    const issued = await keycloakProxyProvider.issue('grant', input(client('tokendesk-demo', { scope: '  openid   ' })), ctx())
    expect(String(decodeJwt(issued.value).scope).split(' ')).toContain('openid')
  })

  it('the login check lists the refresh token and the header; a user without preferred_username is named from the account', async () => {
    const check = await keycloakProxyProvider.testLogin(input(client('tokendesk-demo')), ctx())
    expect(check.facts[1]).toBe('header: Authorization: Bearer …')
    expect(check.facts[2]).toMatch(/^refresh token \(JWT, \d+ characters\)$/)
    await addFault({ path: TOKEN_ROUTE, times: 1, respond: { kind: 'status', status: 200, body: { access_token: 'opaque-access-0123', expires_in: 60, token_type: 'Bearer' } } })
    const opaque = await keycloakProxyProvider.testLogin(input(client('tokendesk-demo')), ctx())
    expect(opaque.message).toBe('Logged in as demo.user with client tokendesk-demo; access token 1 min, no refresh token.')
    expect(opaque.facts).toEqual(['access token (opaque, 18 characters)', 'header: Authorization: Bearer …'])
  })
})

describe('Keycloak proxy: test login', () => {
  it('password client: who logged in and both lifetimes', async () => {
    const check = await keycloakProxyProvider.testLogin(input(client('tokendesk-demo')), ctx())
    expect(check.message).toBe('Logged in as demo.user with client tokendesk-demo; access token 5 min, refresh token 30 min.')
    expect(check.facts.join('\n')).not.toContain(USER.password)
    expect(check.facts[0]).toMatch(/^access token \(JWT, \d+ characters\)$/)
  })

  it('client_credentials client: the service account, no refresh token', async () => {
    const check = await keycloakProxyProvider.testLogin(input(client('tokendesk-service', { grant: 'client_credentials' })), ctx())
    expect(check.message).toBe('Client tokendesk-service got a service-account token; access token 5 min, no refresh token.')
  })

  it('offline_access: says the refresh token does not expire', async () => {
    const check = await keycloakProxyProvider.testLogin(input(client('tokendesk-demo', { scope: 'offline_access' })), ctx())
    expect(check.message).toBe('Logged in as demo.user with client tokendesk-demo; access token 5 min, refresh token with no expiry (offline).')
  })

  it('without a client: proves only the address, and says the password is not checked yet', async () => {
    const check = await keycloakProxyProvider.testLogin(input(null, account({ password: 'wrong' })), ctx())
    expect(check.checked).toBe('address')
    expect(check.message).toBe('The Keycloak token proxy answers at this address. The user name and password are not checked yet: Keycloak logs in only through a client, so the first Issue token of a client checks them.')
  })

  it('without a client, at a wrong address: "Check the base URL"', async () => {
    const error = await rejection(keycloakProxyProvider.testLogin(input(null, account({ baseUrl: sandbox.url('/pocketpaw') })), ctx()))
    expect(error.message).toContain('Check the base URL')
  })

  it('a failing login fails the test with the same sentence', async () => {
    const error = await rejection(keycloakProxyProvider.testLogin(input(client('tokendesk-demo'), account({ password: 'nope-nope' })), ctx()))
    expect(error.message).toBe('Wrong user name or password.')
  })
})

describe('token request bodies', () => {
  const request: TokenRequest = {
    WindowsAuthentication: false,
    members: { username: 'demo.user', scope: 'openid', password: 'p<&>"\'', grant_type: 'password', client_secret: 's', client_id: 'tokendesk-demo' }
  }

  it('golden: XML in DataContract order, WindowsAuthentication first, escaped text', () => {
    const { contentType, body } = encodeTokenRequest('xml', request)
    expect(contentType).toBe('application/xml; charset=utf-8')
    expect(body).toBe(
      '<TokenRequest xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/IO.Swagger.Models">' +
        '<WindowsAuthentication>false</WindowsAuthentication><client_id>tokendesk-demo</client_id><client_secret>s</client_secret>' +
        '<grant_type>password</grant_type><password>p&lt;&amp;&gt;"\'</password><scope>openid</scope><username>demo.user</username></TokenRequest>'
    )
  })

  it('golden: a refresh request in XML puts refresh_token between password and scope', () => {
    const { body } = encodeTokenRequest('xml', { WindowsAuthentication: true, members: { refresh_token: 'r', grant_type: 'refresh_token', client_id: 'c' } })
    expect(body).toContain('<WindowsAuthentication>true</WindowsAuthentication><client_id>c</client_id><grant_type>refresh_token</grant_type><refresh_token>r</refresh_token></TokenRequest>')
  })

  it('golden: JSON and form', () => {
    expect(encodeTokenRequest('json', request)).toEqual({
      contentType: 'application/json; charset=utf-8',
      body: '{"WindowsAuthentication":false,"client_id":"tokendesk-demo","client_secret":"s","grant_type":"password","password":"p<&>\\"\'","scope":"openid","username":"demo.user"}'
    })
    expect(encodeTokenRequest('form', request)).toEqual({
      contentType: 'application/x-www-form-urlencoded; charset=utf-8',
      body: 'WindowsAuthentication=false&client_id=tokendesk-demo&client_secret=s&grant_type=password&password=p%3C%26%3E%22%27&scope=openid&username=demo.user'
    })
  })

  it('a value XML cannot carry → VALIDATION_FAILED naming the field, not the value', () => {
    expect(() => encodeTokenRequest('xml', { WindowsAuthentication: false, members: { password: 'bell\u0007' } }, { password: 'password' })).toThrow(
      'The password contains control characters that XML cannot carry. Choose the JSON or form body format for this account, or change the password.'
    )
  })

  const memberValue = fc.option(fc.string({ unit: 'grapheme-composite', maxLength: 40 }), { nil: undefined })
  const anyRequest = fc.record({
    WindowsAuthentication: fc.boolean(),
    members: fc.record(
      { client_id: memberValue, client_secret: memberValue, grant_type: memberValue, password: memberValue, refresh_token: memberValue, scope: memberValue, username: memberValue },
      { requiredKeys: [] }
    )
  })
  const withoutUndefined = (request: TokenRequest): TokenRequest => ({
    WindowsAuthentication: request.WindowsAuthentication,
    members: Object.fromEntries(Object.entries(request.members).filter(([, value]) => value !== undefined))
  })

  it('property: XML round trip (build → parse) gives back every member, whitespace and markup included', () => {
    fc.assert(
      fc.property(anyRequest, (generated) => {
        const request = withoutUndefined(generated)
        fc.pre(Object.values(request.members).every((value) => value === undefined || xmlCanCarry(value)))
        expect(decodeXmlTokenRequest(encodeTokenRequest('xml', request).body)).toEqual(request)
      }),
      { numRuns: 300 }
    )
  })

  it('property: XML round trip over full Unicode strings (CR, tabs, astral characters)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), fc.constantFrom('\r\n', '\t', ' ', '&#xD;', ']]>'), (text, extra) => {
        const value = `${extra}${text}${extra}`
        fc.pre(xmlCanCarry(value))
        const request: TokenRequest = { WindowsAuthentication: false, members: { password: value } }
        expect(decodeXmlTokenRequest(encodeTokenRequest('xml', request).body)?.members.password).toBe(value)
      }),
      { numRuns: 300 }
    )
  })

  it('property: JSON and form round trip', () => {
    fc.assert(
      fc.property(anyRequest, (generated) => {
        const request = withoutUndefined(generated)
        const fromJson = JSON.parse(encodeTokenRequest('json', request).body) as Record<string, unknown>
        expect(fromJson).toEqual({ WindowsAuthentication: request.WindowsAuthentication, ...request.members })
        const fromForm = Object.fromEntries(new URLSearchParams(encodeTokenRequest('form', request).body))
        expect(fromForm).toEqual({ WindowsAuthentication: String(request.WindowsAuthentication), ...request.members })
      }),
      { numRuns: 200 }
    )
  })

  it('property: values XML cannot carry are refused with an AppError, never sent mangled', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 10 }), fc.constantFrom('\u0000', '\u0008', '\u000B', '\u001F', '\uFFFE', '\uD800'), (text, bad) => {
        expect(() => encodeTokenRequest('xml', { WindowsAuthentication: false, members: { username: `${text}${bad}` } })).toThrow(AppError)
      })
    )
  })
})

describe('the error mapper', () => {
  const SECRET = 'Sup3rSecretValue42'
  const response = (status: number, contentType: string, body: string): HttpResponse => ({
    status,
    headers: { 'content-type': contentType },
    body,
    url: 'http://127.0.0.1/api/v1/auth/token',
    sentAt: 0,
    receivedAt: 0,
    skewMs: null,
    json: () => JSON.parse(body) as unknown
  })
  const keycloakErrors = fc.constantFrom(
    'invalid_grant',
    'unauthorized_client',
    'invalid_client',
    'invalid_scope',
    'invalid_request',
    'unsupported_grant_type',
    'temporarily_unavailable'
  )
  const descriptions = fc.oneof(
    fc.constantFrom(
      'Invalid user credentials',
      'Account disabled',
      'Account is not fully set up',
      'Client not allowed for direct access grants',
      'Client not enabled to retrieve service account',
      'Public client not allowed to retrieve service account',
      'Bearer-only not allowed',
      'Client requires user consent',
      'HTTPS required',
      'Token is not active',
      `Invalid scopes: ${SECRET}`
    ),
    fc.string({ maxLength: 300 }).map((text) => `${text}${SECRET}${text}`)
  )
  const bodies = fc.oneof(
    fc.record({ error: keycloakErrors, error_description: descriptions }).map((body) => ['application/json', JSON.stringify(body)] as const),
    fc.record({ Message: descriptions }).map((body) => ['application/json; charset=utf-8', JSON.stringify(body)] as const),
    fc.json().map((body) => ['application/json', body] as const),
    fc.string({ maxLength: 200 }).map((body) => ['text/html', body] as const),
    fc
      .tuple(keycloakErrors, descriptions)
      .map(
        ([error, description]) =>
          [
            'application/xml',
            `<ArrayOfKeyValueOfstringstring><KeyValueOfstringstring><Key>error</Key><Value>${error}</Value></KeyValueOfstringstring><KeyValueOfstringstring><Key>error_description</Key><Value>${description.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</Value></KeyValueOfstringstring></ArrayOfKeyValueOfstringstring>`
          ] as const
      ),
    fc.string({ maxLength: 100 }).map((text) => ['application/xml', `<${text}`] as const)
  )

  const context = (grant: 'password' | 'client_credentials' | 'refresh_token' = 'password') => ({ grant, clientId: 'tokendesk-demo', purpose: 'Keycloak proxy password login', secrets: [SECRET] })
  const oauth = (status: number, error: string, description?: string): HttpResponse =>
    response(status, 'application/json', JSON.stringify(description === undefined ? { error } : { error, error_description: description }))

  it('a 404 is never Keycloak\'s token endpoint: check the base URL', () => {
    const error = tokenErrorFor(response(404, 'application/json', '{"Message":"No HTTP resource was found that matches the request URI."}'), context())
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE')
    expect(error.message).toBe("Keycloak proxy password login: the server has no token endpoint at this address (HTTP 404). Check the base URL: it is the proxy's root, without api/v1/auth/token.")
    expect(error.details).toEqual({ status: 404, purpose: 'Keycloak proxy password login', fields: { baseUrl: 'Check the base URL.' } })
  })

  it('the error and its description are kept in the details, credentials blanked', () => {
    const error = tokenErrorFor(oauth(400, 'invalid_scope', `Invalid scopes: openid ${SECRET}`), context())
    expect(error.details).toEqual({
      status: 400,
      purpose: 'Keycloak proxy password login',
      error: 'invalid_scope',
      reason: 'Invalid scopes: openid [redacted]',
      fields: { scope: 'Use scopes assigned to this client, or leave empty.' }
    })
    expect(error.message).toBe(
      'Keycloak does not allow the requested scope for client tokendesk-demo ("Invalid scopes: openid [redacted]"). Edit the client\'s Scope: use scopes assigned to the client in Keycloak, or leave it empty.'
    )
    const bare = tokenErrorFor(oauth(400, 'invalid_scope'), context())
    expect(bare.message).toMatch(/^Keycloak does not allow the requested scope for client tokendesk-demo\. Edit/)
    expect(bare.details).not.toHaveProperty('reason')
  })

  it('another invalid_grant on a login quotes Keycloak, or says nothing more without a description', () => {
    expect(tokenErrorFor(oauth(400, 'invalid_grant', 'Session not active'), context()).message).toBe(
      'Keycloak refused the login: "Session not active". Check the user name and password.'
    )
    expect(tokenErrorFor(oauth(400, 'invalid_grant'), context()).message).toBe('Keycloak refused the login. Check the user name and password.')
  })

  it('a client error without a known description is the client-secret sentence, naming both fields', () => {
    const error = tokenErrorFor(oauth(401, 'invalid_client', 'Invalid client or Invalid client credentials'), context())
    expect(error.code).toBe('CLIENT_REJECTED')
    expect(error.details?.fields).toEqual({ clientId: 'Check the client ID.', clientSecret: 'Check the client secret.' })
    expect(tokenErrorFor(oauth(400, 'unauthorized_client', 'something new'), context()).message).toBe('The client secret was rejected (or the client is unknown or disabled).')
  })

  it('invalid_request: HTTPS and a missing user name have their own sentences; other ones quote the server', () => {
    const username = tokenErrorFor(oauth(400, 'invalid_request', 'Missing parameter: username'), context())
    expect(username.code).toBe('VALIDATION_FAILED')
    expect(username.details?.fields).toEqual({ username: 'User name is required.' })
    const https = tokenErrorFor(oauth(403, 'invalid_request', 'HTTPS required'), context())
    expect(https.details?.fields).toEqual({ baseUrl: 'Use https://.' })
    const other = tokenErrorFor(oauth(400, 'invalid_request', 'No refresh token'), context('refresh_token'))
    expect(other.code).toBe('UPSTREAM_ERROR')
    expect(other.message).toBe('Keycloak proxy password login failed (HTTP 400): the server said "No refresh token".')
    expect(tokenErrorFor(oauth(400, 'temporarily_unavailable'), context()).message).toBe('Keycloak proxy password login failed (HTTP 400): the server said "temporarily_unavailable".')
  })

  it('an OAuth error with a 401, 403, 429 or 5xx status falls back to the common status sentence', () => {
    expect(tokenErrorFor(oauth(401, 'invalid_token', 'Token verification failed'), context()).code).toBe('AUTH_REJECTED')
    expect(tokenErrorFor(oauth(403, 'access_denied'), context()).code).toBe('AUTH_REJECTED')
    expect(tokenErrorFor(oauth(429, 'slow_down'), context()).code).toBe('RATE_LIMITED')
    expect(tokenErrorFor(oauth(503, 'temporarily_unavailable'), context()).code).toBe('UPSTREAM_ERROR')
    expect(tokenErrorFor(oauth(503, 'temporarily_unavailable'), context()).message).toMatch(/the server failed \(HTTP 503\)/)
  })

  it('unsupported_grant_type names the grant and the client', () => {
    const error = tokenErrorFor(oauth(400, 'unsupported_grant_type', 'Unsupported grant_type'), context('client_credentials'))
    expect(error.code).toBe('UPSTREAM_ERROR')
    expect(error.message).toBe('The server does not support the client_credentials grant. Choose another grant for client tokendesk-demo.')
  })

  it('Web API {"Message"} errors: 415 and 400 ask for another body format; other statuses are the common sentence', () => {
    const unreadable = tokenErrorFor(response(400, 'application/json; charset=utf-8', '{"Message":"The request is invalid."}'), context())
    expect(unreadable.code).toBe('UPSTREAM_ERROR')
    expect(unreadable.message).toBe('The server could not read the token request (HTTP 400: "The request is invalid."). Edit the account and try another Body format (JSON, XML or form).')
    expect(unreadable.details).not.toHaveProperty('fields')
    const failed = tokenErrorFor(response(500, 'application/json', '{"Message":"An error has occurred."}'), context())
    expect(failed.message).toBe('Keycloak proxy password login: the server failed (HTTP 500). Try again later. The server said: "An error has occurred.".')
  })

  it('answers that are neither JSON nor XML: a bare 401 is the client secret; below 500 a wrong address; a 5xx or 429 the common sentence', () => {
    expect(tokenErrorFor(response(401, 'text/plain', ''), context()).code).toBe('CLIENT_REJECTED')
    const html = tokenErrorFor(response(400, 'text/html', '<!DOCTYPE html><html><body><h1>Bad Request</h1></body></html>'), context())
    expect(html.code).toBe('UPSTREAM_BAD_RESPONSE')
    expect(html.message).toBe(
      "Keycloak proxy password login: the server's answer (HTTP 400) is not from a Keycloak token proxy. Check the base URL: it is the proxy's root, without api/v1/auth/token."
    )
    expect(tokenErrorFor(response(502, 'text/html', '<!DOCTYPE html><html><body>Bad Gateway</body></html>'), context()).code).toBe('UPSTREAM_ERROR')
    expect(tokenErrorFor(response(429, 'text/plain', 'slow down'), context()).code).toBe('RATE_LIMITED')
    expect(tokenErrorFor(response(499, 'text/plain', 'Client Closed Request'), context()).code).toBe('UPSTREAM_BAD_RESPONSE')
    // JSON without any OAuth or Web API member is an answer, just not one we know: the common sentence.
    expect(tokenErrorFor(response(409, 'application/json', '{"status":"conflict"}'), context()).message).toBe('Keycloak proxy password login failed with HTTP 409.')
  })

  it('a 401 HTML page (a proxy or single sign-on login page) says so, names the status, and does not blame the client secret', () => {
    const sentence =
      "Keycloak proxy password login: the server answered HTTP 401 with an HTML page, not the token endpoint's JSON — most likely the login page of a proxy or single sign-on in front of the token endpoint. Check the base URL, or ask whoever runs that proxy to let requests to api/v1/auth/token through."
    const pages: Array<[string, string]> = [
      ['text/html; charset=utf-8', '<!DOCTYPE html><html><head><title>Sign in to Contoso</title></head><body><form>…</form></body></html>'],
      ['text/html', '<html>\r\n<head><title>401 Authorization Required</title></head>\r\n<body><center><h1>401 Authorization Required</h1></center><hr><center>nginx</center></body></html>'],
      ['text/html', '<h1>Unauthorized: Sign in to Contoso</h1>'],
      ['text/plain', '\uFEFF<!doctype html>\n<title>Sign in to Contoso</title>'],
      ['application/octet-stream', '<!-- login --><HTML lang="en"><body>Sign in to Contoso</body></HTML>'],
      ['application/xhtml+xml', '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body>Sign in to Contoso</body></html>']
    ]
    for (const [contentType, body] of pages) {
      const error = tokenErrorFor(response(401, contentType, body), context())
      expect(error.code, body).toBe('UPSTREAM_BAD_RESPONSE')
      expect(error.message, body).toBe(sentence)
      expect(error.details, body).toEqual({ status: 401, purpose: 'Keycloak proxy password login', fields: { baseUrl: 'Check the base URL.' } })
      expect(JSON.stringify(error.toData()), body).not.toMatch(/Contoso|nginx|Authorization Required/)
    }
  })

  it('a 401 that is not a page keeps its sentence: empty or plain text is the client secret, a JSON invalid_client too, even labelled text/html', () => {
    for (const [contentType, body] of [['text/plain', ''], ['text/html', '  \r\n'], ['text/html', 'Unauthorized']] as const) {
      expect(tokenErrorFor(response(401, contentType, body), context()).message, body).toBe('The client secret was rejected (or the client is unknown or disabled).')
    }
    for (const contentType of ['application/json', 'text/html']) {
      const json = tokenErrorFor(response(401, contentType, JSON.stringify({ error: 'invalid_client', error_description: 'Invalid client or Invalid client credentials' })), context())
      expect(json.code, contentType).toBe('CLIENT_REJECTED')
      expect(json.message, contentType).toBe('The client secret was rejected (or the client is unknown or disabled).')
    }
    // The Web API's own 401 ([Authorize] in front of the controller) is JSON, not a page.
    const framework = tokenErrorFor(response(401, 'text/html', '{"Message":"Authorization has been denied for this request."}'), context())
    expect(framework.message).not.toContain('HTML page')
  })

  it('a client ID that contains a credential is not quoted back', () => {
    const error = tokenErrorFor(oauth(400, 'unauthorized_client', 'Bearer-only not allowed'), { ...context(), clientId: `client-${SECRET}` })
    expect(error.message).toBe('Client client-[redacted] is bearer-only in Keycloak and cannot obtain tokens.')
  })

  it('property: any status and body → an AppError with a known code and no secret in it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), bodies, fc.constantFrom('password', 'client_credentials', 'refresh_token') as fc.Arbitrary<'password' | 'client_credentials' | 'refresh_token'>, (status, [contentType, body], grant) => {
        const error = tokenErrorFor(response(status, contentType, body), { grant, clientId: 'tokendesk-demo', purpose: 'Keycloak proxy password login', secrets: [SECRET] })
        expect(error).toBeInstanceOf(AppError)
        expect(ERROR_CODES).toContain(error.code)
        expect(error.message.length).toBeGreaterThan(10)
        expect(JSON.stringify({ message: error.message, data: error.toData() })).not.toContain(SECRET)
      }),
      { numRuns: 500 }
    )
  })

  it('property: on a refresh, any invalid_grant is REFRESH_EXPIRED', () => {
    fc.assert(
      fc.property(fc.constantFrom(400, 401), descriptions, (status, description) => {
        const error = tokenErrorFor(response(status, 'application/json', JSON.stringify({ error: 'invalid_grant', error_description: description })), {
          grant: 'refresh_token',
          clientId: 'c',
          purpose: 'Keycloak proxy token refresh',
          secrets: [SECRET]
        })
        expect(error.code).toBe('REFRESH_EXPIRED')
      })
    )
  })
})

describe('lifetimes in sentences', () => {
  it.each([
    [0, '0 s'],
    [45, '45 s'],
    [60, '1 min'],
    [300, '5 min'],
    [1800, '30 min'],
    [3600, '1 h'],
    [5400, '1 h 30 min'],
    [86_400, '1 day'],
    [2_419_200, '28 days'],
    [90_061, '1 day 1 h'],
    // A zero unit between two others ends the sentence: "1 day", not "1 day 1 s".
    [86_401, '1 day'],
    [3_661, '1 h 1 min'],
    [61, '1 min 1 s'],
    [-5, '0 s'],
    [59.6, '1 min']
  ])('%d s → %s', (seconds, sentence) => {
    expect(describeSeconds(seconds)).toBe(sentence)
  })

  it('an expiry as a lifetime: seconds as given; a server time from the send, corrected by the skew', () => {
    expect(describeExpiry({ source: 'expires_in', kind: 'seconds', seconds: 300 }, 0, null)).toBe('5 min')
    // Server clock 10 s ahead: an exp 310 s after our send is 300 s of life.
    expect(describeExpiry({ source: 'jwt-exp', kind: 'server-time', atMs: 1_000_310_000 }, 1_000_000_000, 10_000)).toBe('5 min')
    expect(describeExpiry({ source: 'jwt-exp', kind: 'server-time', atMs: 1_000_300_000 }, 1_000_000_000, null)).toBe('5 min')
    expect(describeExpiry({ source: 'none', kind: 'none' }, 0, null)).toBe('no expiry')
    expect(describeExpiry({ source: 'unknown', kind: 'unknown' }, 0, null)).toBe('an unknown lifetime')
  })
})
