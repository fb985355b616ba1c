import { AppError } from '../../shared/errors'
import type { FieldSpec, FlowSpec } from '../../shared/model'
import type { LoginCheck } from '../../shared/contract'
import type { HttpResponse } from '../http/client'
import {
  baseUrlField,
  INSECURE_HTTP_FIELD,
  insecureAllowed,
  joinUrl,
  requiredSecret,
  serverMessage,
  stringField,
  unexpectedStatus
} from './common'
import type { CredentialSet, FlowInput, HeldToken, ImportedApp, IssuedToken, Provider, ProviderContext } from './provider'

/**
 * Respoke (seed-apis.md §1): an admin login gives an Admin-Token; an app's App-Secret buys a
 * single-use tokenId (`POST /tokens`), which `POST /session-tokens` turns into an App-Token
 * session. Every credential is an opaque UUID; errors are `{"error": "..."}`.
 */

export const RESPOKE_DEFAULT_TTL_SECONDS = 86400
export const RESPOKE_MIN_TTL_SECONDS = 60
const DEFAULT_ENDPOINT_ID = 'tokendesk'

const LOWER_UUID = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
const ANY_CASE_UUID = '^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$'

const ADMIN_LOGIN_ROUTES = ['admin-sessions', 'adminsessions'] as const
type AdminLoginRoute = (typeof ADMIN_LOGIN_ROUTES)[number]

const accountFields: FieldSpec[] = [
  baseUrlField(
    'https://api.respoke.io/v1',
    'The Respoke REST API root, ending in /v1 (the built-in sandbox serves it under /respoke/v1).',
    'https://api.respoke.io/v1'
  ),
  {
    name: 'username',
    label: 'Admin user name',
    kind: 'text',
    required: true,
    placeholder: 'you@example.com',
    help: 'The user name you sign in to the Respoke developer console with.',
    validation: { maxLength: 200 }
  },
  {
    name: 'password',
    label: 'Admin password',
    kind: 'secret',
    required: true,
    help: 'Stored in the system keychain; sent only to the admin login route.'
  },
  {
    name: 'adminLoginRoute',
    label: 'Admin login route',
    kind: 'choice',
    required: true,
    default: 'admin-sessions',
    advanced: true,
    choices: [
      { value: 'admin-sessions', label: 'admin-sessions (documented)' },
      { value: 'adminsessions', label: 'adminsessions (legacy, as respoke-admin 2.x calls it)' }
    ],
    help: 'Respoke served both spellings. Switch to the legacy one only if the server answers 404 to the documented route.'
  },
  INSECURE_HTTP_FIELD
]

const appFields: FieldSpec[] = [
  {
    name: 'appId',
    label: 'App ID',
    kind: 'text',
    required: true,
    placeholder: '0dfcfe78-c4af-497f-88f6-c6b3a8151fb3',
    help: "The app's ID from the Respoke developer console.",
    validation: {
      pattern: LOWER_UUID,
      patternMessage: 'An App ID is a lowercase UUID such as 0dfcfe78-c4af-497f-88f6-c6b3a8151fb3.'
    }
  },
  {
    name: 'appSecret',
    label: 'App-Secret',
    kind: 'secret',
    required: true,
    help: "The app's App-Secret from the developer console. App listings hide it, so paste it here."
  },
  {
    name: 'endpointId',
    label: 'Endpoint ID',
    kind: 'text',
    required: true,
    default: DEFAULT_ENDPOINT_ID,
    placeholder: DEFAULT_ENDPOINT_ID,
    help: 'The endpoint (user or device) the session is for; any name your app uses.',
    validation: { maxLength: 200 }
  },
  {
    name: 'roleId',
    label: 'Role ID',
    kind: 'text',
    required: false,
    placeholder: '56BD864A-3474-4D41-A3E7-1577078B63D5',
    help: 'The role the endpoint gets. Required unless the app is in development mode.',
    validation: { pattern: ANY_CASE_UUID, patternMessage: 'A Role ID is a UUID such as 56BD864A-3474-4D41-A3E7-1577078B63D5.' }
  },
  {
    name: 'ttl',
    label: 'Session lifetime (seconds)',
    kind: 'number',
    required: true,
    default: RESPOKE_DEFAULT_TTL_SECONDS,
    placeholder: String(RESPOKE_DEFAULT_TTL_SECONDS),
    help: 'How long the tokenId and the App-Token session last. 86400 is one day.',
    validation: { min: RESPOKE_MIN_TTL_SECONDS }
  }
]

