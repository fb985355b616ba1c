import type { LoginCheck } from '../../shared/contract'
import { AppError } from '../../shared/errors'
import type { FieldSpec, FlowSpec } from '../../shared/model'
import type { HttpResponse } from '../http/client'
import { baseUrlField, INSECURE_HTTP_FIELD, insecureAllowed, joinUrl, requiredSecret, serverMessage, stringField, unexpectedStatus } from './common'
import type { ActionResult, ExpiryInfo, FlowInput, IssuedToken, Provider, ProviderContext } from './provider'

/**
 * PocketPaw (seed-apis.md §2): the master token (`~/.pocketpaw/access_token`) is exchanged for a
 * stateless session token `<unix_exp>:<hex HMAC-SHA256>`. The expiry is the token's own prefix;
 * there is no per-token revoke, only regenerating the master, which kills every session.
 */

const API_PREFIXES = ['/api', '/api/v1'] as const
type ApiPrefix = (typeof API_PREFIXES)[number]

const REJECTED_MASTER =
  'PocketPaw rejected the master token. It changes when someone regenerates it: paste the current one from ~/.pocketpaw/access_token.'

const accountFields: FieldSpec[] = [
  baseUrlField(
    'http://localhost:8888',
    'The PocketPaw server address without /api (its dashboard runs on port 8888 by default; the built-in sandbox serves it under /pocketpaw).',
    'http://localhost:8888'
  ),
  {
    name: 'masterToken',
    label: 'Master token',
    kind: 'secret',
    required: true,
    placeholder: '3f2b…-…',
    help: 'The access token in ~/.pocketpaw/access_token on the server. It changes when someone regenerates it.'
  },
  {
    name: 'apiPrefix',
    label: 'API prefix',
    kind: 'choice',
    required: true,
    default: '/api',
    advanced: true,
    choices: [
      { value: '/api', label: '/api (the dashboard, `pocketpaw`)' },
      { value: '/api/v1', label: '/api/v1 (`pocketpaw serve` mounts only this one)' }
    ],
    help: 'Where the auth routes live. Use /api/v1 for a server started with `pocketpaw serve`.'
  },
  INSECURE_HTTP_FIELD
]

const flows: FlowSpec[] = [
  {
    id: 'session',
    label: 'Session token',
    description: 'Exchanges the master token for a session token that expires at the time encoded in its prefix (24 h by default).',
    target: 'account',
    produces: 'token',
    primary: true
  },
  {
    id: 'regenerate-master',
    label: 'Regenerate master token',
    description: 'Asks the server for a new master token and stores it in place of the old one.',
    target: 'account',
    produces: 'none',
    primary: false,
    confirm:
      'Every session token of this server stops working at once. Anyone else using the current master token (other machines, scripts) must be given the new one.'
  }
]

// --- the token format -----------------------------------------------------------------------

export interface PocketpawTokenParts {
  /** The encoded expiry (unix seconds) in ms, on the server's clock. */
  expiresAtMs: number
  /** The HMAC as written. The server compares it case-sensitively, so uppercase hex will not verify there. */
  signatureHex: string
}

/**
 * `<unix_exp>:<64 hex>` (session_tokens.py). Tolerates the `session:` prefix the docs wrongly
 * show and surrounding whitespace; anything else is null (the caller falls back to expires_in_hours).
 */
export function parsePocketpawToken(value: string): PocketpawTokenParts | null {
  const match = /^(?:session:)?(\d{1,12}):([0-9a-fA-F]{64})$/.exec(value.trim())
  if (!match) return null
  const seconds = Number(match[1])
  if (!Number.isSafeInteger(seconds) || seconds <= 0) return null
  return { expiresAtMs: seconds * 1000, signatureHex: match[2] as string }
}

/** Where the expiry comes from: the token's prefix, else `expires_in_hours`, else unknown. */
export function sessionExpiry(token: string, expiresInHours: unknown): ExpiryInfo {
  const parts = parsePocketpawToken(token)
  if (parts !== null) return { source: 'pocketpaw-prefix', kind: 'server-time', atMs: parts.expiresAtMs }
  // expires_in_hours echoes the server's setting rather than the token; it is only a fallback.
  if (typeof expiresInHours === 'number' && Number.isFinite(expiresInHours) && expiresInHours > 0) {
    return { source: 'expires_in', kind: 'seconds', seconds: Math.round(expiresInHours * 3600) }
  }
  return { source: 'unknown', kind: 'unknown' }
}

// --- requests -------------------------------------------------------------------------------

function baseUrl(input: FlowInput): string {
  const value = stringField(input.account.fields, 'baseUrl').trim()
  if (value === '') {
    throw new AppError('VALIDATION_FAILED', `${input.account.name}: the Base URL is empty. Edit the account and enter it.`, {
      fields: { baseUrl: 'Base URL is required.' }
    })
  }
  return value
}

