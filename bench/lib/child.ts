import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { hostProcessEnv } from '../../scripts/build-host'
import { root } from './app'

export const BENCH_HOST_BUNDLE = 'bench-host.mjs'

export interface HostProcess {
  url: string
  pid: number
  bootMs: number
  /** Wall ms from spawn to the ready line (process start, TypeScript loading, boot, listen). */
  spawnToReadyMs: number
  /** Settles when the core is up (the host listens, and the page may load, before that). */
  booted: Promise<{ bootedMs: number; sandbox: string | null }>
  stats(): Promise<HostStats>
  /** User + system CPU ms of the process, from /proc (no message to the process: it stays idle). */
  cpuMs(): number
  stop(): Promise<void>
}

export interface HostStats {
  rss: number
  heapUsed: number
  cpuMs: number
  tokens: number
  timersInUse: number
}


/** Where run.ts bundles bench/lib/host.ts: beside the renderer it built (`<build>/web`). */
export function benchHostBundle(rendererDir: string): string {
  return join(dirname(rendererDir), 'web', BENCH_HOST_BUNDLE)
}

/**
 * Starts bench/lib/host.ts in its own Node process, bundled as `npm start` runs the app (plain
 * Node, scripts/build-host.ts). Without a bundle beside the renderer (ad-hoc scripts using out/),
 * it runs the sources through tsx and says so: start-up figures from that path are not comparable.
 */
export async function startHost(options: {
  dataDir: string
  rendererDir: string
  demo?: boolean
  playOxygenSeconds?: number
  env?: NodeJS.ProcessEnv
  nodeArgs?: string[]
  /** Another host script speaking the same lines (bench/lib/floor-host.mjs). */
  script?: string
}): Promise<HostProcess> {
  const bundle = options.script ?? benchHostBundle(options.rendererDir)
  const entry = existsSync(bundle) ? [bundle] : ['--import', 'tsx', join(root, 'bench', 'lib', 'host.ts')]
  if (entry.length > 1) process.stderr.write(`bench: no ${bundle}; running the host from source through tsx (slower start)\n`)
  const args = [...(options.nodeArgs ?? []), '--expose-gc', ...entry, '--data-dir', options.dataDir, '--renderer-dir', options.rendererDir]
  if (options.demo) args.push('--demo')
  if (options.playOxygenSeconds) args.push('--play-oxygen-seconds', String(options.playOxygenSeconds))
  const started = performance.now()
  const child: ChildProcess = spawn(process.execPath, args, { cwd: root, env: hostProcessEnv(options.env ?? process.env), stdio: ['pipe', 'pipe', 'pipe'] })
  let output = ''
  const waiters: Array<(line: string) => boolean> = []
  let buffer = ''
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString()
    let newline: number
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline)
      buffer = buffer.slice(newline + 1)
      output += `${line}\n`
      if (process.env.BENCH_HOST_ECHO) process.stderr.write(`[host ${(performance.now() / 1000).toFixed(1)}] ${line}\n`)
      for (let i = 0; i < waiters.length; i++) if (waiters[i]!(line)) waiters.splice(i--, 1)
    }
  })
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const nextLine = (prefix: string, timeoutMs: number): Promise<string> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`host: no ${prefix} within ${timeoutMs} ms\n${output.slice(-3000)}`)), timeoutMs)
      waiters.push((line) => {
        if (!line.startsWith(prefix)) return false
        clearTimeout(timer)
        resolve(line.slice(prefix.length + 1))
        return true
      })
    })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const booted = nextLine('BENCH_BOOTED', 120_000).then((line) => JSON.parse(line) as { bootedMs: number; sandbox: string | null })
  booted.catch(() => {})
  const ready = JSON.parse(await nextLine('BENCH_READY', 60_000)) as { url: string; bootMs: number; pid: number }
  const spawnToReadyMs = performance.now() - started
  return {
    url: ready.url,
    pid: ready.pid,
    bootMs: ready.bootMs,
    spawnToReadyMs,
    booted,
    stats: async () => {
      const line = nextLine('BENCH_STATS', 30_000)
      child.stdin!.write('stats\n')
      return JSON.parse(await line) as HostStats
    },
    cpuMs: () => {
      // Time on CPU of every thread, in ns (schedstat), not the 10 ms ticks of /proc/<pid>/stat.
      let ns = 0
      for (const task of readdirSync(`/proc/${child.pid}/task`)) {
        try {
          ns += Number(readFileSync(`/proc/${child.pid}/task/${task}/schedstat`, 'utf8').split(' ')[0])
        } catch {
          /* the thread ended meanwhile */
        }
      }
      return ns / 1e6
    },
    stop: async () => {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    }
  }
}
