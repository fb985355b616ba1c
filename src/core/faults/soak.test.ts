import { expect, it } from 'vitest'
import { runSoak } from './support/soak-loop'

/** The soak's core loop (`npm run soak`), short: 20 tokens on 5 s lifetimes for 8 s with faults on. */
it('soak loop: 20 tokens renewing for 8 s with random 503/latency/reset faults lose no token and leave no rejection unhandled', async () => {
  const report = await runSoak({ tokens: 20, durationMs: 8000, faultRate: 0.05 })
  expect(report.lostTokens, report.lostDetail.join('\n')).toBe(0)
  expect(report.unhandledRejections).toBe(0)
  expect(report.renewals).toBeGreaterThan(0)
  expect(report.schedulerTimers).toBeLessThanOrEqual(1)
}, 60_000)