const flows: FlowSpec[] = [
  {
    id: 'admin-login',
    label: 'Admin login',
    description: 'Signs in with the admin user name and password and returns an Admin-Token for the account-wide REST routes.',
    target: 'account',
    produces: 'token',
    primary: true
  },
  {
    id: 'app-session',
    label: 'App-Token session',
    description: "Issues a tokenId with the app's App-Secret and exchanges it at once for an App-Token session that lasts the lifetime set.",
    target: 'app',
    produces: 'token',
    primary: true
  },
  {
    id: 'token-id',
    label: 'tokenId for a client SDK',
    description: 'Issues a single-use tokenId to hand to a Respoke client SDK, which exchanges it for its own session.',
    target: 'app',
    produces: 'token',
    primary: false
  }
]

// --- pure parsers (property-tested) -------------------------------------------------------

export interface RespokeTokenIdAnswer {
  tokenId: string
  /** `expiryTime` (unix s) on the server's clock, as ms; null when the answer has none. */
  expiresAtMs: number | null
  /** expiryTime − createTime: the lifetime the server actually granted; null when not both present. */
  grantedTtlSeconds: number | null
}

/** Unix seconds as a number or a numeric string (the docs show strings, the traffic numbers). */
function unixSeconds(value: unknown): number | null {
  const parsed = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN
  return Number.isFinite(parsed) && parsed > 0 && parsed < 1e11 ? parsed : null
}

/** The `POST /tokens` answer; null when it carries no tokenId (the caller says so). */
export function parseTokenIdAnswer(body: unknown): RespokeTokenIdAnswer | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return null
  const record = body as Record<string, unknown>
  const tokenId = typeof record.tokenId === 'string' && record.tokenId !== '' ? record.tokenId : typeof record.id === 'string' && record.id !== '' ? record.id : null
  if (tokenId === null) return null
  const expiry = unixSeconds(record.expiryTime)
  const created = unixSeconds(record.createTime)
  const granted = expiry !== null && created !== null && expiry > created ? expiry - created : null
  return { tokenId, expiresAtMs: expiry === null ? null : Math.round(expiry * 1000), grantedTtlSeconds: granted }
}

export interface RespokeRateLimit {
  limit: number | null
  remaining: number | null
  unit: string | null
  retryAfterSeconds: number | null
}

function headerNumber(value: string | undefined): number | null {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return null
  const parsed = Number(value)
  return Number.isSafeInteger(parsed) ? parsed : null
}

/** The `Ratelimit-*` headers every Respoke answer carries (names are case-insensitive). */
export function parseRateLimitHeaders(headers: Readonly<Record<string, string | undefined>>): RespokeRateLimit {
  const lower: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) if (typeof value === 'string') lower[name.toLowerCase()] = value
  const unit = lower['ratelimit-time-units']?.trim()
  return {
    limit: headerNumber(lower['ratelimit-limit']),
    remaining: headerNumber(lower['ratelimit-remaining']),
    unit: unit && /^[a-z]{1,20}$/i.test(unit) ? unit.toLowerCase() : null,
    retryAfterSeconds: headerNumber(lower['retry-after'])
  }
}

/** A positive whole number of seconds ≥ 60 from the form value (numbers may arrive as text). */
export function parseTtl(value: unknown): number | null {
  const parsed = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN
  return Number.isSafeInteger(parsed) && parsed >= RESPOKE_MIN_TTL_SECONDS ? parsed : null
}

// --- requests -------------------------------------------------------------------------------

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' }

function baseUrl(input: FlowInput): string {
  const value = stringField(input.account.fields, 'baseUrl').trim()
  if (value === '') {
    throw new AppError('VALIDATION_FAILED', `${input.account.name}: the Base URL is empty. Edit the account and enter it.`, {
      fields: { baseUrl: 'Base URL is required.' }
    })
  }
  return value
}

