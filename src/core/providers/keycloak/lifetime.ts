import type { ExpiryInfo } from '../provider'

/** Lifetimes as people say them, for test-login sentences: "45 s", "5 min", "1 h 30 min", "28 days". */

const UNITS: [seconds: number, one: string, many: string][] = [
  [86_400, 'day', 'days'],
  [3_600, 'h', 'h'],
  [60, 'min', 'min'],
  [1, 's', 's']
]

/** At most the two largest non-zero units; negative and fractional inputs are clamped and rounded. */
export function describeSeconds(total: number): string {
  let rest = Math.max(0, Math.round(total))
  if (rest === 0) return '0 s'
  const parts: string[] = []
  for (const [size, one, many] of UNITS) {
    if (parts.length === 2) break
    const count = Math.floor(rest / size)
    if (count === 0) {
      if (parts.length > 0) break
      continue
    }
    parts.push(`${count} ${count === 1 ? one : many}`)
    rest -= count * size
  }
  return parts.join(' ')
}

/** An expiry as a lifetime: `sentAt`/`skewMs` turn a server-time expiry into seconds from issue. */
export function describeExpiry(expiry: ExpiryInfo, sentAt: number, skewMs: number | null): string {
  switch (expiry.kind) {
    case 'seconds':
      return describeSeconds(expiry.seconds)
    case 'server-time':
      return describeSeconds((expiry.atMs - (skewMs ?? 0) - sentAt) / 1000)
    case 'none':
      return 'no expiry'
    case 'unknown':
      return 'an unknown lifetime'
  }
}
