/**
 * Runs keychain operations in a process of its own, so a test can give it a different D-Bus
 * environment (no bus, no Secret Service, a locked or stopped daemon): libsecret binds to one
 * session bus per process. Usage:
 *   node --import tsx keychain-child.ts '<json: { service, timeoutMs?, ops: Op[] }>'
 * Prints one JSON line per op: { op, ok, value?, code?, status?, ms }.
 */
import { execFileSync } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import { isAppError } from '../../../shared/errors'
import { createMemoryLogger } from '../../log'
import { KeychainSecretStore } from '../keychain-store'

type Op =
  | { op: 'health' }
  | { op: 'get'; key: string }
  | { op: 'set'; key: string; value: string }
  | { op: 'delete'; key: string }
  | { op: 'keys' }
  | { op: 'signalDaemon'; signal: 'SIGKILL' | 'SIGSTOP' | 'SIGCONT' }

const input = JSON.parse(process.argv[2] ?? '{}') as { service: string; timeoutMs?: number; ops: Op[] }
const store = new KeychainSecretStore({
  log: createMemoryLogger(),
  service: input.service,
  ...(input.timeoutMs !== undefined ? { timeoutMs: input.timeoutMs } : {})
})

/** The daemon that owns org.freedesktop.secrets on this (private) bus. */
function daemonPid(): number {
  const out = execFileSync('gdbus', [
    'call', '--session', '--dest', 'org.freedesktop.DBus', '--object-path', '/org/freedesktop/DBus',
    '--method', 'org.freedesktop.DBus.GetConnectionUnixProcessID', 'org.freedesktop.secrets'
  ], { encoding: 'utf8' })
  const match = /uint32 (\d+)/.exec(out)
  if (!match) throw new Error(`no daemon pid in ${out}`)
  return Number(match[1])
}

let pid: number | null = null
for (const op of input.ops) {
  const started = performance.now()
  try {
    let value: unknown
    if (op.op === 'health') {
      const health = await store.health()
      value = { status: health.status, errorCode: health.errorCode, probeMs: health.probeMs, reason: health.reason, fix: health.fix }
    } else if (op.op === 'get') value = await store.get(op.key)
    else if (op.op === 'set') value = await store.set(op.key, op.value)
    else if (op.op === 'delete') value = await store.delete(op.key)
    else if (op.op === 'keys') value = await store.keys()
    else {
      pid ??= daemonPid()
      process.kill(pid, op.signal)
    }
    console.log(JSON.stringify({ op: op.op, ok: true, value: value ?? null, ms: performance.now() - started }))
  } catch (error) {
    const code = isAppError(error) ? error.code : 'NOT_APP_ERROR'
    const message = error instanceof Error ? error.message : String(error)
    console.log(JSON.stringify({ op: op.op, ok: false, code, message, ms: performance.now() - started }))
  }
}
// A call stuck in libsecret keeps a worker thread busy; exit explicitly.
process.exit(0)
