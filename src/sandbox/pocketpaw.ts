import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { errorStatus, MalformedBodyError, type SandboxHttpError } from './body-errors.js'
import type { SandboxContext } from './context.js'
import { POCKETPAW_DEMO } from './demo-data.js'
import { allowedMethods, firstHeader, isRecord, pathOf, queryParam, safeDecodeURIComponent, sendJson, TokenBucket } from './http-util.js'

/** PocketPaw (seed-apis.md §2): FastAPI, `{"detail": ...}` errors, stateless HMAC session tokens. */

export const POCKETPAW_PREFIX = '/pocketpaw'

/** `<exp>:<hex HMAC-SHA256(key = master, msg = str(exp))>`, exactly as session_tokens.py builds it. */
export function signSessionToken(master: string, expires: number): string {
  return `${expires}:${hmacHex(master, String(expires))}`
}

function hmacHex(master: string, message: string): string {
  return createHmac('sha256', Buffer.from(master, 'utf8')).update(message, 'utf8').digest('hex')
}

/** Valid until `expires` inclusive; the hex comparison is case-sensitive like compare_digest. */
export function verifySessionToken(token: string, master: string, nowSeconds: number): boolean {
  const separator = token.indexOf(':')
  if (separator === -1) return false
  const expiresText = token.slice(0, separator)
  const signature = token.slice(separator + 1)
  if (!/^\s*[+-]?\d+\s*$/.test(expiresText)) return false
  if (nowSeconds > Number(expiresText)) return false
  const expected = Buffer.from(hmacHex(master, expiresText), 'utf8')
  const given = Buffer.from(signature, 'utf8')
  return expected.length === given.length && timingSafeEqual(expected, given)
}

export class PocketpawStore {
  masterToken: string = POCKETPAW_DEMO.masterToken
  /** auth_limiter: 1/s burst 5 on the exact path /api/auth/session; api_limiter: 10/s burst 30 elsewhere. Keyed by client IP. */
  readonly authLimiters = new Map<string, TokenBucket>()
  readonly apiLimiters = new Map<string, TokenBucket>()

  regenerateMaster(): string {
    this.masterToken = randomUUID()
    return this.masterToken
  }
}

/** Paths the middleware lets through without a token (startswith matching, as in dashboard_auth.py). */
const EXEMPT_PREFIXES = [
  '/api/auth/login',
  '/api/v1/auth/login',
  '/api/qr',
  '/api/v1/qr',
  '/api/v1/docs',
  '/api/v1/openapi.json',
  '/api/v1/oauth/token',
  '/webhook',
  '/ws'
]

const detail = (reply: FastifyReply, status: number, message: string): FastifyReply => sendJson(reply, status, { detail: message })

function cookieValue(request: FastifyRequest, name: string): string | undefined {
  const header = firstHeader(request.headers.cookie)
  if (header === undefined) return undefined
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=')
    if (key === name) return safeDecodeURIComponent(rest.join('='))
  }
  return undefined
}

