/**
 * `npm run soak -- --minutes N [--tokens 1000] [--fault-rate 0.03]`: keeps N tokens with 5-second
 * lifetimes renewing against an in-process sandbox with random injected faults, on real timers,
 * then prints a table and writes test-results/soak.json. Exits 1 if a token was lost or a promise
 * rejection went unhandled. The loop itself is src/core/faults/support/soak-loop.ts.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { resolve } from 'node:path'
import { runSoak, soakTable, type SoakSandbox } from '../src/core/faults/support/soak-loop'
import { SandboxReadySchema } from '../src/shared/sandbox-info'

/** The sandbox as its own process (`npm run sandbox -- --json`), so the soak's memory figures are TokenDesk's alone. */
async function sandboxProcess(): Promise<SoakSandbox> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve('src/sandbox/cli.ts'), '--port', '0', '--json'], { stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = new Promise<void>((done) => child.once('exit', () => done()))
  const firstLine = await new Promise<string>((done, fail) => {
    createInterface({ input: child.stdout! }).once('line', done)
    child.once('exit', (code) => fail(new Error(`the sandbox exited (${code}) before it was ready`)))
  })
  return {
    ready: SandboxReadySchema.parse(JSON.parse(firstLine)),
    close: async () => {
      child.kill('SIGTERM')
      await exited
    }
  }
}

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
const report = await runSoak({ tokens, durationMs: minutes * 60_000, faultRate, progress: log, startSandbox: sandboxProcess })
console.log(`\n${soakTable(report)}\n`)
const out = resolve('test-results/soak.json')
mkdirSync(resolve('test-results'), { recursive: true })
writeFileSync(out, `${JSON.stringify({ at: new Date().toISOString(), node: process.version, ...report }, null, 2)}\n`)
log(`written ${out}`)
const ok = report.lostTokens === 0 && report.unhandledRejections === 0
log(ok ? 'PASS: 0 lost tokens, 0 unhandled rejections' : 'FAIL: tokens were lost or rejections went unhandled')
process.exit(ok ? 0 : 1)
