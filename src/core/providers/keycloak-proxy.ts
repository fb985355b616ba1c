import { decodeJwt } from 'jose'
import type { LoginCheck } from '../../shared/contract'
import { AppError } from '../../shared/errors'
import type { FieldSpec, ProviderInfo } from '../../shared/model'
import type { HttpResponse } from '../http/client'
import { baseUrlField, INSECURE_HTTP_FIELD, insecureAllowed, joinUrl, jwtExpiry, looksLikeJwt, stringField } from './common'
import { describeExpiry } from './keycloak/lifetime'
import {
  BODY_FORMATS,
  encodeTokenRequest,
  integerMember,
  readAnswer,
  stringMember,
  type BodyFormat,
  type TokenRequest,
  type TokenRequestStringMember
} from './keycloak/token-body'
import { tokenErrorFor, type KeycloakGrant } from './keycloak/token-errors'
import type { CredentialSet, ExpiryInfo, FlowInput, HeldToken, IssuedToken, Provider, ProviderContext } from './provider'

/**
 * The ASP.NET Web API proxy in front of Keycloak: `POST api/v1/auth/token` (seed-apis.md §4).
 * Account = one proxy (+ the user login for the password grant); app = one Keycloak client.
 */

const TOKEN_PATH = 'api/v1/auth/token'

/** RFC 6749 scope-token characters (NQCHAR without space), space-separated. */
const SCOPE_PATTERN = '^[\\x21\\x23-\\x5B\\x5D-\\x7E]+( +[\\x21\\x23-\\x5B\\x5D-\\x7E]+)* *$'

const accountFields: FieldSpec[] = [
  baseUrlField(
    'https://auth.example.com',
    "The proxy's root address; TokenDesk posts to <base URL>/api/v1/auth/token. For the built-in sandbox: <sandbox origin>/keycloak-proxy."
  ),
  {
    name: 'bodyFormat',
    label: 'Body format',
    kind: 'choice',
    required: true,
    default: 'json',
    choices: [
      { value: 'json', label: 'JSON' },
      { value: 'xml', label: 'XML (DataContract)' },
      { value: 'form', label: 'Form (x-www-form-urlencoded)' }
    ],
    help: 'How the token request is written. The proxy reads all three; change it only if your proxy refuses one (HTTP 415).',
    advanced: true
  },
  {
    name: 'username',
    label: 'User name',
    kind: 'text',
    required: false,
    placeholder: 'jane.doe',
    help: "Your Keycloak user, for clients that use the password grant. Leave empty if you only use client_credentials.",
    validation: { maxLength: 255 }
  },
  {
    name: 'password',
    label: 'Password',
    kind: 'secret',
    required: false,
    help: 'The password of that user, kept in the system keychain. Needed for the password grant only.'
  },
  {
    name: 'windowsAuthentication',
    label: 'Windows authentication',
    kind: 'boolean',
    required: false,
    default: false,
    advanced: true,
    help: "Sent to the proxy as WindowsAuthentication. Turn on only if your proxy's administrators told you to."
  },
  INSECURE_HTTP_FIELD
]

const appFields: FieldSpec[] = [
  {
    name: 'clientId',
    label: 'Client ID',
    kind: 'text',
    required: true,
    placeholder: 'my-app',
    help: 'The client as registered in Keycloak (Clients → Client ID).',
    validation: { pattern: '^\\S+$', patternMessage: 'A client ID has no spaces.', maxLength: 255 }
  },
  {
    name: 'clientSecret',
    label: 'Client secret',
    kind: 'secret',
    required: false,
    help: 'From Keycloak (Clients → Credentials). Leave empty for a public client, which has none.'
  },
  {
    name: 'grant',
    label: 'Grant',
    kind: 'choice',
    required: true,
    default: 'password',
    choices: [
      { value: 'password', label: 'Password (the account’s user login)' },
      { value: 'client_credentials', label: 'Client credentials (the client itself)' }
    ],
    help: 'What "Issue token" does for this client: log the account’s user in, or get a token for the client’s service account.'
  },
  {
    name: 'scope',
    label: 'Scope',
    kind: 'text',
    required: false,
    placeholder: 'openid offline_access',
    help: 'Optional extra scopes, separated by spaces. offline_access gives a refresh token that does not expire.',
    validation: { pattern: SCOPE_PATTERN, patternMessage: 'Scopes are words without quotes or backslashes, separated by spaces.', maxLength: 1000 }
  }
]

