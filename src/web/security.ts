import { rendererCsp } from '../core/renderer-files'
import { randomBytes, timingSafeEqual } from 'node:crypto'

/** 32 random bytes, URL-safe: the per-launch secret that opens the WebSocket. */
export function newLaunchSecret(): string {
  return randomBytes(32).toString('base64url')
}

/** Constant-time comparison; different lengths are simply unequal. */
export function secretsMatch(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string') return false
  const a = Buffer.from(expected)
  const b = Buffer.from(given)
  return a.length === b.length && timingSafeEqual(a, b)
}

export interface RequestFacts {
  host: string | undefined
  origin: string | undefined
}

/**
 * DNS rebinding defence: the Host header must name the loopback address and our port exactly.
 * A page on evil.example that resolves to 127.0.0.1 still sends `Host: evil.example:port`.
 */
export function isLoopbackHost(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}`
}

/** The WebSocket must come from our own page: a browser always sends Origin on a WebSocket. */
export function isOwnOrigin(origin: string | undefined, port: number): boolean {
  return origin === `http://127.0.0.1:${port}`
}

/** The renderer's CSP with connect-src opened to exactly our WebSocket. */
export function browserModeCsp(port: number, delivery: 'header' | 'meta' = 'header'): string {
  return rendererCsp(`ws://127.0.0.1:${port}`, delivery)
}
