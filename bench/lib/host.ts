/**
 * The browser-mode host as the bench runs it in a child process: exactly startBrowserMode's steps
 * (embedded sandbox, bootCore, startWebHost), with the sandbox's token lifetimes settable, and a
 * line protocol on stdin for what only the process itself can tell (GC, memory, timers).
 *
 *   node --expose-gc --import tsx bench/lib/host.ts --data-dir D --renderer-dir R [--demo] [--play-oxygen-seconds N]
 *
 * stdout: `BENCH_READY {"url","bootMs","pid"}` once listening (bootMs: since the process started);
 * stdin `stats` → `BENCH_STATS {...}` (after a full GC when --expose-gc is on).
 */
import { createInterface } from 'node:readline'
import { bootCore } from '../../src/core/boot'
import { startSandbox } from '../../src/sandbox/index'
import { startWebHost } from '../../src/web/server'

function arg(name: string): string | undefined {
  const index = process.argv.indexOf(name)
  return index >= 0 ? process.argv[index + 1] : undefined
}

const dataDir = arg('--data-dir')!
const rendererDir = arg('--renderer-dir')!
const demo = process.argv.includes('--demo')
const playOxygenSeconds = Number(arg('--play-oxygen-seconds') ?? 0)

const sandbox = demo ? await startSandbox({ port: 0, ...(playOxygenSeconds > 0 ? { lifetimes: { playOxygenTokenSeconds: playOxygenSeconds } } : {}) }) : null
const core = await bootCore({
  host: 'browser',
  dataDir,
  version: 'bench',
  runtime: `Node ${process.version}`,
  echoLog: false,
  ...(sandbox
    ? {
        sandboxStatus: () => {
          const { origin, baseUrls, credentials } = sandbox.readyNow()
          return { status: 'running' as const, origin, baseUrls, credentials }
        }
      }
    : {})
})
const host = await startWebHost({ core, rendererDir })
process.stdout.write(`BENCH_READY ${JSON.stringify({ url: host.url, bootMs: performance.now(), pid: process.pid, sandbox: sandbox?.ready.origin ?? null })}\n`)

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
  await host.close()
  await core.dispose()
  await sandbox?.close()
  process.exit(0)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())