function adminLoginRoute(account: CredentialSet): AdminLoginRoute {
  const value = stringField(account.fields, 'adminLoginRoute')
  return (ADMIN_LOGIN_ROUTES as readonly string[]).includes(value) ? (value as AdminLoginRoute) : 'admin-sessions'
}

function requireApp(input: FlowInput, flow: string): CredentialSet {
  if (!input.app) throw new AppError('FLOW_NOT_SUPPORTED', `The Respoke flow "${flow}" runs for an app. Choose one of the account's apps.`, { flow })
  return input.app
}

function appLabel(app: CredentialSet): string {
  const appId = stringField(app.fields, 'appId')
  return appId !== '' && appId !== app.name ? `${app.name} (${appId})` : app.name
}

/** The decoded JSON body as an object, or a typed error: never a SyntaxError from a proxy's HTML page. */
function jsonBody(response: HttpResponse, purpose: string): Record<string, unknown> {
  let body: unknown
  try {
    body = JSON.parse(response.body) as unknown
  } catch {
    body = null
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new AppError('UPSTREAM_BAD_RESPONSE', `${purpose}: the server's answer is not Respoke JSON. Check the base URL (it ends in /v1).`, {
      purpose,
      status: response.status
    })
  }
  return body as Record<string, unknown>
}

function tokenFrom(body: Record<string, unknown>, purpose: string): string {
  const token = body.token
  if (typeof token !== 'string' || token === '') {
    throw new AppError('UPSTREAM_BAD_RESPONSE', `${purpose}: the server's answer has no "token".`, { purpose, missing: 'token' })
  }
  return token
}

function quoted(response: HttpResponse, secrets: readonly string[]): string {
  const said = serverMessage(response, secrets)
  return said ? ` Respoke said: "${said}".` : ''
}

/** 401 with `details` naming a suspension (respoke.js `isSuspensionUnauthorizedResponse`). */
function suspension(response: HttpResponse): string | null {
  try {
    const body = JSON.parse(response.body) as unknown
    if (!body || typeof body !== 'object') return null
    const details = (body as Record<string, unknown>).details
    if (!details || typeof details !== 'object') return null
    const { message, reason } = details as Record<string, unknown>
    const text = [message, reason].filter((part): part is string => typeof part === 'string').join(' ')
    if (!/suspend/i.test(text)) return null
    return typeof reason === 'string' && reason.trim() !== '' ? reason.trim().slice(0, 100) : 'suspended'
  } catch {
    return null
  }
}

/** The failures every Respoke route shares: rate limit, suspension, server errors, the rest. */
function commonFailure(response: HttpResponse, purpose: string, secrets: readonly string[]): AppError {
  if (response.status === 429) {
    const limits = parseRateLimitHeaders(response.headers)
    const unit = (limits.unit ?? 'seconds').replace(/s$/, '')
    const rate = limits.limit !== null ? ` (limit: ${limits.limit} ${limits.limit === 1 ? 'request' : 'requests'} per ${unit})` : ''
    const wait = limits.retryAfterSeconds !== null ? `try again in ${limits.retryAfterSeconds} s` : 'wait a moment and try again'
    return new AppError('RATE_LIMITED', `${purpose}: Respoke is rate limiting requests${rate}; ${wait}.`, {
      status: 429,
      purpose,
      ...(limits.limit !== null ? { rateLimitLimit: limits.limit } : {}),
      ...(limits.unit !== null ? { rateLimitTimeUnits: limits.unit } : {}),
      ...(limits.remaining !== null ? { rateLimitRemaining: limits.remaining } : {}),
      ...(limits.retryAfterSeconds !== null ? { retryAfterSeconds: limits.retryAfterSeconds } : {})
    })
  }
  if (response.status === 401) {
    const reason = suspension(response)
    if (reason !== null) {
      return new AppError('AUTH_REJECTED', `${purpose}: Respoke has suspended this account (${reason}). Resolve it in the Respoke portal.`, {
        status: 401,
        purpose
      })
    }
  }
  if (response.status === 404) {
    return new AppError('UPSTREAM_ERROR', `${purpose}: the server has no such route (HTTP 404).${quoted(response, secrets)}`, {
      status: 404,
      purpose,
      fix: 'Check the base URL (it ends in /v1).'
    })
  }
  return unexpectedStatus(response, purpose, secrets)
}

