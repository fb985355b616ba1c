import { formatClockTime } from '../../../shared/clock-time'
import type { ExpirySource, RenewalPolicy, Token } from '../../../shared/model'

export { formatClockTime }

/**
 * Every sentence the UI says about time, in one pure module (no clock, no React): the row, the
 * timeline's hover card, the detail panel and the toasts all read their words from here.
 */

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

const pad2 = (n: number): string => String(n).padStart(2, '0')

/**
 * A countdown: ≥ 1 day `3d 4h`, ≥ 1 h `h:mm:ss`, < 1 h `m:ss`. Whole seconds are rounded up, so
 * the display reaches `0:00` exactly at expiry and a token with 0.4 s left still reads `0:01`.
 */
export function formatLeft(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / SECOND))
  const days = Math.floor(total / 86400)
  const hours = Math.floor((total % 86400) / 3600)
  const minutes = Math.floor((total % 3600) / 60)
  const seconds = total % 60
  if (days >= 1) return `${days}d ${hours}h`
  if (hours >= 1) return `${hours}:${pad2(minutes)}:${pad2(seconds)}`
  return `${minutes}:${pad2(seconds)}`
}

/** A coarse span for "ago" and "old": `45 s`, `12 min`, `2 h`, `3 d`. Rounded down. */
export function formatSpan(ms: number): string {
  const span = Math.max(0, ms)
  if (span < MINUTE) return `${Math.floor(span / SECOND)} s`
  if (span < HOUR) return `${Math.floor(span / MINUTE)} min`
  if (span < DAY) return `${Math.floor(span / HOUR)} h`
  return `${Math.floor(span / DAY)} d`
}

/** `expired just now` (under a minute), `expired 3 min ago`, `expired 2 h ago`, `expired 4 d ago`. */
export function formatExpiredAgo(msAgo: number): string {
  if (msAgo < MINUTE) return 'expired just now'
  return `expired ${formatSpan(msAgo)} ago`
}

/** `12 min old`; under a minute `just issued`. */
export function formatAge(ms: number): string {
  return ms < MINUTE ? 'just issued' : `${formatSpan(ms)} old`
}

type TimeFacts = Pick<Token, 'state' | 'issuedAt' | 'expiresAt' | 'expirySource' | 'updatedAt'>

/** The kind of text the row shows, so the row can colour it without parsing it. */
export type LeftTone = 'live' | 'expired' | 'revoked' | 'unknown'

/** The time-left column of a token row at `now`. */
export function timeLeftText(token: TimeFacts, now: number): string {
  if (token.state === 'revoked') return 'revoked'
  if (token.expirySource === 'none') return 'no expiry'
  if (token.expiresAt === null) {
    if (token.state === 'expired') return 'expired'
    return `no expiry known · ${formatAge(now - token.issuedAt)}`
  }
  const left = token.expiresAt - now
  // The engine marks a token expired on its own tick; the row never shows "0:00" for a second.
  if (left <= 0 || token.state === 'expired') return formatExpiredAgo(now - token.expiresAt)
  return formatLeft(left)
}

export function timeLeftTone(token: TimeFacts, now: number): LeftTone {
  if (token.state === 'revoked') return 'revoked'
  if (token.expiresAt === null) return token.state === 'expired' ? 'expired' : 'unknown'
  if (token.state === 'expired' || token.expiresAt <= now) return 'expired'
  return 'live'
}

/** The fraction of the lifetime left, 0…1; null when the lifetime is not known. */
export function fractionLeft(token: Pick<Token, 'issuedAt' | 'expiresAt'>, now: number): number | null {
  if (token.expiresAt === null) return null
  const lifetime = token.expiresAt - token.issuedAt
  if (lifetime <= 0) return 0
  return Math.min(1, Math.max(0, (token.expiresAt - now) / lifetime))
}

