import { afterAll } from 'vitest'
import { createHttpClient, type HttpClient } from '../http/client'
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