interface AdminSession {
  token: string
  sentAt: number
  skewMs: number | null
}

async function adminLogin(input: FlowInput, ctx: ProviderContext): Promise<AdminSession> {
  const purpose = 'Respoke admin login'
  const username = stringField(input.account.fields, 'username')
  if (username.trim() === '') {
    throw new AppError('VALIDATION_FAILED', `${input.account.name}: the admin user name is empty. Edit the account and enter it.`, {
      fields: { username: 'Admin user name is required.' }
    })
  }
  const password = requiredSecret(input.account, 'password', 'admin password')
  const route = adminLoginRoute(input.account)
  const secrets = [password]
  const response = await ctx.http.request({
    method: 'POST',
    url: joinUrl(baseUrl(input), route),
    headers: JSON_HEADERS,
    body: JSON.stringify({ username, password }),
    purpose,
    secrets,
    allowInsecureHttp: insecureAllowed(input.account),
    retry: 'safe'
  })
  if (response.status === 200 || response.status === 201) {
    const token = tokenFrom(jsonBody(response, purpose), purpose)
    ctx.log.redact(token)
    return { token, sentAt: response.sentAt, skewMs: response.skewMs }
  }
  if (response.status === 401 && suspension(response) === null) {
    throw new AppError('AUTH_REJECTED', 'Respoke rejected the user name or password. Check both in the account settings.', {
      status: 401,
      purpose,
      fields: { username: 'Check the user name.', password: 'Check the password.' }
    })
  }
  if (response.status === 400) {
    throw new AppError('VALIDATION_FAILED', `${purpose}: Respoke refused the request as incomplete.${quoted(response, secrets)}`, { status: 400, purpose })
  }
  if (response.status === 404) {
    const other = route === 'admin-sessions' ? 'adminsessions (legacy)' : 'admin-sessions'
    throw new AppError(
      'UPSTREAM_ERROR',
      `${purpose}: the server has no /${route} route (HTTP 404). Check the base URL (it ends in /v1), or switch the admin login route to ${other}.`,
      { status: 404, purpose, fields: { adminLoginRoute: `Try ${other}.` } }
    )
  }
  throw commonFailure(response, purpose, secrets)
}

interface TokenIdResult {
  answer: RespokeTokenIdAnswer
  ttl: number
  sentAt: number
  skewMs: number | null
}

async function requestTokenId(input: FlowInput, app: CredentialSet, ctx: ProviderContext): Promise<TokenIdResult> {
  const purpose = `Respoke tokenId for app ${app.name}`
  const appSecret = requiredSecret(app, 'appSecret', 'App-Secret')
  const appId = stringField(app.fields, 'appId').trim()
  if (appId === '') {
    throw new AppError('VALIDATION_FAILED', `${app.name}: the App ID is empty. Edit the app and enter it.`, { fields: { appId: 'App ID is required.' } })
  }
  const endpointId = stringField(app.fields, 'endpointId').trim() || DEFAULT_ENDPOINT_ID
  const roleId = stringField(app.fields, 'roleId').trim()
  const rawTtl = app.fields.ttl ?? RESPOKE_DEFAULT_TTL_SECONDS
  const ttl = parseTtl(rawTtl)
  if (ttl === null) {
    throw new AppError('VALIDATION_FAILED', `${app.name}: the session lifetime must be a whole number of seconds, at least ${RESPOKE_MIN_TTL_SECONDS}.`, {
      fields: { ttl: `At least ${RESPOKE_MIN_TTL_SECONDS} seconds.` }
    })
  }
  const secrets = [appSecret]
  const response = await ctx.http.request({
    method: 'POST',
    url: joinUrl(baseUrl(input), 'tokens'),
    headers: { ...JSON_HEADERS, 'App-Secret': appSecret },
    body: JSON.stringify({ appId, endpointId, ...(roleId !== '' ? { roleId } : {}), ttl }),
    purpose,
    secrets,
    allowInsecureHttp: insecureAllowed(input.account),
    // Each call mints a new tokenId; repeating one that was lost only leaves an unused tokenId behind.
    retry: 'safe'
  })
  if (response.status === 200 || response.status === 201) {
    const answer = parseTokenIdAnswer(jsonBody(response, purpose))
    if (answer === null) throw new AppError('UPSTREAM_BAD_RESPONSE', `${purpose}: the server's answer has no "tokenId".`, { purpose, missing: 'tokenId' })
    ctx.log.redact(answer.tokenId)
    return { answer, ttl, sentAt: response.sentAt, skewMs: response.skewMs }
  }
  throw tokenIdFailure(response, app, appId, purpose, secrets)
}