/** When the policy renews a token with this lifetime, as the time left at that moment (ms); null: never. */
export function renewalLeftMs(policy: RenewalPolicy, token: Pick<Token, 'issuedAt' | 'expiresAt'>): number | null {
  if (policy.mode === 'off' || token.expiresAt === null) return null
  const lifetime = token.expiresAt - token.issuedAt
  if (lifetime <= 0) return null
  if (policy.mode === 'fraction') return Math.round(lifetime * (1 - policy.fraction))
  return Math.min(lifetime, policy.seconds * SECOND)
}

/** `renews at 1:00 left` / `auto-renew off` / `renews at 80 % of its lifetime` (lifetime unknown). */
export function renewalText(token: Pick<Token, 'issuedAt' | 'expiresAt' | 'renewal' | 'expirySource'>): string {
  const { policy, method } = token.renewal
  if (method === 'none') return 'cannot be renewed'
  if (policy.mode === 'off') return 'auto-renew off'
  const left = renewalLeftMs(policy, token)
  if (left === null) {
    return policy.mode === 'fraction' ? `renews at ${Math.round(policy.fraction * 100)} % of its lifetime` : `renews ${formatLeft(policy.seconds * SECOND)} before expiry`
  }
  return `renews at ${formatLeft(left)} left`
}

/** A policy in words, for the detail panel and the editor. */
export function policyText(policy: RenewalPolicy): string {
  if (policy.mode === 'off') return 'Let it expire'
  if (policy.mode === 'fraction') return `Renew at ${Math.round(policy.fraction * 100)} % of the lifetime`
  return `Renew ${formatLeft(policy.seconds * SECOND)} before expiry`
}

/** Where the expiry came from, as the row's tooltip says it. */
export function expirySourceText(source: ExpirySource, ageMs?: number): string {
  switch (source) {
    case 'jwt-exp':
      return 'from JWT exp'
    case 'expires_in':
      return 'from expires_in'
    case 'pocketpaw-prefix':
      return "from the token's own expiry prefix"
    case 'expiryTime':
      return 'from expiryTime'
    case 'ttl':
      return 'from the requested ttl'
    case 'recipe':
      return "from the recipe's expiry field"
    case 'none':
      return 'the server says it never expires'
    case 'unknown':
      return ageMs === undefined ? 'unknown' : `unknown — age ${formatSpan(ageMs)}`
  }
}

/** Skew over 120 s is worth a warning: `server clock 3 min ahead` / `… behind`. Null below the limit. */
export const SKEW_WARN_MS = 120 * SECOND
export function skewText(skewMs: number): string | null {
  if (Math.abs(skewMs) <= SKEW_WARN_MS) return null
  return `server clock ${formatSpan(Math.abs(skewMs))} ${skewMs > 0 ? 'ahead' : 'behind'}`
}

/** Local wall time `2026-11-23 19:04:05` for tooltips and the detail panel. */
export function formatAbsolute(ms: number): string {
  const d = new Date(ms)
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${formatClockTime(ms)}`
}

/**
 * `19:04:05` on the same local day as `now`, else the full `2026-12-18 19:04:05`: a clock time
 * alone would pass a renewal 22 days away for one today.
 */
export function formatMoment(ms: number, now: number): string {
  const day = (t: number): string => formatAbsolute(t).slice(0, 10)
  return day(ms) === day(now) ? formatClockTime(ms) : formatAbsolute(ms)
}


/** Local `19:04`, for axis labels. */
export function formatHourMinute(ms: number): string {
  const d = new Date(ms)
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}`
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const

/** Local `Mon 23 Nov`, for axis labels of long ranges. */
export function formatDay(ms: number): string {
  const d = new Date(ms)
  return `${WEEKDAYS[d.getDay()]} ${d.getDate()} ${MONTHS[d.getMonth()]}`
}

/** A relative phrase for absolute times: `in 4 min`, `3 min ago`, `now`. */
export function formatRelative(at: number, now: number): string {
  const delta = at - now
  if (Math.abs(delta) < SECOND) return 'now'
  return delta > 0 ? `in ${formatSpan(delta)}` : `${formatSpan(-delta)} ago`
}
