import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bootCore } from '../../src/core/boot'
import type { Token } from '../../src/shared/model'
import type { SandboxReady } from '../../src/shared/sandbox-info'
import { root } from './app'
import { percentile, round } from './stats'

export interface SchedulerFigures {
  timers: number
  lateness_p50: number
  lateness_p99: number
  cpu_ms: number
  requests: number
  renewals_due: number
}

/** The sandbox in its own process (`npm run sandbox -- --json`), so the core's CPU is measured alone. */
export async function startSandboxProcess(args: string[]): Promise<{ ready: SandboxReady; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'sandbox', 'cli.ts'), '--json', '--port', '0', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  const ready = await new Promise<SandboxReady>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sandbox did not start: ${out}`)), 60_000)
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const line = out.split('\n').find((l) => l.startsWith('{'))
      if (line && out.includes('\n')) {
        clearTimeout(timer)
        resolve(JSON.parse(line) as SandboxReady)
      }
    })
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()))
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return {
    ready,
    stop: async () => {
      child.kill('SIGTERM')
      await exited
    }
  }
}

export async function sandboxCounters(origin: string): Promise<Record<string, number>> {
  const response = await fetch(`${origin}/__sandbox/counters`)
  return (await response.json()) as Record<string, number>
}

function countOf(counters: Record<string, number>, pattern: RegExp): number {
  return Object.entries(counters)
    .filter(([name]) => pattern.test(name))
    .reduce((sum, [, n]) => sum + n, 0)
}

/**
 * `count` Play Oxygen tokens issued evenly over `spreadS` seconds, each living `lifetimeS` (renewal
 * at 80 %, after the last issue), so their renewals are spread over `spreadS` too. Measures the
 * renewal phase: host timers in use, lateness of each renewal (the renewal request's send time minus
 * the time it was scheduled for), the core's CPU, and requests the sandbox saw vs renewals due.
 */
export async function measureScheduler(count: number, spreadS: number): Promise<SchedulerFigures> {
  const lifetimeS = Math.ceil((spreadS * 1.25) / 0.8) + 2
  const sandbox = await startSandboxProcess(['--play-oxygen-seconds', String(lifetimeS)])
  const dataDir = mkdtempSync(join(tmpdir(), 'tokendesk-bench-sched-'))
  const { origin, baseUrls, credentials } = sandbox.ready
  const core = await bootCore({
    host: 'browser',
    dataDir,
    version: 'bench',
    runtime: `Node ${process.version}`,
    sandboxStatus: () => ({ status: 'running', origin, baseUrls, credentials })
  })
  try {
    const { accounts, apps } = core.accounts.list()
    const account = accounts.find((a) => a.providerId === 'play-oxygen')!
    const app = apps.find((a) => a.accountId === account.id)!
    const dueAt = new Map<string, number>()
    const lateness: number[] = []
    core.events.subscribe((event, payload) => {
      if (event !== 'tokens.changed') return
      for (const token of (payload as { upserted: Token[] }).upserted) {
        const scheduled = dueAt.get(token.id)
        const renewal = token.renewals[0]
        if (scheduled === undefined || !renewal) continue
        lateness.push(renewal.at - scheduled)
        dueAt.delete(token.id)
      }
    })
    // Issue evenly over the spread.
    const started = Date.now()
    for (let i = 0; i < count; i++) {
      const target = started + (i * spreadS * 1000) / count
      const wait = target - Date.now()
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
      const result = await core.dispatch('tokens.issue', { accountId: account.id, appId: app.id })
      if (!result.ok) throw new Error(`issue failed: ${result.error.code}`)
      const token = result.value as Token
      dueAt.set(token.id, token.renewal.nextAt!)
    }
    const lastDue = Math.max(...dueAt.values())
    const firstDue = Math.min(...dueAt.values())
    if (Date.now() >= firstDue) throw new Error('issuing took longer than the first renewal: lower the count')
    const due = dueAt.size
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, firstDue - Date.now() - 500)))
    const before = await sandboxCounters(origin)
    const cpuBefore = process.cpuUsage()
    let timers = core.tokens.timersInUse
    const sampler = setInterval(() => (timers = Math.max(timers, core.tokens.timersInUse)), 50)
    const deadline = lastDue + 10_000
    while (dueAt.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
    clearInterval(sampler)
    const cpu = process.cpuUsage(cpuBefore)
    const after = await sandboxCounters(origin)
    const session = /^POST \/play-oxygen\/api\/auth\/session\//
    return {
      timers,
      lateness_p50: round(percentile(lateness, 50)),
      lateness_p99: round(percentile(lateness, 99)),
      cpu_ms: round((cpu.user + cpu.system) / 1000),
      requests: countOf(after, session) - countOf(before, session),
      renewals_due: due
    }
  } finally {
    await core.dispose()
    await sandbox.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}