function tokenIdFailure(response: HttpResponse, app: CredentialSet, appId: string, purpose: string, secrets: readonly string[]): AppError {
  const said = serverMessage(response, secrets) ?? ''
  const label = appLabel(app)
  if (response.status === 401 && suspension(response) === null) {
    return new AppError('CLIENT_REJECTED', `Respoke rejected the App-Secret of app ${label}. Copy the current App-Secret from the Respoke developer console into the app's settings.`, {
      status: 401,
      purpose,
      fields: { appSecret: 'Check the App-Secret.' }
    })
  }
  if (response.status === 403) {
    return new AppError('CLIENT_REJECTED', `The App-Secret stored for ${label} belongs to a different Respoke app. Check the App ID and the App-Secret.`, {
      status: 403,
      purpose,
      fields: { appId: 'Check the App ID.', appSecret: 'Check the App-Secret.' }
    })
  }
  if (response.status === 404 && /role/i.test(said)) {
    return new AppError('VALIDATION_FAILED', `Respoke has no role with the Role ID set for ${label}. Check the Role ID (or clear it for an app in development mode).`, {
      status: 404,
      purpose,
      fields: { roleId: 'No such role in this app.' }
    })
  }
  if (response.status === 404 && /app/i.test(said)) {
    return new AppError('VALIDATION_FAILED', `Respoke has no app with the App ID ${appId}. Check the App ID.`, {
      status: 404,
      purpose,
      fields: { appId: 'No such app.' }
    })
  }
  if (response.status === 400 && /role/i.test(said)) {
    return new AppError('VALIDATION_FAILED', `Respoke needs a Role ID for ${label}: the app is not in development mode. Enter the Role ID in the app's settings.`, {
      status: 400,
      purpose,
      fields: { roleId: 'Required unless the app is in development mode.' }
    })
  }
  if (response.status === 400) {
    return new AppError('VALIDATION_FAILED', `${purpose}: Respoke refused the request.${quoted(response, secrets)} Check the app's settings.`, { status: 400, purpose })
  }
  return commonFailure(response, purpose, secrets)
}

async function openSession(input: FlowInput, app: CredentialSet, tokenId: string, ctx: ProviderContext): Promise<{ token: string }> {
  const purpose = `Respoke session for app ${app.name}`
  const secrets = [tokenId]
  const response = await ctx.http.request({
    method: 'POST',
    url: joinUrl(baseUrl(input), 'session-tokens'),
    // No auth header: the tokenId is the credential (seed-apis.md §1.8).
    headers: JSON_HEADERS,
    body: JSON.stringify({ tokenId }),
    purpose,
    secrets,
    allowInsecureHttp: insecureAllowed(input.account),
    // A tokenId is single use: a request that may have reached the server must not be sent again.
    retry: 'unsent-only'
  })
  if (response.status === 200 || response.status === 201) {
    const token = tokenFrom(jsonBody(response, purpose), purpose)
    ctx.log.redact(token)
    return { token }
  }
  if (response.status === 401 || response.status === 404) {
    throw new AppError(
      'UPSTREAM_ERROR',
      `Respoke refused the tokenId for app ${app.name}: it is unknown, already used or expired (tokenIds are single use). Issue a new session.${quoted(response, secrets)}`,
      { status: response.status, purpose }
    )
  }
  throw commonFailure(response, purpose, secrets)
}