const info: ProviderInfo = {
  id: 'keycloak-proxy',
  label: 'Keycloak token proxy',
  description: 'An ASP.NET Web API that forwards POST api/v1/auth/token to Keycloak: password and client_credentials grants, refresh tokens that rotate.',
  appNoun: 'client',
  accountFields,
  appFields,
  flows: [
    {
      id: 'grant',
      label: 'Issue token',
      description: "Runs the client's configured grant and keeps the access token (and its refresh token, if one comes back).",
      target: 'app',
      produces: 'token',
      primary: true
    },
    {
      id: 'password',
      label: 'Log in with password',
      description: "Logs the account's user in through this client (password grant) and keeps the access and refresh tokens.",
      target: 'app',
      produces: 'token',
      primary: false
    },
    {
      id: 'client_credentials',
      label: 'Client credentials',
      description: "Gets a token for the client's own service account (client_credentials grant); it is renewed by issuing again.",
      target: 'app',
      produces: 'token',
      primary: false
    }
  ],
  canImportApps: false,
  presets: [
    {
      id: 'sandbox-demo-user',
      label: 'Built-in sandbox: demo.user',
      // The password is a secret field, so it is named in the sentence rather than carried in `fields` (which are stored as plain settings).
      description:
        'DEMO ONLY: the sandbox’s published demo login: base URL = the sandbox origin + /keycloak-proxy, password demo-user-password, client tokendesk-demo / demo-client-secret. Never use these values anywhere real.',
      fields: { bodyFormat: 'json', username: 'demo.user', windowsAuthentication: false }
    }
  ]
}

const FIELD_LABELS: Partial<Record<TokenRequestStringMember, string>> = {
  client_id: 'client ID',
  client_secret: 'client secret',
  password: 'password',
  username: 'user name',
  scope: 'scope',
  refresh_token: 'refresh token'
}

function bodyFormatOf(account: CredentialSet): BodyFormat {
  const chosen = stringField(account.fields, 'bodyFormat')
  return (BODY_FORMATS as readonly string[]).includes(chosen) ? (chosen as BodyFormat) : 'json'
}

function requireApp(input: FlowInput): CredentialSet {
  if (input.app === null) throw new AppError('VALIDATION_FAILED', 'Choose a client: Keycloak tokens are issued for a client.', { fields: { clientId: 'Choose a client.' } })
  return input.app
}

function grantForFlow(flow: string, app: CredentialSet): KeycloakGrant {
  if (flow === 'password' || flow === 'client_credentials') return flow
  if (flow === 'grant') return stringField(app.fields, 'grant') === 'client_credentials' ? 'client_credentials' : 'password'
  throw new AppError('FLOW_NOT_SUPPORTED', `The Keycloak proxy has no "${flow.slice(0, 60)}" flow.`, { flow: flow.slice(0, 60) })
}

/** Scopes as one space-separated line (the form allows stray spaces). */
function normalizedScope(app: CredentialSet): string | undefined {
  const scope = stringField(app.fields, 'scope').trim().split(/\s+/).filter((part) => part !== '').join(' ')
  return scope === '' ? undefined : scope
}

interface GrantRequest {
  grant: KeycloakGrant
  account: CredentialSet
  app: CredentialSet
  members: Partial<Record<TokenRequestStringMember, string>>
  purpose: string
}

async function postTokenRequest(request: GrantRequest, ctx: ProviderContext): Promise<{ response: HttpResponse; secrets: string[] }> {
  const { account, app, grant } = request
  const clientSecret = app.secrets.clientSecret
  const tokenRequest: TokenRequest = {
    WindowsAuthentication: account.fields.windowsAuthentication === true,
    members: {
      client_id: stringField(app.fields, 'clientId'),
      ...(clientSecret !== undefined && clientSecret !== '' ? { client_secret: clientSecret } : {}),
      grant_type: grant,
      ...request.members
    }
  }
  const secrets = [tokenRequest.members.client_secret, tokenRequest.members.password, tokenRequest.members.refresh_token].filter(
    (value): value is string => value !== undefined && value !== ''
  )
  const encoded = encodeTokenRequest(bodyFormatOf(account), tokenRequest, FIELD_LABELS)
  const response = await ctx.http.request({
    method: 'POST',
    url: joinUrl(stringField(account.fields, 'baseUrl'), TOKEN_PATH),
    // JSON back is the proxy's default, but say so: a server may otherwise answer an XML request in XML.
    headers: { 'Content-Type': encoded.contentType, Accept: 'application/json' },
    body: encoded.body,
    purpose: request.purpose,
    secrets,
    allowInsecureHttp: insecureAllowed(account),
    // A refresh token may be single use (revokeRefreshToken): it must never be sent twice.
    retry: grant === 'refresh_token' ? 'unsent-only' : 'safe'
  })
  return { response, secrets }
}

