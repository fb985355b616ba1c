import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify'

/** application/x-www-form-urlencoded, keeping repeated names (Keycloak rejects duplicates). */
export function parseFormBody(text: string): Map<string, string[]> {
  const fields = new Map<string, string[]>()
  for (const [name, value] of new URLSearchParams(text)) {
    const values = fields.get(name)
    if (values) values.push(value)
    else fields.set(name, [value])
  }
  return fields
}

export function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

export function pathOf(url: string): string {
  const queryStart = url.indexOf('?')
  return queryStart === -1 ? url : url.slice(0, queryStart)
}

export function queryParam(request: FastifyRequest, name: string): string | undefined {
  return new URLSearchParams(request.url.slice(pathOf(request.url).length)).get(name) ?? undefined
}

/** decodeURIComponent that keeps malformed escapes (`%zz`) as they are instead of throwing. */
export function safeDecodeURIComponent(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** A path parameter by name; fastify always supplies the ones its route pattern names. */
export function pathParam(request: FastifyRequest, name: string): string {
  const params = request.params
  const value = isRecord(params) ? params[name] : undefined
  return typeof value === 'string' ? value : ''
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Unref'd: an injected delay never keeps a closed sandbox's process alive. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref())

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE'

/** Registers `path` and `path/`: the seeds use trailing slashes, the SDKs do not. */
export function routeWithAndWithoutSlash(
  app: FastifyInstance,
  method: Method,
  path: string,
  handler: RouteHandlerMethod
): void {
  app.route({ method, url: path, handler })
  app.route({ method, url: `${path}/`, handler })
}

/** The methods registered for a concrete path, for 405 answers from a not-found handler. */
export function allowedMethods(app: FastifyInstance, path: string): Method[] {
  const methods: Method[] = ['GET', 'POST', 'PUT', 'DELETE']
  return methods.filter((method) => app.hasRoute({ method, url: path }))
}

/** A token bucket driven by a monotonic clock: `ratePerSecond` refill, `burst` capacity. */
export class TokenBucket {
  private tokens: number
  private updatedAt = performance.now()

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number
  ) {
    this.tokens = burst
  }

  /** Takes one token; returns how many remain, or the seconds to wait when none is left. */
  take(): { allowed: true; remaining: number; resetSeconds: number } | { allowed: false; retryAfterSeconds: number } {
    const now = performance.now()
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.ratePerSecond)
    this.updatedAt = now
    if (this.tokens >= 1) {
      this.tokens -= 1
      return {
        allowed: true,
        remaining: Math.floor(this.tokens),
        resetSeconds: Math.ceil((this.burst - this.tokens) / this.ratePerSecond)
      }
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - this.tokens) / this.ratePerSecond)) }
  }
}

export function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(body))
}