// --- the provider ---------------------------------------------------------------------------

async function issue(flow: string, input: FlowInput, ctx: ProviderContext): Promise<IssuedToken> {
  if (flow === 'admin-login') {
    const session = await adminLogin(input, ctx)
    return {
      kind: 'Admin-Token',
      value: session.token,
      format: 'opaque',
      // Its lifetime is undocumented (seed-apis.md §1.5): the UI shows its age instead.
      expiry: { source: 'unknown', kind: 'unknown' },
      sentAt: session.sentAt,
      skewMs: session.skewMs,
      header: { name: 'Admin-Token', prefix: '' },
      renewal: 'none',
      revocable: false
    }
  }
  if (flow === 'app-session') {
    const app = requireApp(input, flow)
    const issued = await requestTokenId(input, app, ctx)
    const session = await openSession(input, app, issued.answer.tokenId, ctx)
    return {
      kind: 'App-Token',
      value: session.token,
      format: 'opaque',
      // The App-Token's expiry is never reported; the ttl bounds the session (seed-apis.md §1.5),
      // counted from the tokenId request. Prefer the lifetime the server granted over the one asked.
      expiry: { source: 'ttl', kind: 'seconds', seconds: issued.answer.grantedTtlSeconds ?? issued.ttl },
      sentAt: issued.sentAt,
      skewMs: issued.skewMs,
      header: { name: 'App-Token', prefix: '' },
      renewal: 'reissue',
      revocable: true
    }
  }
  if (flow === 'token-id') {
    const app = requireApp(input, flow)
    const issued = await requestTokenId(input, app, ctx)
    return {
      kind: 'tokenId',
      value: issued.answer.tokenId,
      format: 'opaque',
      expiry:
        issued.answer.expiresAtMs !== null
          ? { source: 'expiryTime', kind: 'server-time', atMs: issued.answer.expiresAtMs }
          : { source: 'ttl', kind: 'seconds', seconds: issued.ttl },
      sentAt: issued.sentAt,
      skewMs: issued.skewMs,
      // Handed to a client SDK, which posts it as {"tokenId": ...}; the header form is a label for copying.
      header: { name: 'tokenId', prefix: '' },
      renewal: 'none',
      revocable: false
    }
  }
  throw new AppError('FLOW_NOT_SUPPORTED', `Respoke has no flow "${flow}".`, { flow })
}

async function revoke(held: HeldToken, input: FlowInput, ctx: ProviderContext): Promise<void> {
  if (held.kind !== 'App-Token') {
    throw new AppError('NOT_SUPPORTED', `A Respoke ${held.kind} cannot be ended at the server; let it expire.`, { kind: held.kind })
  }
  const purpose = 'Respoke session logout'
  const secrets = [held.value]
  const response = await ctx.http.request({
    method: 'DELETE',
    url: joinUrl(baseUrl(input), 'session-tokens'),
    headers: { accept: 'application/json', 'App-Token': held.value },
    purpose,
    secrets,
    allowInsecureHttp: insecureAllowed(input.account),
    retry: 'safe'
  })
  if (response.status >= 200 && response.status < 300) return
  // The server no longer knows the App-Token: the session is already over, which is what revoking wants.
  if (response.status === 401 && suspension(response) === null) {
    ctx.log.info('respoke', 'revoke: the App-Token was already invalid at the server')
    return
  }
  throw commonFailure(response, purpose, secrets)
}