function apiPrefix(input: FlowInput): ApiPrefix {
  const value = stringField(input.account.fields, 'apiPrefix')
  return (API_PREFIXES as readonly string[]).includes(value) ? (value as ApiPrefix) : '/api'
}

function failure(response: HttpResponse, purpose: string, secrets: readonly string[], input: FlowInput): AppError {
  if (response.status === 401 || response.status === 403) {
    return new AppError('AUTH_REJECTED', REJECTED_MASTER, { status: response.status, purpose, fields: { masterToken: 'Paste the current master token.' } })
  }
  if (response.status === 429) {
    const retryAfter = Number(response.headers['retry-after'])
    const known = Number.isFinite(retryAfter) && retryAfter >= 0
    return new AppError('RATE_LIMITED', `${purpose}: PocketPaw is rate limiting requests; ${known ? `try again in ${retryAfter} s` : 'try again shortly'}.`, {
      status: 429,
      purpose,
      ...(known ? { retryAfterSeconds: retryAfter } : {})
    })
  }
  if (response.status === 404 || response.status === 405) {
    const said = serverMessage(response, secrets)
    return new AppError(
      'UPSTREAM_ERROR',
      `${purpose}: the server has no such route under ${apiPrefix(input)} (HTTP ${response.status}).${said ? ` The server said: "${said}".` : ''}`,
      // A wrong address, not a failing server: the fix says so (the generic UPSTREAM_ERROR hint would not).
      { status: response.status, purpose, fix: 'Check the base URL (without /api) and the API prefix.', fields: { baseUrl: 'Check the address.', apiPrefix: 'Try the other prefix.' } }
    )
  }
  return unexpectedStatus(response, purpose, secrets)
}

function jsonBody(response: HttpResponse, purpose: string): Record<string, unknown> {
  let body: unknown
  try {
    body = JSON.parse(response.body) as unknown
  } catch {
    body = null
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new AppError('UPSTREAM_BAD_RESPONSE', `${purpose}: the server's answer is not PocketPaw JSON. Check the base URL and the API prefix.`, {
      purpose,
      status: response.status
    })
  }
  return body as Record<string, unknown>
}

interface Session {
  token: string
  expiresInHours: unknown
  sentAt: number
  skewMs: number | null
}

async function createSession(input: FlowInput, master: string, ctx: ProviderContext): Promise<Session> {
  const purpose = 'PocketPaw session exchange'
  const secrets = [master]
  const response = await ctx.http.request({
    method: 'POST',
    url: joinUrl(baseUrl(input), `${apiPrefix(input)}/auth/session`),
    // Exactly `Bearer ` (capital B): the server's check is case-sensitive. No body is read.
    headers: { authorization: `Bearer ${master}`, accept: 'application/json' },
    purpose,
    secrets,
    allowInsecureHttp: insecureAllowed(input.account),
    retry: 'safe'
  })
  if (response.status !== 200) throw failure(response, purpose, secrets, input)
  const body = jsonBody(response, purpose)
  const token = body.session_token
  if (typeof token !== 'string' || token === '') {
    throw new AppError('UPSTREAM_BAD_RESPONSE', `${purpose}: the server's answer has no "session_token".`, { purpose, missing: 'session_token' })
  }
  ctx.log.redact(token)
  return { token, expiresInHours: body.expires_in_hours, sentAt: response.sentAt, skewMs: response.skewMs }
}

async function issue(flow: string, input: FlowInput, ctx: ProviderContext): Promise<IssuedToken> {
  if (flow !== 'session') throw new AppError('FLOW_NOT_SUPPORTED', `PocketPaw has no token flow "${flow}".`, { flow })
  const master = requiredSecret(input.account, 'masterToken', 'master token')
  const session = await createSession(input, master, ctx)
  const expiry = sessionExpiry(session.token, session.expiresInHours)
  if (expiry.source !== 'pocketpaw-prefix') {
    ctx.log.warn('pocketpaw', `the session token is not <exp>:<hex>; expiry taken from ${expiry.source === 'expires_in' ? 'expires_in_hours' : 'nowhere (unknown)'}`)
  }
  return {
    kind: 'session',
    value: session.token,
    format: 'pocketpaw',
    expiry,
    sentAt: session.sentAt,
    skewMs: session.skewMs,
    header: { name: 'Authorization', prefix: 'Bearer ' },
    renewal: 'reissue',
    revocable: false
  }
}

