import { describe, expect, it } from 'vitest'
import type { Token } from '../../../shared/model'
import {
  expirySourceText,
  formatAbsolute,
  formatAge,
  formatExpiredAgo,
  formatLeft,
  formatMoment,
  formatRelative,
  formatSpan,
  fractionLeft,
  renewalLeftMs,
  renewalText,
  skewText,
  timeLeftText,
  timeLeftTone
} from './format-time'

const S = 1000
const M = 60 * S
const H = 60 * M
const D = 24 * H

describe('formatLeft', () => {
  it.each([
    [0, '0:00'],
    [1, '0:01'],
    [400, '0:01'],
    [1 * S, '0:01'],
    [59 * S, '0:59'],
    [60 * S, '1:00'],
    [61 * S, '1:01'],
    [10 * M + 5 * S, '10:05'],
    [59 * M + 59 * S, '59:59'],
    [59 * M + 59 * S + 1, '1:00:00'],
    [H, '1:00:00'],
    [H + S, '1:00:01'],
    [12 * H + 34 * M + 56 * S, '12:34:56'],
    [23 * H + 59 * M + 59 * S, '23:59:59'],
    [23 * H + 59 * M + 59 * S + 1, '1d 0h'],
    [D, '1d 0h'],
    [D + 59 * M, '1d 0h'],
    [D + H, '1d 1h'],
    [3 * D + 4 * H + 59 * M, '3d 4h'],
    [27 * D + 23 * H, '27d 23h'],
    [400 * D, '400d 0h']
  ])('%d ms left → %s', (ms, text) => {
    expect(formatLeft(ms)).toBe(text)
  })

  it('never goes negative', () => {
    expect(formatLeft(-5 * S)).toBe('0:00')
  })
})

describe('spans, ages and "expired … ago"', () => {
  it.each([
    [0, '0 s'],
    [59 * S + 999, '59 s'],
    [M, '1 min'],
    [59 * M + 59 * S, '59 min'],
    [H, '1 h'],
    [23 * H + 59 * M, '23 h'],
    [D, '1 d'],
    [9 * D + 5 * H, '9 d']
  ])('span %d → %s', (ms, text) => {
    expect(formatSpan(ms)).toBe(text)
  })

  it.each([
    [0, 'expired just now'],
    [1, 'expired just now'],
    [59 * S + 999, 'expired just now'],
    [M, 'expired 1 min ago'],
    [3 * M + 20 * S, 'expired 3 min ago'],
    [2 * H + 5 * M, 'expired 2 h ago'],
    [4 * D, 'expired 4 d ago']
  ])('expired %d ms ago → %s', (ms, text) => {
    expect(formatExpiredAgo(ms)).toBe(text)
  })

  it('ages', () => {
    expect(formatAge(30 * S)).toBe('just issued')
    expect(formatAge(12 * M + 3 * S)).toBe('12 min old')
    expect(formatAge(5 * H)).toBe('5 h old')
  })
})

const NOW = Date.UTC(2026, 10, 23, 19, 0, 0)

function facts(over: Partial<Token>): Pick<Token, 'state' | 'issuedAt' | 'expiresAt' | 'expirySource' | 'updatedAt'> {
  return { state: 'live', issuedAt: NOW - 5 * M, expiresAt: NOW + 5 * M, expirySource: 'expires_in', updatedAt: NOW - 5 * M, ...over }
}

describe('timeLeftText / timeLeftTone', () => {
  it('counts down a live token', () => {
    expect(timeLeftText(facts({}), NOW)).toBe('5:00')
    expect(timeLeftTone(facts({}), NOW)).toBe('live')
    expect(timeLeftText(facts({ expiresAt: NOW + 3 * D + 4 * H }), NOW)).toBe('3d 4h')
  })

  it('says "expired just now" at the instant of expiry, before the engine marks it', () => {
    const token = facts({ expiresAt: NOW })
    expect(timeLeftText(token, NOW)).toBe('expired just now')
    expect(timeLeftTone(token, NOW)).toBe('expired')
    expect(timeLeftText(token, NOW - 1)).toBe('0:01')
  })

  it('says how long ago an expired token died', () => {
    const token = facts({ state: 'expired', expiresAt: NOW - 3 * M })
    expect(timeLeftText(token, NOW)).toBe('expired 3 min ago')
    expect(timeLeftText(facts({ state: 'expired', expiresAt: NOW - 2 * H }), NOW)).toBe('expired 2 h ago')
  })

  it('is honest about unknown and never', () => {
    expect(timeLeftText(facts({ expiresAt: null, expirySource: 'unknown', issuedAt: NOW - 12 * M }), NOW)).toBe('no expiry known · 12 min old')
    expect(timeLeftTone(facts({ expiresAt: null, expirySource: 'unknown' }), NOW)).toBe('unknown')
    expect(timeLeftText(facts({ expiresAt: null, expirySource: 'none' }), NOW)).toBe('no expiry')
  })

  it('revoked wins over everything', () => {
    expect(timeLeftText(facts({ state: 'revoked' }), NOW)).toBe('revoked')
    expect(timeLeftTone(facts({ state: 'revoked' }), NOW)).toBe('revoked')
  })
})

