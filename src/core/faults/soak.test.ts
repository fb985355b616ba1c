import { expect, it } from 'vitest'
import { heapCurve, runSoak } from './support/soak-loop'

/** The soak's core loop (`npm run soak`), short: 20 tokens on 5 s lifetimes for 8 s with faults on. */
it('soak loop: 20 tokens renewing for 8 s with random 503/latency/reset faults lose no token and leave no rejection unhandled', async () => {
  const report = await runSoak({ tokens: 20, durationMs: 8000, faultRate: 0.05 })
  expect(report.lostTokens, report.lostDetail.join('\n')).toBe(0)
  expect(report.unhandledRejections).toBe(0)
  expect(report.renewals).toBeGreaterThan(0)
  expect(report.schedulerTimers).toBeLessThanOrEqual(1)
}, 60_000)

it('soak table: the heap curve keeps one 30-second sample per 2 minutes, so a plateau and a slope read apart', () => {
  const samples = Array.from({ length: 20 }, (_, i) => ({ atS: 30 * (i + 1) + (i % 3 === 0 ? 1 : 0), heapMb: 40 + i, rssMb: 120 }))
  expect(heapCurve(samples)).toBe('121 s 43 · 240 s 47 · 360 s 51 · 481 s 55 · 600 s 59 MB')
  expect(heapCurve(samples.slice(0, 3))).toBe('(run shorter than 2 min)')
})
