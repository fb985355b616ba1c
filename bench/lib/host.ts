/**
 * The browser-mode host as the bench runs it in a child process: launchBrowserMode, as `npm start`
 * runs it (bundled by run.ts like the app), with the sandbox's token lifetimes settable, and a
 * line protocol on stdin for what only the process itself can tell (GC, memory, timers).
 *
 *   node --expose-gc <build>/web/bench-host.mjs --data-dir D --renderer-dir R [--demo] [--play-oxygen-seconds N]
 *
 * stdout: `BENCH_READY {"url","bootMs","pid"}` once listening (bootMs: since the process started),
 * then `BENCH_BOOTED {"bootedMs","sandbox"}` once the core is up (the page may already be loading);
 * stdin `stats` → `BENCH_STATS {...}` (after a full GC when --expose-gc is on).
 */
import { createInterface } from 'node:readline'
import { launchBrowserMode } from '../../src/web/browser-mode'

function arg(name: string): string | undefined {
  const index = process.argv.indexOf(name)
  return index >= 0 ? process.argv[index + 1] : undefined
}

const playOxygenSeconds = Number(arg('--play-oxygen-seconds') ?? 0)

// Exactly what `npm start` runs (src/web/cli.ts): listen first, boot behind.
const mode = await launchBrowserMode({
  dataDir: arg('--data-dir')!,
  rendererDir: arg('--renderer-dir')!,
  version: 'bench',
  demo: process.argv.includes('--demo'),
  ...(playOxygenSeconds > 0 ? { sandboxSettings: { lifetimes: { playOxygenTokenSeconds: playOxygenSeconds } } } : {})
})
process.stdout.write(`BENCH_READY ${JSON.stringify({ url: mode.url, bootMs: performance.now(), pid: process.pid })}\n`)
const { core, sandbox } = await mode.booted
const sandboxStatus = sandbox?.status()
process.stdout.write(`BENCH_BOOTED ${JSON.stringify({ bootedMs: performance.now(), sandbox: sandboxStatus?.status === 'running' ? sandboxStatus.origin : null })}\n`)

const gc = (globalThis as { gc?: () => void }).gc
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'stats') return
  if (gc) {
    gc()
    gc()
  }
  const memory = process.memoryUsage()
  const cpu = process.cpuUsage()
  process.stdout.write(
    `BENCH_STATS ${JSON.stringify({ rss: memory.rss, heapUsed: memory.heapUsed, cpuMs: (cpu.user + cpu.system) / 1000, tokens: core.tokens.list().length, timersInUse: core.tokens.timersInUse })}\n`
  )
})

const stop = async (): Promise<void> => {
  await mode.close()
  process.exit(0)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())
