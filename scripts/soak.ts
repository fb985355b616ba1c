/**
 * `npm run soak -- --minutes N [--tokens 1000] [--fault-rate 0.03]`: keeps N tokens with 5-second
 * lifetimes renewing against an in-process sandbox with random injected faults, on real timers,
 * then prints a table and writes test-results/soak.json. Exits 1 if a token was lost or a promise
 * rejection went unhandled. The loop itself is src/core/faults/support/soak-loop.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { runSoak, soakTable } from '../src/core/faults/support/soak-loop'

function flag(name: string, fallback: number): number {
  const args = process.argv.slice(2)
  const index = args.findIndex((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`))
  if (index < 0) return fallback
  const raw = args[index]!.includes('=') ? args[index]!.split('=')[1] : args[index + 1]
  const value = Number(raw)
  if (raw === undefined || !Number.isFinite(value) || value < 0) {
    console.error(`soak: --${name} needs a number (got ${raw ?? 'nothing'}).`)
    process.exit(2)
  }
  return value
}

const minutes = flag('minutes', 1)
const tokens = Math.floor(flag('tokens', 1000))
const faultRate = flag('fault-rate', 0.03)
const log = (line: string): void => console.log(`[soak] ${line}`)
log(`${tokens} tokens, ${minutes} min, ${faultRate * 100} % of requests faulted (503, latency, reset)`)
const report = await runSoak({ tokens, durationMs: minutes * 60_000, faultRate, progress: log })
console.log(`\n${soakTable(report)}\n`)
const out = resolve('test-results/soak.json')
mkdirSync(resolve('test-results'), { recursive: true })
writeFileSync(out, `${JSON.stringify({ at: new Date().toISOString(), node: process.version, ...report }, null, 2)}\n`)
log(`written ${out}`)
const ok = report.lostTokens === 0 && report.unhandledRejections === 0
log(ok ? 'PASS: 0 lost tokens, 0 unhandled rejections' : 'FAIL: tokens were lost or rejections went unhandled')
process.exit(ok ? 0 : 1)