async function runAction(action: string, input: FlowInput, ctx: ProviderContext): Promise<ActionResult> {
  if (action !== 'regenerate-master') throw new AppError('FLOW_NOT_SUPPORTED', `PocketPaw has no action "${action}".`, { action })
  const purpose = 'PocketPaw master token regeneration'
  const master = requiredSecret(input.account, 'masterToken', 'master token')
  const secrets = [master]
  const response = await ctx.http.request({
    method: 'POST',
    url: joinUrl(baseUrl(input), `${apiPrefix(input)}/token/regenerate`),
    headers: { authorization: `Bearer ${master}`, accept: 'application/json' },
    purpose,
    secrets,
    allowInsecureHttp: insecureAllowed(input.account),
    // A repeat after a lost answer would replace the master again: send it at most once.
    retry: 'unsent-only'
  })
  if (response.status !== 200) throw failure(response, purpose, secrets, input)
  const body = jsonBody(response, purpose)
  const next = body.token
  if (typeof next !== 'string' || next.trim() === '') {
    throw new AppError(
      'UPSTREAM_BAD_RESPONSE',
      `${purpose}: the server answered without the new master token, yet it may have replaced the old one. Copy the current one from ~/.pocketpaw/access_token.`,
      { purpose, missing: 'token' }
    )
  }
  ctx.log.redact(next.trim())
  return {
    message: 'Generated a new master token and stored it. Every session token of this server is now invalid.',
    secrets: { masterToken: next.trim() },
    revokesAllTokens: true
  }
}

/** GET a guarded route with `authorization` (or none): 200 passes the middleware, 401 does not. */
async function probe(input: FlowInput, path: string, authorization: string | null, secrets: string[], ctx: ProviderContext): Promise<HttpResponse> {
  return ctx.http.request({
    method: 'GET',
    url: joinUrl(baseUrl(input), path),
    headers: { accept: 'application/json', ...(authorization !== null ? { authorization } : {}) },
    purpose: 'PocketPaw session check',
    secrets,
    allowInsecureHttp: insecureAllowed(input.account),
    retry: 'safe'
  })
}

async function testLogin(input: FlowInput, ctx: ProviderContext): Promise<LoginCheck> {
  const started = ctx.now()
  const master = requiredSecret(input.account, 'masterToken', 'master token')
  const session = await createSession(input, master, ctx)
  const parts = parsePocketpawToken(session.token)
  // PocketPaw has no verify endpoint; its cheapest guarded route is the health summary.
  const path = `${apiPrefix(input)}/health`
  const secrets = [master, session.token]
  const verified = await probe(input, path, `Bearer ${session.token}`, secrets, ctx)
  if (verified.status === 401 || verified.status === 403) {
    throw new AppError(
      'UPSTREAM_ERROR',
      `PocketPaw accepted the master token but refused the session token it had just issued at ${path}. The master may have been regenerated meanwhile, or the server's clock is wrong; test again.`,
      { status: verified.status, purpose: 'PocketPaw session check' }
    )
  }
  if (verified.status !== 200) throw failure(verified, 'PocketPaw session check', secrets, input)
  const facts = [
    `session token (${session.token.length} characters)`,
    parts !== null ? `expires ${new Date(parts.expiresAtMs).toISOString()} (server clock, from the token's prefix)` : 'expiry not encoded in the token',
    ...(typeof session.expiresInHours === 'number' ? [`expires_in_hours ${session.expiresInHours}`] : [])
  ]
  // A genuine-localhost caller passes the middleware with any token while localhost_auth_bypass
  // is on (PocketPaw's default): a 200 without credentials means the check proved nothing.
  const anonymous = await probe(input, path, null, [master], ctx)
  if (anonymous.status === 200) {
    return {
      message: `Master token accepted; the session token could not be verified: ${path} lets this machine in without any token (PocketPaw's localhost_auth_bypass).`,
      facts: [...facts, `${path} answers 200 without credentials`],
      ms: ctx.now() - started
    }
  }
  return { message: `Master token accepted; session token verified against ${path}.`, facts, ms: ctx.now() - started }
}

export const pocketpawProvider: Provider = {
  info: {
    id: 'pocketpaw',
    label: 'PocketPaw',
    description: 'PocketPaw dashboard: exchanges the master token for session tokens; can regenerate the master token.',
    appNoun: null,
    accountFields,
    appFields: [],
    flows,
    canImportApps: false,
    presets: [
      {
        id: 'pocketpaw-sandbox',
        label: 'PocketPaw sandbox',
        description:
          "DEMO ONLY: the built-in sandbox's PocketPaw (master token de000000-0000-4000-8000-0000000000aa until regenerated). Set the base URL to the sandbox's PocketPaw address, ending in /pocketpaw.",
        fields: { apiPrefix: '/api' }
      }
    ]
  },
  issue,
  runAction,
  testLogin
}
