import type { ExpirySource, RenewalPolicy, Token, TokenState } from '../../shared/model'
import type { ExpiryInfo } from '../providers/provider'

/** Above this the UI warns that the server's clock disagrees with ours. */
export const SKEW_WARNING_MS = 120_000

/**
 * The local time a token dies, from what the API said. Server-clock times (JWT exp, PocketPaw's
 * prefix, Respoke's expiryTime) are shifted by the measured skew so a server whose clock runs
 * 5 minutes ahead does not make a token look 5 minutes longer-lived; relative lifetimes
 * (expires_in, ttl) count from when the request was sent, the conservative end.
 * Unknown stays unknown (null), never invented.
 */
export function localExpiry(info: ExpiryInfo, sentAt: number, skewMs: number | null): { expiresAt: number | null; source: ExpirySource } {
  switch (info.kind) {
    case 'server-time':
      return { expiresAt: Math.max(0, Math.round(info.atMs - (skewMs ?? 0))), source: info.source }
    case 'seconds':
      return { expiresAt: Math.max(0, Math.round(sentAt + info.seconds * 1000)), source: info.source }
    case 'none':
      return { expiresAt: null, source: 'none' }
    default:
      return { expiresAt: null, source: 'unknown' }
  }
}

/** How long before expiry a token counts as "expiring": the preference, but at most 20 % of a short lifetime. */
export function expiringWindowMs(issuedAt: number, expiresAt: number, expiringSeconds: number): number {
  const lifetime = Math.max(0, expiresAt - issuedAt)
  return Math.min(expiringSeconds * 1000, Math.round(lifetime * 0.2))
}

/** The state a token is in at `now`, for tokens whose state follows the clock. */
export function stateAt(token: Pick<Token, 'state' | 'issuedAt' | 'expiresAt'>, now: number, expiringSeconds: number): TokenState {
  if (token.state === 'revoked' || token.state === 'refresh-failed') {
    return token.state === 'refresh-failed' && token.expiresAt !== null && now >= token.expiresAt ? 'expired' : token.state
  }
  if (token.expiresAt === null) return 'live'
  if (now >= token.expiresAt) return 'expired'
  if (now >= token.expiresAt - expiringWindowMs(token.issuedAt, token.expiresAt, expiringSeconds)) return 'expiring'
  return 'live'
}

/** When the renewal policy renews a token issued at `issuedAt` that dies at `expiresAt`; null: never. */
export function renewalTime(policy: RenewalPolicy, issuedAt: number, expiresAt: number | null): number | null {
  if (policy.mode === 'off' || expiresAt === null) return null
  const lifetime = expiresAt - issuedAt
  if (lifetime <= 0) return null
  const at = policy.mode === 'fraction' ? issuedAt + lifetime * policy.fraction : expiresAt - policy.seconds * 1000
  // Never earlier than 10 % into the lifetime: a "60 s before" policy on a 5 s token must not loop.
  return Math.round(Math.max(at, issuedAt + lifetime * 0.1))
}

/** Backoff after a failed renewal: 2 s, 4 s, 8 s … capped at 5 min, and never past the expiry. */
export function retryDelayMs(failures: number): number {
  return Math.min(300_000, 2000 * 2 ** Math.max(0, failures - 1))
}
