import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { addJsonBodyParser, errorStatus, isBodyTooLarge, MalformedBodyError, type SandboxHttpError } from './body-errors.js'
import type { SandboxContext } from './context.js'
import { RESPOKE_DEMO } from './demo-data.js'
import { firstHeader, isRecord, parseFormBody, pathParam, queryParam, routeWithAndWithoutSlash, sendJson } from './http-util.js'

/** Respoke (seed-apis.md §1): a Sails.js app answering `{"error": ...}` with Request-Id and Ratelimit-* headers. */

interface RespokeApp {
  id: string
  accountId: string
  name: string
  description: string
  locked: boolean
  permittedDomains: null
  developmentMode: boolean
  secret: string
  createdAt: string
  updatedAt: string
}

interface RespokeRole {
  id: string
  appId: string
  accountId: string
  name: string
  extra: Record<string, unknown>
  createdAt: string
  updatedAt: string
}

interface TokenIdRecord {
  appId: string
  endpointId: string
  expiryTime: number
  used: boolean
}

interface AppSession {
  appId: string
  endpointId: string
  expiresAt: number
}

const DEMO_CREATED_AT = '2026-01-01T00:00:00.000Z'

export class RespokeStore {
  readonly apps: RespokeApp[] = RESPOKE_DEMO.apps.map((app) => ({
    id: app.id,
    accountId: RESPOKE_DEMO.accountId,
    name: app.name,
    description: app.description,
    locked: false,
    permittedDomains: null,
    developmentMode: app.developmentMode,
    secret: app.secret,
    createdAt: DEMO_CREATED_AT,
    updatedAt: DEMO_CREATED_AT
  }))
  readonly roles: RespokeRole[] = RESPOKE_DEMO.apps.flatMap((app) =>
    app.roles.map((role) => ({
      id: role.id,
      appId: app.id,
      accountId: RESPOKE_DEMO.accountId,
      name: role.name,
      extra: {},
      createdAt: DEMO_CREATED_AT,
      updatedAt: DEMO_CREATED_AT
    }))
  )
  readonly adminTokens = new Map<string, { expiresAt: number | null }>()
  readonly tokenIds = new Map<string, TokenIdRecord>()
  readonly appTokens = new Map<string, AppSession>()
  readonly rateWindows = new Map<string, { second: number; count: number }>()
}

const fail = (reply: FastifyReply, status: number, message: string): FastifyReply => sendJson(reply, status, { error: message })

const upperUuid = (): string => randomUUID().toUpperCase()

type AuthHeader = 'admin-token' | 'app-secret' | 'app-token'
/** Strongest first: Admin-Token (account) > App-Secret (app) > App-Token (one endpoint session). */
const AUTH_HEADERS: readonly AuthHeader[] = ['admin-token', 'app-secret', 'app-token']

/**
 * An auth header's value, or undefined when it carries none: respoke-admin sends every token it
 * holds (`headers: {'Admin-Token': …, 'App-Secret': null}`), which arrives as "", "null" or "undefined".
 */
function credential(request: FastifyRequest, name: AuthHeader): string | undefined {
  const value = firstHeader(request.headers[name])?.trim()
  return value === undefined || value === '' || value === 'null' || value === 'undefined' ? undefined : value
}

/** The first auth header with a real value decides how the call authenticates. */
function strongestCredential(request: FastifyRequest): { header: AuthHeader; value: string } | undefined {
  for (const header of AUTH_HEADERS) {
    const value = credential(request, header)
    if (value !== undefined) return { header, value }
  }
  return undefined
}

function bodyFields(request: FastifyRequest): Record<string, unknown> {
  return isRecord(request.body) ? request.body : {}
}

function stringField(fields: Record<string, unknown>, name: string): string | undefined {
  const value = fields[name]
  if (typeof value === 'string' && value !== '') return value
  if (typeof value === 'number') return String(value)
  return undefined
}

/** ttl arrives as a number (SDKs) or a string (docs); any positive integer is accepted. */
function parseTtl(value: unknown): number | undefined | 'invalid' {
  if (value === undefined || value === null || value === '') return undefined
  const ttl = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN
  return Number.isSafeInteger(ttl) && ttl > 0 ? ttl : 'invalid'
}

function publicApp(app: RespokeApp): RespokeApp {
  return { ...app, secret: '<redacted>' }
}

function publicRole(role: RespokeRole): Record<string, unknown> {
  const { extra, ...fields } = role
  return { ...extra, ...fields }
}