function secondsExpiry(seconds: number): ExpiryInfo {
  return { source: 'expires_in', kind: 'seconds', seconds }
}

/** The proxy's 200 answer as an IssuedToken. `heldRefresh`: the one a refresh used, kept if no new one came back. */
function issuedFrom(response: HttpResponse, purpose: string, heldRefresh: string | null): IssuedToken {
  const answer = readAnswer(response.headers['content-type'], response.body)
  if (answer === null) {
    throw new AppError('UPSTREAM_BAD_RESPONSE', `${purpose}: the server's answer is neither JSON nor XML. Check the base URL: it is the proxy's root, without api/v1/auth/token.`, {
      purpose,
      status: response.status
    })
  }
  const accessToken = stringMember(answer, 'access_token')
  if (accessToken === undefined) throw new AppError('UPSTREAM_BAD_RESPONSE', `${purpose}: the server's answer has no "access_token".`, { purpose, missing: 'access_token' })
  const fromJwt = jwtExpiry(accessToken)
  const expiresIn = integerMember(answer, 'expires_in')
  // expires_in counts from when the request left; without it, the token's own exp is the next best source.
  const expiry = expiresIn !== undefined && expiresIn > 0 ? secondsExpiry(expiresIn) : fromJwt.expiry

  const newRefresh = stringMember(answer, 'refresh_token')
  let refresh: IssuedToken['refresh'] = null
  if (newRefresh !== undefined) {
    const refreshExpiresIn = integerMember(answer, 'refresh_expires_in')
    // 0 is Keycloak's "offline token": valid until revoked or unused for the offline idle time, which it does not report.
    const refreshExpiry: ExpiryInfo =
      refreshExpiresIn === 0 ? { source: 'none', kind: 'none' } : refreshExpiresIn !== undefined && refreshExpiresIn > 0 ? secondsExpiry(refreshExpiresIn) : jwtExpiry(newRefresh).expiry
    refresh = { value: newRefresh, expiry: refreshExpiry, rotates: true }
  } else if (heldRefresh !== null) {
    refresh = { value: heldRefresh, expiry: jwtExpiry(heldRefresh).expiry, rotates: true }
  }
  const tokenType = stringMember(answer, 'token_type') ?? 'Bearer'
  return {
    kind: 'access',
    value: accessToken,
    format: looksLikeJwt(accessToken) ? 'jwt' : 'opaque',
    expiry,
    notBeforeMs: fromJwt.notBeforeMs,
    sentAt: response.sentAt,
    skewMs: response.skewMs,
    refresh,
    header: { name: 'Authorization', prefix: `${tokenType} ` },
    renewal: refresh ? 'refresh-token' : 'reissue',
    revocable: false
  }
}

function isSuccess(response: HttpResponse): boolean {
  return response.status >= 200 && response.status < 300
}

async function runGrant(grant: KeycloakGrant, input: FlowInput, ctx: ProviderContext): Promise<IssuedToken> {
  const app = requireApp(input)
  const { account } = input
  const members: GrantRequest['members'] = {}
  const scope = normalizedScope(app)
  if (scope !== undefined) members.scope = scope
  if (grant === 'password') {
    const username = stringField(account.fields, 'username').trim()
    const password = account.secrets.password ?? ''
    const missing: Record<string, string> = {}
    if (username === '') missing.username = 'User name is required for the password grant.'
    if (password === '') missing.password = 'Password is required for the password grant.'
    if (Object.keys(missing).length > 0) {
      const what = Object.keys(missing).length === 2 ? 'a user name and password' : username === '' ? 'a user name' : 'a password'
      throw new AppError(
        'VALIDATION_FAILED',
        `${account.name}: the password grant needs ${what}. Edit the account and enter ${Object.keys(missing).length === 2 ? 'them' : 'it'}, or switch the client to client_credentials.`,
        { fields: missing }
      )
    }
    members.username = username
    members.password = password
  }
  const purpose = grant === 'password' ? 'Keycloak proxy password login' : 'Keycloak proxy client_credentials grant'
  const clientId = stringField(app.fields, 'clientId')
  const { response, secrets } = await postTokenRequest({ grant, account, app, members, purpose }, ctx)
  if (!isSuccess(response)) throw tokenErrorFor(response, { grant, clientId, purpose, secrets })
  return issuedFrom(response, purpose, null)
}

