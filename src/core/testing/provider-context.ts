import { afterAll } from 'vitest'
import { createHttpClient, type HttpClient, type HttpRequest, type HttpResponse } from '../http/client'
import type { Logger } from '../log'
import type { ProviderContext } from '../providers/provider'

/** A logger that drops everything: provider tests assert on results, not log lines. */
export const quietLog: Logger = { debug() {}, info() {}, warn() {}, error() {}, redact() {} }

/**
 * Provider contexts on the real HTTP client (retries without waiting), closed after the file's
 * tests. Call once at the top level of a test file.
 */
export function useProviderContexts(): (maxAttempts?: number) => ProviderContext {
  const clients: HttpClient[] = []
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close?.()))
  })
  return (maxAttempts = 3) => {
    const http = createHttpClient({ log: quietLog, maxAttempts, sleep: () => Promise.resolve() })
    clients.push(http)
    return { http, log: quietLog, now: () => Date.now() }
  }
}

/** One answer of a scripted server: a status, a body (a string as is, anything else as JSON) and headers. */
export interface ScriptedAnswer {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

export interface ScriptedOptions {
  /** Headers of an answer that names none. */
  defaultHeaders?: Record<string, string>
  /** The context's clock: starts here and advances by `step` at each reading. */
  clock?: { start: number; step: number }
  /** sentAt/receivedAt of every response; the wall clock when not given. */
  stamps?: { sentAt: number; receivedAt: number }
}

/**
 * A provider context whose HTTP client answers from a script, in order, and records each request:
 * for the answers a sandbox does not give (odd bodies, statuses, headers). Unscripted requests throw.
 */
export function scriptedContext(answers: ScriptedAnswer[], options: ScriptedOptions = {}): { ctx: ProviderContext; requests: HttpRequest[] } {
  const requests: HttpRequest[] = []
  const queue = [...answers]
  const step = options.clock?.step ?? 1
  let clock = options.clock?.start ?? 1_000_000
  const http: HttpClient = {
    async request(req) {
      requests.push(req)
      const answer = queue.shift()
      if (!answer) throw new Error(`unscripted request ${req.method} ${req.url}`)
      const body = typeof answer.body === 'string' ? answer.body : answer.body === undefined ? '' : JSON.stringify(answer.body)
      const response: HttpResponse = {
        status: answer.status,
        headers: answer.headers ?? options.defaultHeaders ?? {},
        body,
        url: req.url,
        sentAt: options.stamps?.sentAt ?? Date.now(),
        receivedAt: options.stamps?.receivedAt ?? Date.now(),
        skewMs: null,
        json: () => JSON.parse(body) as unknown
      }
      return response
    }
  }
  return { ctx: { http, log: quietLog, now: () => (clock += step) }, requests }
}