export function registerRespoke(app: FastifyInstance, ctx: SandboxContext): void {
  const store = (): RespokeStore => ctx.respoke
  const isoNow = (): string => new Date(ctx.nowMs()).toISOString()

  // Sails read JSON and form bodies alike (the mobile SDKs POST forms); other types leave the body empty.
  app.removeAllContentTypeParsers()
  addJsonBodyParser(app, 'Invalid JSON in request body.')
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    const fields = parseFormBody(String(body))
    done(null, Object.fromEntries([...fields].map(([name, values]) => [name, values[0]])))
  })
  app.addContentTypeParser('*', (_request, payload, done) => {
    payload.resume()
    payload.on('end', () => done(null, undefined))
    payload.on('error', (error) => done(error, undefined))
  })

  app.addHook('onRequest', async (request, reply) => {
    const settings = ctx.settings.respoke
    const key = strongestCredential(request)?.value ?? request.ip
    const second = Math.floor(performance.now() / 1000)
    // Only the current second matters: forget older windows so the map stays small.
    if (store().rateWindows.size > 1000) {
      for (const [staleKey, stale] of store().rateWindows) if (stale.second !== second) store().rateWindows.delete(staleKey)
    }
    const window = store().rateWindows.get(key)
    const count = window && window.second === second ? window.count + 1 : 1
    store().rateWindows.set(key, { second, count })
    reply.header('Request-Id', randomUUID())
    reply.header('Ratelimit-Limit', String(settings.rateLimitPerSecond))
    reply.header('Ratelimit-Time-Units', 'seconds')
    reply.header('Ratelimit-Remaining', String(Math.max(0, settings.rateLimitPerSecond - count)))
    if (settings.enforceRateLimit && count > settings.rateLimitPerSecond) {
      return fail(reply, 429, 'API rate limit was exceeded.')
    }
    return undefined
  })

  app.setErrorHandler((error: SandboxHttpError, _request, reply) => {
    if (isBodyTooLarge(error)) return fail(reply, 413, 'request entity too large')
    if (error instanceof MalformedBodyError) return fail(reply, 400, error.message)
    const status = errorStatus(error)
    return fail(reply, status, status >= 500 ? 'Internal server error.' : 'Missing or invalid parameters.')
  })

  app.setNotFoundHandler((_request, reply) => fail(reply, 404, 'Not Found'))

  const validAdminToken = (request: FastifyRequest): boolean => {
    const token = credential(request, 'admin-token')
    const session = token === undefined ? undefined : store().adminTokens.get(token)
    return session !== undefined && (session.expiresAt === null || ctx.nowSeconds() <= session.expiresAt)
  }

  const appBySecret = (request: FastifyRequest): RespokeApp | undefined => {
    const secret = credential(request, 'app-secret')
    return secret === undefined ? undefined : store().apps.find((candidate) => candidate.secret === secret)
  }

  const validAppSession = (request: FastifyRequest): AppSession | undefined => {
    const token = credential(request, 'app-token')
    const session = token === undefined ? undefined : store().appTokens.get(token)
    return session !== undefined && ctx.nowSeconds() <= session.expiresAt ? session : undefined
  }

  /**
   * The strongest auth header with a real value decides: Admin-Token admits every app of the
   * account, App-Secret its own app; an App-Token alone does not reach these routes.
   */
  const authorizeApp = (request: FastifyRequest, reply: FastifyReply): ((appId: string) => boolean) | FastifyReply => {
    const strongest = strongestCredential(request)
    if (strongest?.header === 'admin-token') {
      if (!validAdminToken(request)) return fail(reply, 401, 'Invalid or expired Admin-Token.')
      return () => true
    }
    if (strongest?.header === 'app-secret') {
      const secretApp = appBySecret(request)
      if (!secretApp) return fail(reply, 401, 'Invalid App-Secret.')
      return (appId) => appId === secretApp.id
    }
    return fail(reply, 401, 'Not authenticated. Send an App-Secret or Admin-Token header.')
  }

  const adminLogin = async (request: FastifyRequest, reply: FastifyReply) => {
    const fields = bodyFields(request)
    // The seed lists username/password as query parameters (a generator artifact): accepted as a fallback.
    const username = stringField(fields, 'username') ?? queryParam(request, 'username')
    const password = stringField(fields, 'password') ?? queryParam(request, 'password')
    if (username === undefined) return fail(reply, 400, 'Missing required parameter: username.')
    if (password === undefined) return fail(reply, 400, 'Missing required parameter: password.')
    if (username !== RESPOKE_DEMO.username || password !== RESPOKE_DEMO.password) {
      return fail(reply, 401, 'Invalid username or password.')
    }
    const token = upperUuid()
    const lifetime = ctx.settings.lifetimes.respokeAdminTokenSeconds
    store().adminTokens.set(token, { expiresAt: lifetime === null ? null : ctx.nowSeconds() + lifetime })
    return sendJson(reply, 200, { message: 'Authorization successful', token })
  }
  routeWithAndWithoutSlash(app, 'POST', '/v1/admin-sessions', adminLogin)
  routeWithAndWithoutSlash(app, 'POST', '/v1/adminsessions', adminLogin)

  routeWithAndWithoutSlash(app, 'POST', '/v1/tokens', async (request, reply) => {
    const mayUseApp = authorizeApp(request, reply)
    if (typeof mayUseApp !== 'function') return mayUseApp
    const fields = bodyFields(request)
    const appId = stringField(fields, 'appId')
    const endpointId = stringField(fields, 'endpointId')
    if (appId === undefined) return fail(reply, 400, 'Missing required parameter: appId.')
    if (endpointId === undefined) return fail(reply, 400, 'Missing required parameter: endpointId.')
    const respokeApp = store().apps.find((candidate) => candidate.id === appId.toLowerCase())
    if (!respokeApp) return fail(reply, 404, "Object 'Apps' not found.")
    if (!mayUseApp(respokeApp.id)) return fail(reply, 403, 'Not authorized for this app.')
    const roleId = stringField(fields, 'roleId')
    const roleName = stringField(fields, 'roleName')
    const appRoles = store().roles.filter((role) => role.appId === respokeApp.id)
    let role: RespokeRole | undefined
    if (roleId !== undefined || roleName !== undefined) {
      role = appRoles.find((candidate) => (roleId !== undefined ? candidate.id === roleId.toUpperCase() : candidate.name === roleName))
      if (!role) return fail(reply, 404, "Object 'Roles' not found.")
    } else if (!respokeApp.developmentMode) {
      return fail(reply, 400, 'Missing required parameter: roleId (or roleName) is required unless the app is in development mode.')
    }
    const sentTtl = parseTtl(fields.ttl)
    if (sentTtl === 'invalid') return fail(reply, 400, 'Invalid parameter: ttl must be a positive integer number of seconds.')
    const { respokeTtlSeconds, respokeDefaultTtlSeconds } = ctx.settings.lifetimes
    const ttl = respokeTtlSeconds ?? sentTtl ?? respokeDefaultTtlSeconds
    const createTime = ctx.nowSeconds()
    const tokenId = upperUuid()
    store().tokenIds.set(tokenId, { appId: respokeApp.id, endpointId, expiryTime: createTime + ttl, used: false })
    return sendJson(reply, 200, {
      appId: respokeApp.id,
      endpointId,
      ...(role ? { roleId: role.id } : {}),
      accountId: respokeApp.accountId,
      createTime,
      expiryTime: createTime + ttl,
      id: tokenId,
      forDevelopment: respokeApp.developmentMode,
      createdAt: isoNow(),
      tokenId
    })
  })

  // No auth header is required here (the Dec-2014 docs corrected the earlier "App-Token").
  const openSession = async (request: FastifyRequest, reply: FastifyReply) => {
    const tokenId = stringField(bodyFields(request), 'tokenId')
    if (tokenId === undefined) return fail(reply, 400, 'Missing required parameter: tokenId.')
    const record = store().tokenIds.get(tokenId.toUpperCase())
    if (!record) return fail(reply, 401, 'Invalid tokenId.')
    if (record.used) return fail(reply, 401, 'This tokenId has already been used.')
    record.used = true
    if (ctx.nowSeconds() > record.expiryTime) return fail(reply, 401, 'This tokenId has expired.')
    const token = upperUuid()
    store().appTokens.set(token, { appId: record.appId, endpointId: record.endpointId, expiresAt: record.expiryTime })
    return sendJson(reply, 200, { message: 'Authorization successful', token })
  }
  const closeSession = async (request: FastifyRequest, reply: FastifyReply) => {
    const token = credential(request, 'app-token')
    if (!validAppSession(request) || token === undefined) return fail(reply, 401, 'Invalid or expired App-Token.')
    store().appTokens.delete(token)
    return sendJson(reply, 200, { message: 'Session token invalidated.' })
  }
  for (const path of ['/v1/session-tokens', '/v1/appauthsessions']) {
    routeWithAndWithoutSlash(app, 'POST', path, openSession)
    routeWithAndWithoutSlash(app, 'DELETE', path, closeSession)
  }

  routeWithAndWithoutSlash(app, 'GET', '/v1/apps', async (request, reply) => {
    if (!validAdminToken(request)) return fail(reply, 401, 'Invalid or expired Admin-Token.')
    return sendJson(reply, 200, store().apps.map(publicApp))
  })

  routeWithAndWithoutSlash(app, 'POST', '/v1/apps', async (request, reply) => {
    if (!validAdminToken(request)) return fail(reply, 401, 'Invalid or expired Admin-Token.')
    const fields = bodyFields(request)
    const name = stringField(fields, 'name')
    if (name === undefined) return fail(reply, 400, 'Missing required parameter: name.')
    const now = isoNow()
    const created: RespokeApp = {
      id: randomUUID(),
      accountId: RESPOKE_DEMO.accountId,
      name,
      description: stringField(fields, 'description') ?? '',
      locked: false,
      permittedDomains: null,
      developmentMode: fields.developmentMode === true || fields.developmentMode === 'true',
      secret: randomUUID(),
      createdAt: now,
      updatedAt: now
    }
    store().apps.push(created)
    return sendJson(reply, 200, created)
  })

  routeWithAndWithoutSlash(app, 'GET', '/v1/apps/:appId', async (request, reply) => {
    const mayUseApp = authorizeApp(request, reply)
    if (typeof mayUseApp !== 'function') return mayUseApp
    const appId = pathParam(request, 'appId')
    const found = store().apps.find((candidate) => candidate.id === appId.toLowerCase())
    if (!found) return fail(reply, 404, "Object 'Apps' not found.")
    if (!mayUseApp(found.id)) return fail(reply, 403, 'Not authorized for this app.')
    return sendJson(reply, 200, publicApp(found))
  })

  routeWithAndWithoutSlash(app, 'GET', '/v1/roles', async (request, reply) => {
    const mayUseApp = authorizeApp(request, reply)
    if (typeof mayUseApp !== 'function') return mayUseApp
    const appId = queryParam(request, 'appId')
    const roles = store().roles.filter((role) => mayUseApp(role.appId) && (appId === undefined || role.appId === appId.toLowerCase()))
    return sendJson(reply, 200, roles.map(publicRole))
  })

  routeWithAndWithoutSlash(app, 'POST', '/v1/roles', async (request, reply) => {
    const mayUseApp = authorizeApp(request, reply)
    if (typeof mayUseApp !== 'function') return mayUseApp
    const fields = bodyFields(request)
    const name = stringField(fields, 'name')
    const appId = stringField(fields, 'appId') ?? appBySecret(request)?.id
    if (name === undefined) return fail(reply, 400, 'Missing required parameter: name.')
    if (appId === undefined) return fail(reply, 400, 'Missing required parameter: appId.')
    if (!mayUseApp(appId.toLowerCase())) return fail(reply, 403, 'Not authorized for this app.')
    const now = isoNow()
    const { name: _name, appId: _appId, id: _id, ...extra } = fields
    const role: RespokeRole = {
      id: upperUuid(),
      appId: appId.toLowerCase(),
      accountId: RESPOKE_DEMO.accountId,
      name,
      extra,
      createdAt: now,
      updatedAt: now
    }
    store().roles.push(role)
    return sendJson(reply, 200, publicRole(role))
  })

  const findRole = (request: FastifyRequest, reply: FastifyReply): RespokeRole | FastifyReply => {
    const mayUseApp = authorizeApp(request, reply)
    if (typeof mayUseApp !== 'function') return mayUseApp
    const roleId = pathParam(request, 'roleId')
    const role = store().roles.find((candidate) => candidate.id === roleId.toUpperCase() && mayUseApp(candidate.appId))
    return role ?? fail(reply, 404, "Object 'Roles' not found.")
  }
  const isRole = (value: RespokeRole | FastifyReply): value is RespokeRole => 'extra' in value

  routeWithAndWithoutSlash(app, 'GET', '/v1/roles/:roleId', async (request, reply) => {
    const role = findRole(request, reply)
    return isRole(role) ? sendJson(reply, 200, publicRole(role)) : role
  })
  routeWithAndWithoutSlash(app, 'PUT', '/v1/roles/:roleId', async (request, reply) => {
    const role = findRole(request, reply)
    if (!isRole(role)) return role
    const fields = bodyFields(request)
    const { name, appId: _appId, id: _id, ...extra } = fields
    if (typeof name === 'string' && name !== '') role.name = name
    role.extra = { ...role.extra, ...extra }
    role.updatedAt = isoNow()
    return sendJson(reply, 200, publicRole(role))
  })
  routeWithAndWithoutSlash(app, 'DELETE', '/v1/roles/:roleId', async (request, reply) => {
    const role = findRole(request, reply)
    if (!isRole(role)) return role
    store().roles.splice(store().roles.indexOf(role), 1)
    return sendJson(reply, 200, publicRole(role))
  })

  routeWithAndWithoutSlash(app, 'POST', '/v1/turn', async (request, reply) => {
    const session = validAppSession(request)
    if (!session) return fail(reply, 401, 'Invalid or expired App-Token.')
    const ttl = 60
    return sendJson(reply, 200, {
      username: `${session.endpointId}.${String(ctx.nowSeconds() + ttl).padStart(10, '0')}`,
      password: Buffer.from(randomUUID()).toString('base64'),
      ttl,
      uris: ['turn:127.0.0.1:3478?transport=udp']
    })
  })
}
