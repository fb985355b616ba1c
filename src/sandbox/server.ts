import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import type { SandboxContext } from './context.js'
import { CONTROL_PREFIX, registerControl } from './control.js'
import { DEFAULT_OVERSIZED_BYTES, type Fault } from './faults.js'
import { pathOf, sendJson, sleep } from './http-util.js'
import { registerKeycloakProxy } from './keycloak-proxy.js'
import { registerPlayOxygen } from './play-oxygen.js'
import { POCKETPAW_PREFIX, registerPocketpaw } from './pocketpaw.js'
import { registerRespoke } from './respoke.js'
import type { SandboxReady } from '../shared/sandbox-info.js'

export const API_PREFIXES = {
  respoke: '/respoke',
  pocketpaw: POCKETPAW_PREFIX,
  playOxygen: '/play-oxygen',
  keycloakProxy: '/keycloak-proxy'
} as const

/** Each API's own 429 body, for injected rate-limit faults. */
function rateLimitBody(path: string): unknown {
  if (path.startsWith(API_PREFIXES.respoke)) return { error: 'API rate limit was exceeded.' }
  if (path.startsWith(API_PREFIXES.pocketpaw)) return { detail: 'Too many requests' }
  if (path.startsWith(API_PREFIXES.playOxygen)) return { errors: { detail: 'Too Many Requests' } }
  if (path.startsWith(API_PREFIXES.keycloakProxy)) return { Message: 'Too many requests.' }
  return { error: 'Too many requests' }
}

async function applyFault(fault: Fault, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  if (fault.latencyMs !== undefined) await sleep(fault.latencyMs)
  const respond = fault.respond
  if (!respond) return undefined
  switch (respond.kind) {
    case 'status': {
      reply.code(respond.status)
      for (const [name, value] of Object.entries(respond.headers ?? {})) reply.header(name, value)
      if (respond.rawBody !== undefined) return reply.type(respond.contentType ?? 'text/plain; charset=utf-8').send(respond.rawBody)
      if (respond.body === undefined) return reply.send()
      return reply.type(respond.contentType ?? 'application/json; charset=utf-8').send(JSON.stringify(respond.body))
    }
    case 'malformed':
      return reply.code(200).type('application/json; charset=utf-8').send('{"token": "truncated')
    case 'oversized': {
      const size = respond.bytes ?? DEFAULT_OVERSIZED_BYTES
      const padding = Buffer.alloc(Math.max(0, size - 14), 'x')
      return reply.code(200).type('application/json; charset=utf-8').send(Buffer.concat([Buffer.from('{"padding":"'), padding, Buffer.from('"}')]))
    }
    case 'drop':
      reply.hijack()
      request.raw.socket.destroy()
      return reply
    case 'rateLimit':
      reply.header('Retry-After', String(respond.retryAfterSeconds ?? 1))
      return sendJson(reply, 429, rateLimitBody(pathOf(request.url)))
  }
}

/**
 * ASP.NET and Express (under Sails) match routes case-insensitively; FastAPI and Phoenix do not.
 * Lower-casing those two APIs' paths before routing reproduces that (Respoke ids are matched
 * case-insensitively anyway).
 */
export function caseFoldUrl(url: string): string {
  const path = pathOf(url)
  const lowered = path.toLowerCase()
  if (lowered.startsWith(`${API_PREFIXES.keycloakProxy}/`) || lowered.startsWith(`${API_PREFIXES.respoke}/`)) {
    return `${lowered}${url.slice(path.length)}`
  }
  return url
}

export interface BuildServerOptions {
  bodyLimitBytes: number
}

export function buildServer(ctx: SandboxContext, ready: () => SandboxReady, options: BuildServerOptions): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimitBytes,
    genReqId: () => randomUUID(),
    // A request with a slow or missing body must not hold a socket forever.
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    forceCloseConnections: true,
    rewriteUrl: (request) => caseFoldUrl(request.url ?? '/')
  })

  app.addHook('onRequest', async (request, reply) => {
    const path = pathOf(request.url)
    if (path.startsWith(CONTROL_PREFIX)) return undefined
    const pattern = request.is404 ? undefined : request.routeOptions.url
    ctx.countRequest(`${request.method} ${(pattern ?? path).replace(/(.)\/$/, '$1')}`)
    const fault = ctx.faults.take(request.method, path, pattern)
    return fault ? applyFault(fault, request, reply) : undefined
  })

  // The Date header follows the sandbox clock, so clients can measure (offset) skew.
  app.addHook('onSend', async (_request, reply) => {
    reply.header('Date', new Date(ctx.nowMs()).toUTCString())
  })

  app.register(async (scope) => registerRespoke(scope, ctx), { prefix: API_PREFIXES.respoke })
  app.register(async (scope) => registerPocketpaw(scope, ctx), { prefix: API_PREFIXES.pocketpaw })
  app.register(async (scope) => registerPlayOxygen(scope, ctx), { prefix: API_PREFIXES.playOxygen })
  app.register(async (scope) => registerKeycloakProxy(scope, ctx), { prefix: API_PREFIXES.keycloakProxy })
  app.register(async (scope) => registerControl(scope, ctx, ready), { prefix: CONTROL_PREFIX })

  app.setNotFoundHandler((_request, reply) =>
    sendJson(reply, 404, {
      error: 'not_found',
      message: `TokenDesk sandbox: the APIs live under ${Object.values(API_PREFIXES).join(', ')}; the control API under ${CONTROL_PREFIX}/.`
    })
  )
  return app
}