export function registerPocketpaw(app: FastifyInstance, ctx: SandboxContext): void {
  const store = (): PocketpawStore => ctx.pocketpaw
  const ttlSeconds = (): number => ctx.settings.lifetimes.pocketpawSessionSeconds
  const issueToken = (seconds: number): string => signSessionToken(store().masterToken, ctx.nowSeconds() + seconds)
  const isValidToken = (token: string): boolean =>
    token === store().masterToken || (token.includes(':') && verifySessionToken(token, store().masterToken, ctx.nowSeconds()))

  // The session exchange never reads its body, so any content type is accepted and drained.
  // Only /api/auth/login parses JSON, and it does so itself.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (_request, payload, done) => {
    const chunks: Buffer[] = []
    let size = 0
    const limit = 1024 * 1024
    payload.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= limit) chunks.push(chunk)
    })
    payload.on('end', () => done(null, size <= limit ? Buffer.concat(chunks).toString('utf8') : undefined))
    payload.on('error', (error) => done(error, undefined))
  })

  app.addHook('onRequest', async (request, reply) => {
    const path = pathOf(request.url).slice(POCKETPAW_PREFIX.length) || '/'
    reply.header('X-Frame-Options', 'DENY')
    reply.header('X-Content-Type-Options', 'nosniff')
    // Exempt paths return from the middleware before the limiter: no 429, no X-RateLimit-* headers.
    if (EXEMPT_PREFIXES.some((prefix) => path.startsWith(prefix))) return undefined
    const limiters = path === '/api/auth/session' ? store().authLimiters : store().apiLimiters
    let bucket = limiters.get(request.ip)
    if (!bucket) {
      bucket = path === '/api/auth/session' ? new TokenBucket(1, 5) : new TokenBucket(10, 30)
      limiters.set(request.ip, bucket)
    }
    // RateLimitInfo.headers(): X-RateLimit-Reset is ceil(seconds) until the bucket is full again
    // (on a 429: until the next token, the same value as Retry-After), never an epoch.
    const verdict = bucket.take()
    reply.header('X-RateLimit-Limit', String(bucket.burst))
    if (!verdict.allowed) {
      reply.header('X-RateLimit-Remaining', '0')
      reply.header('X-RateLimit-Reset', String(verdict.retryAfterSeconds))
      reply.header('Retry-After', String(verdict.retryAfterSeconds))
      return detail(reply, 429, 'Too many requests')
    }
    reply.header('X-RateLimit-Remaining', String(verdict.remaining))
    reply.header('X-RateLimit-Reset', String(verdict.resetSeconds))

    // Auth runs before routing, so an unknown /api path is 401 (not 404) for a caller without a token.
    const isProtected = path.startsWith('/api') || path.startsWith('/ws')
    if (!isProtected) return undefined
    const { clientIsLocalhost, localhostAuthBypass } = ctx.settings.pocketpaw
    if (clientIsLocalhost && localhostAuthBypass) return undefined
    const queryToken = queryParam(request, 'token')
    const authorization = firstHeader(request.headers.authorization)
    // As _auth_dispatch: 1. `?token=`, or (`elif`) 2. the Authorization header when there is no
    // query token; 3. the cookie whenever 1/2 did not succeed. A failing earlier credential does not
    // stop the cookie. A non-Bearer header counts as an empty (failing) Bearer value.
    let valid = false
    if (queryToken) valid = isValidToken(queryToken)
    else if (authorization) valid = isValidToken(authorization.startsWith('Bearer ') ? authorization.slice('Bearer '.length).trim() : '')
    if (!valid) {
      const cookie = cookieValue(request, 'pocketpaw_session')
      if (cookie) valid = isValidToken(cookie)
    }
    return valid ? undefined : detail(reply, 401, 'Unauthorized')
  })

  app.setErrorHandler((error: SandboxHttpError, _request, reply) => {
    if (error instanceof MalformedBodyError) return detail(reply, 400, 'Invalid JSON body')
    const status = errorStatus(error)
    if (status >= 500) return reply.code(500).type('text/plain; charset=utf-8').send('Internal Server Error')
    return detail(reply, status, status === 413 ? 'Request Entity Too Large' : 'Bad Request')
  })

  app.setNotFoundHandler((request, reply) => {
    const path = pathOf(request.url)
    // Starlette's redirect_slashes: `/api/auth/session/` → 307 to the path without the slash.
    if (path.length > 1 && path.endsWith('/') && allowedMethods(app, path.slice(0, -1)).includes(request.method as 'POST')) {
      return reply.code(307).header('Location', `${ctx.origin}${path.slice(0, -1)}${request.url.slice(path.length)}`).send()
    }
    if (allowedMethods(app, path).length > 0) {
      reply.header('Allow', allowedMethods(app, path).join(', '))
      return detail(reply, 405, 'Method Not Allowed')
    }
    return detail(reply, 404, 'Not Found')
  })

  const createSession = async (request: FastifyRequest, reply: FastifyReply) => {
    const authorization = firstHeader(request.headers.authorization)
    const bearer = authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length).trim() : undefined
    if (bearer !== store().masterToken) return detail(reply, 401, 'Invalid master token')
    const seconds = ttlSeconds()
    // expires_in_hours echoes the setting; with a lifetime of a few seconds it rounds to 0.
    return sendJson(reply, 200, { session_token: issueToken(seconds), expires_in_hours: Math.round(seconds / 3600) })
  }

  const login = async (request: FastifyRequest, reply: FastifyReply) => {
    let parsed: unknown
    try {
      parsed = JSON.parse(typeof request.body === 'string' ? request.body : '')
    } catch {
      return detail(reply, 400, 'Invalid JSON body')
    }
    // A JSON body that is not an object makes the real handler raise.
    if (!isRecord(parsed)) return reply.code(500).type('text/plain; charset=utf-8').send('Internal Server Error')
    const token = typeof parsed.token === 'string' ? parsed.token.trim() : ''
    // Only the master is exchanged for a cookie (the real handler compares with it; its pp_/ppat_
    // branches are not served here). A session token, however valid, is refused.
    if (token !== store().masterToken) return detail(reply, 401, 'Invalid access token')
    const seconds = ttlSeconds()
    reply.header('Set-Cookie', `pocketpaw_session=${issueToken(seconds)}; HttpOnly; Max-Age=${seconds}; Path=/; SameSite=lax`)
    return sendJson(reply, 200, { ok: true })
  }

  const logout = async (_request: FastifyRequest, reply: FastifyReply) => {
    reply.header('Set-Cookie', 'pocketpaw_session=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=lax')
    return sendJson(reply, 200, { ok: true })
  }

  const regenerate = async (_request: FastifyRequest, reply: FastifyReply) => sendJson(reply, 200, { token: store().regenerateMaster() })

  // api/v1/health.py `GET /health` (response_model HealthSummary, every field serialized; the legacy
  // dashboard copy at /api/health). Only the middleware guards it, so a 200 means the credential
  // passed (or the localhost bypass applied): the cheapest way for a client to check a token.
  const health = async (_request: FastifyRequest, reply: FastifyReply) =>
    sendJson(reply, 200, { status: 'healthy', message: null, check_count: 0, issues: [], error: null, active_backend: null, fallback_backends: [] })

  for (const base of ['/api', '/api/v1']) {
    app.get(`${base}/health`, health)
    app.post(`${base}/auth/session`, createSession)
    app.post(`${base}/auth/login`, login)
    app.post(`${base}/auth/logout`, logout)
    app.post(`${base}/token/regenerate`, regenerate)
  }
}