function describeLifetime(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400} ${seconds === 86400 ? 'day' : 'days'}`
  if (seconds % 3600 === 0) return `${seconds / 3600} h`
  if (seconds % 60 === 0) return `${seconds / 60} min`
  return `${seconds} s`
}

async function testLogin(input: FlowInput, ctx: ProviderContext): Promise<LoginCheck> {
  const started = ctx.now()
  if (input.app) {
    const app = input.app
    const issued = await requestTokenId(input, app, ctx)
    const lifetime = issued.answer.grantedTtlSeconds ?? issued.ttl
    return {
      message: `App-Secret accepted for app ${app.name}; Respoke issued a tokenId (not used) for a ${describeLifetime(lifetime)} session.`,
      facts: [
        `tokenId (opaque, ${issued.answer.tokenId.length} characters)`,
        `endpoint ${stringField(app.fields, 'endpointId') || DEFAULT_ENDPOINT_ID}`,
        ...(issued.answer.expiresAtMs !== null ? [`expiryTime ${new Date(issued.answer.expiresAtMs).toISOString()} (server clock)`] : [])
      ],
      ms: ctx.now() - started
    }
  }
  const session = await adminLogin(input, ctx)
  const apps = await listApps(input, session.token, ctx)
  const username = stringField(input.account.fields, 'username')
  return {
    message: `Logged in as ${username}; ${apps.length} ${apps.length === 1 ? 'app' : 'apps'} visible.`,
    facts: [`Admin-Token (opaque, ${session.token.length} characters)`, `login route /${adminLoginRoute(input.account)}`],
    ms: ctx.now() - started
  }
}

interface ListedApp {
  id: string
  name: string
  developmentMode: boolean
}

async function listApps(input: FlowInput, adminToken: string, ctx: ProviderContext): Promise<ListedApp[]> {
  const purpose = 'Respoke app list'
  const secrets = [adminToken]
  const response = await ctx.http.request({
    method: 'GET',
    url: joinUrl(baseUrl(input), 'apps'),
    headers: { accept: 'application/json', 'Admin-Token': adminToken },
    purpose,
    secrets,
    allowInsecureHttp: insecureAllowed(input.account),
    retry: 'safe'
  })
  if (response.status !== 200) {
    if (response.status === 401 && suspension(response) === null) {
      throw new AppError('AUTH_REJECTED', `${purpose}: Respoke refused the fresh Admin-Token. Try again; if it persists, the account may lack access to apps.`, {
        status: 401,
        purpose
      })
    }
    throw commonFailure(response, purpose, secrets)
  }
  return parseAppList(response.body, purpose)
}

/** `GET /apps`: a JSON array of app objects; entries without an id are skipped. */
export function parseAppList(text: string, purpose = 'Respoke app list'): ListedApp[] {
  let body: unknown
  try {
    body = JSON.parse(text) as unknown
  } catch {
    body = null
  }
  if (!Array.isArray(body)) {
    throw new AppError('UPSTREAM_BAD_RESPONSE', `${purpose}: the server's answer is not a list of apps.`, { purpose })
  }
  const apps: ListedApp[] = []
  for (const entry of body) {
    if (!entry || typeof entry !== 'object') continue
    const record = entry as Record<string, unknown>
    if (typeof record.id !== 'string' || record.id === '') continue
    const name = typeof record.name === 'string' && record.name.trim() !== '' ? record.name.trim().slice(0, 100) : record.id
    apps.push({ id: record.id.toLowerCase(), name, developmentMode: record.developmentMode === true })
  }
  return apps
}

async function importApps(input: FlowInput, ctx: ProviderContext): Promise<ImportedApp[]> {
  const session = await adminLogin(input, ctx)
  const apps = await listApps(input, session.token, ctx)
  // Listings redact the App-Secret ("<redacted>"), so none is imported: the UI asks for each one.
  return apps.map((app) => ({
    name: app.name,
    fields: { appId: app.id, endpointId: DEFAULT_ENDPOINT_ID, ttl: RESPOKE_DEFAULT_TTL_SECONDS }
  }))
}

export const respokeProvider: Provider = {
  info: {
    id: 'respoke',
    label: 'Respoke',
    description: 'Respoke WebRTC platform: admin login (Admin-Token), tokenIds and App-Token sessions for your apps.',
    appNoun: 'app',
    accountFields,
    appFields,
    flows,
    canImportApps: true,
    presets: [
      {
        id: 'respoke-sandbox',
        label: 'Respoke sandbox',
        description:
          "DEMO ONLY: the built-in sandbox's admin (demo-admin, password demo-admin-password). Set the base URL to the sandbox's Respoke address, ending in /respoke/v1.",
        fields: { username: 'demo-admin', adminLoginRoute: 'admin-sessions' }
      }
    ]
  },
  issue,
  revoke,
  testLogin,
  importApps
}
