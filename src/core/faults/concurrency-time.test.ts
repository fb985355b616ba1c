import { describe, expect, it } from 'vitest'
import { patchSettings, useSandbox } from '../../sandbox/test-support'
import { fakeTimers } from '../testing/fake-timers'
import {
  addKeycloak,
  addPlayOxygen,
  call,
  counters,
  expectNothingLost,
  KC_COUNTER,
  resetCounters,
  snapshot,
  useHarness
} from './support/harness'

/**
 * docs/security.md §7, scenarios 24–28: concurrency and time. Fake timers drive the one
 * scheduler timer; the sandbox answers over real HTTP.
 */

const sandbox = useSandbox()
const h = useHarness()

describe('§7 concurrency and time (24–28)', () => {
  it('§7.24 50 simultaneous refreshes of one expired token: exactly one request, fifty identical answers', async () => {
    await patchSettings(sandbox, { lifetimes: { keycloakAccessTokenSeconds: 5 }, refresh: { revokeRefreshToken: true } })
    const timers = fakeTimers(Date.now())
    const core = h.boot({ timers })
    const owner = await addKeycloak(core, sandbox)
    await call(core, 'renewal.setPolicy', { ...owner, policy: { mode: 'off' } })
    const token = await call(core, 'tokens.issue', owner)
    timers.advance(6000)
    expect(core.tokens.list()[0]!.state).toBe('expired')
    const kept = await snapshot(core, h.keychain)
    await resetCounters(sandbox)
    const results = await Promise.all(Array.from({ length: 50 }, () => core.dispatch('tokens.refresh', { id: token.id })))
    expect(results.every((r) => r.ok)).toBe(true)
    expect(new Set(results.map((r) => (r.ok ? (r.value as { expiresAt: number }).expiresAt : null))).size).toBe(1)
    expect((await counters(sandbox))[KC_COUNTER]).toBe(1)
    expect(core.tokens.list()[0]!.state).toBe('live')
    await expectNothingLost(core, h.keychain, kept, { valuesMayChange: true })
  })

  it('§7.25 two instances refreshing the same rotating refresh token: the loser gets "already used", logs in again with the stored password, both end live and nothing is lost', async () => {
    await patchSettings(sandbox, { refresh: { revokeRefreshToken: true, refreshTokenMaxReuse: 0 } })
    const first = h.boot()
    const owner = await addKeycloak(first, sandbox)
    const token = await call(first, 'tokens.issue', owner)
    await first.tokens.flush()
    await (await first.secrets.tokenCache()).flush()
    // A second instance on the same data (Electron's single-instance lock normally prevents this).
    const second = h.boot()
    const kept = await snapshot(second, h.keychain)
    await call(first, 'tokens.refresh', { id: token.id })
    await resetCounters(sandbox)
    const renewed = await call(second, 'tokens.refresh', { id: token.id })
    expect(renewed.state).toBe('live')
    expect((await counters(sandbox))[KC_COUNTER]).toBe(2) // the stale refresh, then one login
    expect((await call(second, 'tokens.audit', { id: token.id })).events.at(-1)!.detail).toMatch(/logging in again/)
    await expectNothingLost(second, h.keychain, kept, { valuesMayChange: true })
  })

  it('§7.26 killed after the server rotated the refresh token but before it was written: on restart the old one is refused, TokenDesk logs in again, nothing lost', async () => {
    await patchSettings(sandbox, { refresh: { revokeRefreshToken: true, refreshTokenMaxReuse: 0 } })
    const first = h.boot()
    const owner = await addKeycloak(first, sandbox)
    const token = await call(first, 'tokens.issue', owner)
    const stale = (await call(first, 'tokens.reveal', { id: token.id, part: 'refresh' })).value
    await first.tokens.flush()
    await (await first.secrets.tokenCache()).flush()
    // The refresh the dying process sent: the server rotates, the answer never reaches the disk.
    const rotated = await fetch(`${sandbox.sandbox.ready.baseUrls.keycloakProxy}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: stale, client_id: 'tokendesk-demo', client_secret: 'demo-client-secret' })
    })
    expect(rotated.status).toBe(200)
    h.abandon(first)
    const second = h.boot()
    const kept = await snapshot(second, h.keychain)
    expect(kept.tokens.find((t) => t.id === token.id)!.refresh).toBe(stale)
    const renewed = await call(second, 'tokens.refresh', { id: token.id })
    expect(renewed.state).toBe('live')
    expect((await call(second, 'tokens.reveal', { id: token.id, part: 'refresh' })).value).not.toBe(stale)
    await expectNothingLost(second, h.keychain, kept, { valuesMayChange: true })
  })

  it('§7.27 server Date 1 h ahead and behind: expiry corrected by the measured skew (warned above 120 s); a local clock jump of 8 h (suspend/resume) mid-countdown: the due renewal still runs, no timer spin', async () => {
    const core = h.boot()
    const owner = await addPlayOxygen(core, sandbox)
    await patchSettings(sandbox, { lifetimes: { playOxygenTokenSeconds: 600 } })
    for (const offset of [3600, -3600]) {
      await patchSettings(sandbox, { clockOffsetSeconds: offset })
      const token = await call(core, 'tokens.issue', owner)
      expect(Math.abs(token.skewMs - offset * 1000), String(offset)).toBeLessThan(2000)
      expect(token.expirySource).toBe('jwt-exp')
      // The JWT's exp is on the server's clock; on ours the token lives its 10 minutes.
      expect(Math.abs(token.expiresAt! - (Date.now() + 600_000)), String(offset)).toBeLessThan(3000)
      expect(Math.abs(token.skewMs)).toBeGreaterThan(120_000) // what the UI warns about
    }
    await patchSettings(sandbox, { clockOffsetSeconds: 0, lifetimes: { keycloakAccessTokenSeconds: 5 } })
    const timers = fakeTimers(Date.now())
    const asleep = h.boot({ timers })
    const kc = await addKeycloak(asleep, sandbox)
    const token = await call(asleep, 'tokens.issue', kc)
    const kept = await snapshot(asleep, h.keychain)
    timers.advance(2000)
    timers.jump(8 * 3600_000) // suspended: no timer fired on the way
    timers.advance(1)
    await asleep.tokens.settled()
    await new Promise((resolve) => setImmediate(resolve))
    const woke = asleep.tokens.list().find((t) => t.id === token.id)!
    expect(woke.state).toBe('live')
    expect(woke.expiresAt).toBeGreaterThan(timers.now())
    // One host timer, armed for the next renewal, not re-armed at once forever.
    expect(timers.pending()).toBe(1)
    expect(asleep.tokens.timersInUse).toBe(1)
    await expectNothingLost(asleep, h.keychain, kept, { valuesMayChange: true })
    // A token whose session is dead for good, found 8 h after its expiry: the one due renewal is
    // tried, fails, and no retry follows (past the late-retry window): no timer at all.
    await call(asleep, 'accounts.update', { id: kc.accountId, secrets: { password: 'wrong-now' } })
    await fetch(`${sandbox.sandbox.ready.origin}/__sandbox/keycloak/logout-all`, { method: 'POST' })
    timers.jump(8 * 3600_000)
    timers.advance(1)
    await asleep.tokens.settled()
    for (let retry = 0; retry < 40; retry++) {
      timers.advance(10_000)
      await asleep.tokens.settled()
    }
    const dead = asleep.tokens.list().find((t) => t.id === token.id)!
    expect(dead.state).toBe('expired')
    expect(dead.renewal.nextAt).toBeNull()
    expect(dead.renewal.failures).toBe(1)
    expect(timers.pending()).toBe(0)
  })

  it('§7.28 expires_in (5 s) shorter than the renewal margin (60 s before expiry): renewed at most twice a second, one request each, no loop', async () => {
    await patchSettings(sandbox, { lifetimes: { keycloakAccessTokenSeconds: 5 } })
    const timers = fakeTimers(Date.now())
    const core = h.boot({ timers })
    const owner = await addKeycloak(core, sandbox)
    await call(core, 'renewal.setPolicy', { ...owner, policy: { mode: 'before', seconds: 60 } })
    const token = await call(core, 'tokens.issue', owner)
    const kept = await snapshot(core, h.keychain)
    await resetCounters(sandbox)
    for (let i = 0; i < 100; i++) {
      timers.advance(100)
      await core.tokens.settled()
    }
    const renewals = (await call(core, 'tokens.audit', { id: token.id })).events.filter((e) => e.kind === 'refreshed').length
    expect(renewals).toBeGreaterThan(0)
    expect(renewals).toBeLessThanOrEqual(20) // 10 s at one renewal per 0.5 s (10 % of the lifetime) at most
    expect((await counters(sandbox))[KC_COUNTER]).toBe(renewals)
    expect(core.tokens.list()[0]!.state).toBe('live')
    await expectNothingLost(core, h.keychain, kept, { valuesMayChange: true })
  })
})