async function refreshWith(held: HeldToken, input: FlowInput, ctx: ProviderContext): Promise<IssuedToken> {
  const app = requireApp(input)
  if (held.refreshValue === null || held.refreshValue === '') {
    throw new AppError('REFRESH_EXPIRED', 'There is no refresh token for this access token — log in again.', {})
  }
  const purpose = 'Keycloak proxy token refresh'
  const clientId = stringField(app.fields, 'clientId')
  // No scope: a refresh keeps the scopes the login was granted.
  const { response, secrets } = await postTokenRequest({ grant: 'refresh_token', account: input.account, app, members: { refresh_token: held.refreshValue }, purpose }, ctx)
  if (!isSuccess(response)) throw tokenErrorFor(response, { grant: 'refresh_token', clientId, purpose, secrets })
  return issuedFrom(response, purpose, held.refreshValue)
}

function subjectName(accessToken: string): string | null {
  try {
    const claims = decodeJwt(accessToken)
    return typeof claims.preferred_username === 'string' && claims.preferred_username !== '' ? claims.preferred_username : null
  } catch {
    return null
  }
}

function describeValue(kind: string, value: string): string {
  return `${kind} (${looksLikeJwt(value) ? 'JWT' : 'opaque'}, ${value.length} characters)`
}

async function testLogin(input: FlowInput, ctx: ProviderContext): Promise<LoginCheck> {
  const started = ctx.now()
  if (input.app === null) return probeEndpoint(input, ctx, started)
  const grant = grantForFlow('grant', input.app)
  const issued = await runGrant(grant, input, ctx)
  const clientId = stringField(input.app.fields, 'clientId')
  const access = `access token ${describeExpiry(issued.expiry, issued.sentAt, issued.skewMs)}`
  const refresh = issued.refresh
    ? issued.refresh.expiry.kind === 'none'
      ? 'refresh token with no expiry (offline)'
      : `refresh token ${describeExpiry(issued.refresh.expiry, issued.sentAt, issued.skewMs)}`
    : 'no refresh token'
  const who =
    grant === 'password'
      ? `Logged in as ${subjectName(issued.value) ?? stringField(input.account.fields, 'username').trim()} with client ${clientId}`
      : `Client ${clientId} got a service-account token`
  const facts = [describeValue('access token', issued.value), `header: Authorization: ${issued.header.prefix.trim()} …`]
  if (issued.refresh) facts.push(describeValue('refresh token', issued.refresh.value))
  return { message: `${who}; ${access}, ${refresh}.`, facts, ms: ctx.now() - started }
}

/** Without a client nothing can log in, but an empty request proves the address is a Keycloak token proxy: said as such, never as a login. */
async function probeEndpoint(input: FlowInput, ctx: ProviderContext, started: number): Promise<LoginCheck> {
  const purpose = 'Keycloak proxy check'
  const response = await ctx.http.request({
    method: 'POST',
    url: joinUrl(stringField(input.account.fields, 'baseUrl'), TOKEN_PATH),
    headers: { 'Content-Type': 'application/json; charset=utf-8', Accept: 'application/json' },
    body: '{}',
    purpose,
    secrets: [],
    allowInsecureHttp: insecureAllowed(input.account),
    retry: 'safe'
  })
  const answer = readAnswer(response.headers['content-type'], response.body)
  const error = answer ? stringMember(answer, 'error') : undefined
  if (response.status === 400 && error !== undefined) {
    return {
      message: 'The Keycloak token proxy answers at this address. The user name and password are not checked yet: Keycloak logs in only through a client, so the first Issue token of a client checks them.',
      facts: [`POST ${TOKEN_PATH} without a grant → HTTP 400 ${error}`],
      ms: ctx.now() - started,
      checked: 'address'
    }
  }
  throw tokenErrorFor(response, { grant: 'password', clientId: '(none)', purpose, secrets: [] })
}

export const keycloakProxyProvider: Provider = {
  info,
  issue: async (flow, input, ctx) => runGrant(grantForFlow(flow, requireApp(input)), input, ctx),
  refresh: refreshWith,
  testLogin
}
