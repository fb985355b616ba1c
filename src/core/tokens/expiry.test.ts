import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { expiringWindowMs, localExpiry, renewalTime, retryDelayMs, stateAt } from './expiry'

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0)

describe('localExpiry', () => {
  it('shifts server-clock times by the measured skew (a server 5 min ahead does not lengthen the token)', () => {
    expect(localExpiry({ source: 'jwt-exp', kind: 'server-time', atMs: T0 + 600_000 }, T0, 300_000)).toEqual({ expiresAt: T0 + 300_000, source: 'jwt-exp' })
    expect(localExpiry({ source: 'pocketpaw-prefix', kind: 'server-time', atMs: T0 + 600_000 }, T0, -60_000)).toEqual({ expiresAt: T0 + 660_000, source: 'pocketpaw-prefix' })
  })

  it('takes server-clock times as they are when no Date header came back', () => {
    expect(localExpiry({ source: 'expiryTime', kind: 'server-time', atMs: T0 + 1000 }, T0 - 5000, null)).toEqual({ expiresAt: T0 + 1000, source: 'expiryTime' })
  })

  it('counts relative lifetimes from when the request was sent, not from the answer', () => {
    expect(localExpiry({ source: 'expires_in', kind: 'seconds', seconds: 300 }, T0, 999_999)).toEqual({ expiresAt: T0 + 300_000, source: 'expires_in' })
    expect(localExpiry({ source: 'ttl', kind: 'seconds', seconds: 0.5 }, T0, null)).toEqual({ expiresAt: T0 + 500, source: 'ttl' })
  })

  it('never reports an expiry before the epoch or between milliseconds', () => {
    // A server that answers expires_in: -30 (or a clock far behind) gives a token already dead, not a negative time.
    expect(localExpiry({ source: 'expires_in', kind: 'seconds', seconds: -30 }, 5000, null)).toEqual({ expiresAt: 0, source: 'expires_in' })
    expect(localExpiry({ source: 'jwt-exp', kind: 'server-time', atMs: 1000 }, T0, 5000)).toEqual({ expiresAt: 0, source: 'jwt-exp' })
    // Timestamps are whole milliseconds (the record schema requires integers).
    expect(localExpiry({ source: 'ttl', kind: 'seconds', seconds: 0.0006 }, T0, null).expiresAt).toBe(T0 + 1)
    expect(localExpiry({ source: 'jwt-exp', kind: 'server-time', atMs: T0 + 0.6 }, T0, null).expiresAt).toBe(T0 + 1)
  })

  it('never invents an expiry: unknown stays unknown, none is none', () => {
    expect(localExpiry({ source: 'unknown', kind: 'unknown' }, T0, 10)).toEqual({ expiresAt: null, source: 'unknown' })
    expect(localExpiry({ source: 'none', kind: 'none' }, T0, 10)).toEqual({ expiresAt: null, source: 'none' })
  })

  it('property: a relative expiry is always sentAt + seconds, whatever the skew', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 0, max: 10 ** 8 }), fc.option(fc.integer({ min: -(10 ** 9), max: 10 ** 9 })), (sentAt, seconds, skew) => {
        expect(localExpiry({ source: 'expires_in', kind: 'seconds', seconds }, sentAt, skew).expiresAt).toBe(sentAt + seconds * 1000)
      }),
      { numRuns: 1000 }
    )
  })

  it('property: a server time minus its skew is the local expiry (never negative)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 42 }), fc.integer({ min: -(10 ** 9), max: 10 ** 9 }), (atMs, skew) => {
        expect(localExpiry({ source: 'jwt-exp', kind: 'server-time', atMs }, 0, skew).expiresAt).toBe(Math.max(0, atMs - skew))
      }),
      { numRuns: 1000 }
    )
  })
})

