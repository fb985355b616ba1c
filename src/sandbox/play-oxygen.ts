import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose'
import { addJsonBodyParser, errorStatus, isBodyTooLarge, MalformedBodyError, type SandboxHttpError } from './body-errors.js'
import type { SandboxContext } from './context.js'
import { PLAY_OXYGEN_DEMO, type PlayOxygenDemoClient } from './demo-data.js'
import { firstHeader, isRecord, pathParam, sendJson } from './http-util.js'

/**
 * Play Oxygen "Po2" (seed-apis.md §3): Phoenix + OpenApiSpex + Guardian. No backend source exists,
 * so errors follow the framework defaults and the login 401 body is configurable.
 */

export const PLAY_OXYGEN_ISSUER = 'po2'

export class PlayOxygenStore {
  readonly clients: PlayOxygenDemoClient[] = PLAY_OXYGEN_DEMO.clients.map((client) => ({ ...client }))
  private nextId = 1

  nextResourceId(kind: 'customer' | 'wallet'): string {
    return `${kind}_${String(this.nextId++).padStart(9, '0')}`
  }
}

const phoenixError = (reply: FastifyReply, status: number, message: string): FastifyReply =>
  sendJson(reply, status, { errors: { detail: message } })

/** How OpenApiSpex names a decoded JSON value's type in its cast errors. */
function elixirTypeName(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'list'
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number'
  if (typeof value === 'object') return 'map'
  return typeof value
}

function castError(field: string, detail: string): Record<string, unknown> {
  return { title: 'Invalid value', source: { pointer: `/${field}` }, detail }
}

/** OpenApiSpex CastAndValidate: 422 with one entry per failing field. */
function requireStrings(
  body: unknown,
  names: readonly string[]
): { ok: true; values: Record<string, string> } | { ok: false; errors: Record<string, unknown>[] } {
  const fields = isRecord(body) ? body : {}
  const errors: Record<string, unknown>[] = []
  const values: Record<string, string> = {}
  for (const name of names) {
    const value = fields[name]
    if (typeof value === 'string') values[name] = value
    else errors.push(castError(name, value === undefined ? `Missing field: ${name}` : `Invalid string. Got: ${elixirTypeName(value)}`))
  }
  return errors.length === 0 ? { ok: true, values } : { ok: false, errors }
}

export function registerPlayOxygen(app: FastifyInstance, ctx: SandboxContext): void {
  const store = (): PlayOxygenStore => ctx.playOxygen
  const secret = ctx.keys.playOxygenSecret

  // Plug.Parsers with pass: ["application/json"]: anything else is 415.
  app.removeAllContentTypeParsers()
  addJsonBodyParser(app, 'Bad Request')

  app.setErrorHandler((error: SandboxHttpError, _request, reply) => {
    if (isBodyTooLarge(error)) return phoenixError(reply, 413, 'Request Entity Too Large')
    if (error instanceof MalformedBodyError) return phoenixError(reply, 400, 'Bad Request')
    if ('code' in error && error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return phoenixError(reply, 415, 'Unsupported Media Type')
    const status = errorStatus(error)
    return phoenixError(reply, status, status >= 500 ? 'Internal Server Error' : 'Bad Request')
  })

  app.setNotFoundHandler((_request, reply) => phoenixError(reply, 404, 'Not Found'))

  const tokenError = (reply: FastifyReply, reason: 'unauthenticated' | 'invalid_token'): FastifyReply =>
    ctx.settings.playOxygen.tokenErrorFormat === 'text'
      ? reply.code(401).type('text/plain; charset=utf-8').send(reason)
      : sendJson(reply, 401, { message: reason })

  const login = async (request: FastifyRequest, reply: FastifyReply) => {
    const clientId = pathParam(request, 'client_id')
    const checked = requireStrings(request.body, ['api_key', 'secret'])
    if (!checked.ok) return sendJson(reply, 422, { errors: checked.errors })
    const client = store().clients.find((candidate) => candidate.clientId === clientId)
    if (!client || client.apiKey !== checked.values.api_key || client.secret !== checked.values.secret) {
      const { status, body } = ctx.settings.playOxygen.loginUnauthorized
      return sendJson(reply, status, body)
    }
    // Guardian's build_claims: nbf is iat - 1 s, aud = iss, typ "access", sub the resource id.
    const issuedAt = ctx.nowSeconds()
    const token = await new SignJWT({ typ: 'access' })
      .setProtectedHeader({ alg: 'HS512', typ: 'JWT' })
      .setJti(randomUUID())
      .setIssuer(PLAY_OXYGEN_ISSUER)
      .setAudience(PLAY_OXYGEN_ISSUER)
      .setSubject(client.clientId)
      .setIssuedAt(issuedAt)
      .setNotBefore(issuedAt - 1)
      .setExpirationTime(issuedAt + ctx.settings.lifetimes.playOxygenTokenSeconds)
      .sign(secret)
    return sendJson(reply, 200, { token })
  }
  app.post('/api/auth/session/:client_id', login)
  app.post('/api/auth/session/:client_id/', login)

  /** Guardian VerifyHeader: `Bearer:?\s+(.*)$`, case-insensitive; the path's client and key must match the token. */
  const authorize = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const match = /^Bearer:?\s+(.*)$/i.exec(firstHeader(request.headers.authorization) ?? '')
    if (!match?.[1]) return tokenError(reply, 'unauthenticated')
    const clientId = pathParam(request, 'client_id')
    const apiKey = pathParam(request, 'api_key')
    try {
      const { payload } = await jwtVerify(match[1], secret, {
        algorithms: ['HS512'],
        issuer: PLAY_OXYGEN_ISSUER,
        currentDate: new Date(ctx.nowMs())
      })
      const client = store().clients.find((candidate) => candidate.clientId === clientId)
      if (payload.typ !== 'access' || payload.sub !== clientId || client?.apiKey !== apiKey) return tokenError(reply, 'invalid_token')
      return undefined
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) return tokenError(reply, 'invalid_token')
      throw error
    }
  }

  const customer = async (request: FastifyRequest, reply: FastifyReply) => {
    const denied = await authorize(request, reply)
    if (denied) return denied
    const checked = requireStrings(request.body, ['client_unique_customer_id'])
    if (!checked.ok) return sendJson(reply, 422, { errors: checked.errors })
    return sendJson(reply, 200, { client_unique_customer_id: checked.values.client_unique_customer_id, po2_id: store().nextResourceId('customer') })
  }
  const wallet = async (request: FastifyRequest, reply: FastifyReply) => {
    const denied = await authorize(request, reply)
    if (denied) return denied
    const checked = requireStrings(request.body, ['client_unique_customer_id', 'currency'])
    if (!checked.ok) return sendJson(reply, 422, { errors: checked.errors })
    const currency = (checked.values.currency ?? '').toUpperCase()
    if (!/^[A-Z]{3}$/.test(currency)) {
      return sendJson(reply, 422, { errors: [castError('currency', 'Invalid format. Expected ISO 4217 currency code')] })
    }
    return sendJson(reply, 200, {
      client_unique_customer_id: checked.values.client_unique_customer_id,
      currency,
      po2_id: store().nextResourceId('wallet')
    })
  }
  for (const suffix of ['', '/']) {
    app.post(`/api/:client_id/:api_key/customer${suffix}`, customer)
    app.post(`/api/:client_id/:api_key/wallet${suffix}`, wallet)
  }
}
