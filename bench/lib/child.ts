import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { root } from './app'

export interface HostProcess {
  url: string
  pid: number
  bootMs: number
  /** Wall ms from spawn to the ready line (process start, TypeScript loading, boot, listen). */
  spawnToReadyMs: number
  sandboxOrigin: string | null
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


/** Starts bench/lib/host.ts in its own Node process (one process: `--import tsx`, no tsx wrapper). */
export async function startHost(options: { dataDir: string; rendererDir: string; demo?: boolean; playOxygenSeconds?: number; env?: NodeJS.ProcessEnv; nodeArgs?: string[] }): Promise<HostProcess> {
  const args = [...(options.nodeArgs ?? []), '--expose-gc', '--import', 'tsx', join(root, 'bench', 'lib', 'host.ts'), '--data-dir', options.dataDir, '--renderer-dir', options.rendererDir]
  if (options.demo) args.push('--demo')
  if (options.playOxygenSeconds) args.push('--play-oxygen-seconds', String(options.playOxygenSeconds))
  const started = performance.now()
  const child: ChildProcess = spawn(process.execPath, args, { cwd: root, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] })
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
  const ready = JSON.parse(await nextLine('BENCH_READY', 60_000)) as { url: string; bootMs: number; pid: number; sandbox: string | null }
  const spawnToReadyMs = performance.now() - started
  return {
    url: ready.url,
    pid: ready.pid,
    bootMs: ready.bootMs,
    spawnToReadyMs,
    sandboxOrigin: ready.sandbox,
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