describe('stateAt', () => {
  const token = { state: 'live' as const, issuedAt: T0, expiresAt: T0 + 3_600_000 }

  it('is live, then expiring inside the threshold, then expired at the expiry instant', () => {
    expect(stateAt(token, T0 + 3_539_999, 60)).toBe('live')
    expect(stateAt(token, T0 + 3_540_000, 60)).toBe('expiring')
    expect(stateAt(token, T0 + 3_599_999, 60)).toBe('expiring')
    expect(stateAt(token, T0 + 3_600_000, 60)).toBe('expired')
  })

  it('caps the expiring window at 20 % of a short lifetime (a 5 s token is not "expiring" from birth)', () => {
    const short = { state: 'live' as const, issuedAt: T0, expiresAt: T0 + 5000 }
    expect(expiringWindowMs(T0, T0 + 5000, 60)).toBe(1000)
    expect(stateAt(short, T0 + 3999, 60)).toBe('live')
    expect(stateAt(short, T0 + 4000, 60)).toBe('expiring')
  })

  it('keeps a token with no known expiry live, and revoked tokens revoked', () => {
    expect(stateAt({ state: 'live', issuedAt: T0, expiresAt: null }, T0 + 10 ** 12, 60)).toBe('live')
    expect(stateAt({ ...token, state: 'revoked' }, T0 + 10 ** 9, 60)).toBe('revoked')
  })

  it('has no expiring window for a token whose expiry precedes its issue time', () => {
    expect(expiringWindowMs(T0, T0 - 10_000, 60)).toBe(0)
  })

  it('keeps a failed renewal of a token with no known expiry as refresh-failed, never expired', () => {
    expect(stateAt({ state: 'refresh-failed', issuedAt: T0, expiresAt: null }, T0 + 10 ** 12, 60)).toBe('refresh-failed')
  })

  it('shows a failed renewal until the token expires, then expired', () => {
    expect(stateAt({ ...token, state: 'refresh-failed' }, T0 + 1000, 60)).toBe('refresh-failed')
    expect(stateAt({ ...token, state: 'refresh-failed' }, T0 + 3_600_000, 60)).toBe('expired')
  })
})

describe('renewalTime', () => {
  it('renews at the policy fraction of the lifetime (default 80 %)', () => {
    expect(renewalTime({ mode: 'fraction', fraction: 0.8 }, T0, T0 + 300_000)).toBe(T0 + 240_000)
  })

  it('renews N seconds before expiry, but never in the first 10 % of the lifetime', () => {
    expect(renewalTime({ mode: 'before', seconds: 60 }, T0, T0 + 300_000)).toBe(T0 + 240_000)
    expect(renewalTime({ mode: 'before', seconds: 60 }, T0, T0 + 5000)).toBe(T0 + 500)
  })

  it('never renews when off, when the expiry is unknown, or when the token is born dead', () => {
    expect(renewalTime({ mode: 'off' }, T0, T0 + 300_000)).toBeNull()
    expect(renewalTime({ mode: 'fraction', fraction: 0.8 }, T0, null)).toBeNull()
    expect(renewalTime({ mode: 'fraction', fraction: 0.8 }, T0, T0)).toBeNull()
    expect(renewalTime({ mode: 'before', seconds: 1 }, T0, T0 - 1000)).toBeNull()
  })

  it('renews at a whole millisecond', () => {
    expect(renewalTime({ mode: 'fraction', fraction: 0.8 }, T0, T0 + 7)).toBe(T0 + 6)
  })

  it('property: a renewal always falls strictly inside the lifetime', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.integer({ min: 10, max: 10 ** 10 }),
        fc.oneof(
          fc.double({ min: 0.1, max: 0.95, noNaN: true }).map((fraction) => ({ mode: 'fraction' as const, fraction })),
          fc.integer({ min: 1, max: 7 * 24 * 3600 }).map((seconds) => ({ mode: 'before' as const, seconds }))
        ),
        (issuedAt, lifetime, policy) => {
          const at = renewalTime(policy, issuedAt, issuedAt + lifetime)!
          expect(at).toBeGreaterThanOrEqual(issuedAt)
          expect(at).toBeLessThanOrEqual(issuedAt + lifetime)
        }
      ),
      { numRuns: 1000 }
    )
  })
})

describe('retryDelayMs', () => {
  it('backs off 2 s, 4 s, 8 s … and stops growing at 5 minutes', () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([2000, 4000, 8000, 16000])
    expect(retryDelayMs(30)).toBe(300_000)
  })

  it('never retries sooner than 2 s, even for a count of zero failures', () => {
    expect(retryDelayMs(0)).toBe(2000)
  })
})