describe('lifetime and renewal', () => {
  const token = { issuedAt: NOW - 4 * M, expiresAt: NOW + 1 * M }
  it('fraction left', () => {
    expect(fractionLeft(token, NOW)).toBeCloseTo(0.2)
    expect(fractionLeft(token, NOW + 10 * M)).toBe(0)
    expect(fractionLeft(token, NOW - 10 * M)).toBe(1)
    expect(fractionLeft({ issuedAt: NOW, expiresAt: null }, NOW)).toBeNull()
  })

  it('renewal point as time left', () => {
    expect(renewalLeftMs({ mode: 'fraction', fraction: 0.8 }, token)).toBe(1 * M)
    expect(renewalLeftMs({ mode: 'before', seconds: 30 }, token)).toBe(30 * S)
    expect(renewalLeftMs({ mode: 'before', seconds: 3600 }, token)).toBe(5 * M)
    expect(renewalLeftMs({ mode: 'off' }, token)).toBeNull()
  })

  it('renewal sentence', () => {
    const renewal = (policy: Token['renewal']['policy'], method: Token['renewal']['method'] = 'refresh-token'): Token['renewal'] => ({ policy, method, nextAt: null, lastError: null, failures: 0 })
    expect(renewalText({ ...token, expirySource: 'expires_in', renewal: renewal({ mode: 'fraction', fraction: 0.8 }) })).toBe('renews at 1:00 left')
    expect(renewalText({ ...token, expirySource: 'expires_in', renewal: renewal({ mode: 'off' }) })).toBe('auto-renew off')
    expect(renewalText({ ...token, expirySource: 'expires_in', renewal: renewal({ mode: 'off' }, 'none') })).toBe('cannot be renewed')
    expect(renewalText({ issuedAt: NOW, expiresAt: null, expirySource: 'unknown', renewal: renewal({ mode: 'fraction', fraction: 0.75 }) })).toBe('renews at 75 % of its lifetime')
  })
})

describe('sources, skew, absolute times', () => {
  it.each([
    ['jwt-exp', 'from JWT exp'],
    ['expires_in', 'from expires_in'],
    ['pocketpaw-prefix', "from the token's own expiry prefix"],
    ['expiryTime', 'from expiryTime'],
    ['ttl', 'from the requested ttl']
  ] as const)('%s → %s', (source, text) => {
    expect(expirySourceText(source)).toBe(text)
  })

  it('unknown says the age', () => {
    expect(expirySourceText('unknown', 12 * M)).toBe('unknown — age 12 min')
  })

  it('warns about skew only above 120 s', () => {
    expect(skewText(120 * S)).toBeNull()
    expect(skewText(-120 * S)).toBeNull()
    expect(skewText(121 * S)).toBe('server clock 2 min ahead')
    expect(skewText(-5 * M)).toBe('server clock 5 min behind')
  })

  it('formats local wall time', () => {
    const at = new Date(2026, 0, 2, 3, 4, 5).getTime()
    expect(formatAbsolute(at)).toBe('2026-01-02 03:04:05')
  })

  it('a moment on the same local day is its clock time; on another day, its date too', () => {
    const now = new Date(2026, 0, 2, 12, 0, 0).getTime()
    expect(formatMoment(new Date(2026, 0, 2, 0, 0, 0).getTime(), now)).toBe('00:00:00')
    expect(formatMoment(new Date(2026, 0, 2, 23, 59, 59).getTime(), now)).toBe('23:59:59')
    expect(formatMoment(new Date(2026, 0, 3, 0, 0, 0).getTime(), now)).toBe('2026-01-03 00:00:00')
    expect(formatMoment(new Date(2026, 0, 24, 14, 23, 48).getTime(), now)).toBe('2026-01-24 14:23:48')
    expect(formatMoment(new Date(2026, 0, 1, 23, 59, 59).getTime(), now)).toBe('2026-01-01 23:59:59')
  })

  it('relative phrases', () => {
    expect(formatRelative(NOW + 4 * M, NOW)).toBe('in 4 min')
    expect(formatRelative(NOW - 3 * M, NOW)).toBe('3 min ago')
    expect(formatRelative(NOW, NOW)).toBe('now')
  })
})
