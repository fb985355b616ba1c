import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import type { Token } from '../../../shared/model'
import { startSandbox, type RunningSandbox } from '../../../sandbox/index.js'
import { createCore, type Core } from '../../core'
import { createFileLogger } from '../../log'
import { dataPaths } from '../../paths'
import { MemorySecretStore } from '../../secrets/memory-store'
import { openSettingsStore } from '../../settings/settings-store'

/**
 * The soak's core loop (issue 9, `npm run soak`): N tokens with 5-second lifetimes kept alive by
 * the real token engine (real timers, one scheduler timer) against an in-process sandbox, while a
 * small share of the sandbox's requests get a random fault (503, latency, connection reset).
 * Everything is observed from the outside only: `tokens.changed` events, the process's
 * 'unhandledRejection' events, and at the end `tokens.list` + `tokens.reveal` for every token.
 */

export interface SoakOptions {
  tokens: number
  durationMs: number
  /** Share of sandbox requests that get a fault (0.03 = 3 %). */
  faultRate?: number
  lifetimeSeconds?: number
  /** Progress lines (the script prints them; the test passes nothing). */
  progress?: (line: string) => void
  /**
   * Where the sandbox runs. Default: in this process. `npm run soak` starts it as its own process,
   * so the memory figures are TokenDesk's alone: the sandbox, like a real server, keeps a record
   * of every token it issued (Keycloak's refresh-token reuse counters grow ~150 entries a second here).
   */
  startSandbox?: () => Promise<SoakSandbox>
}

/** What the soak needs of a sandbox: its address and credentials, and a way to stop it. */
export type SoakSandbox = Pick<RunningSandbox, 'ready' | 'close'>

export interface SoakReport {
  tokens: { requested: number; byProvider: Record<string, number> }
  /** Whether the memory figures include the sandbox's own state. */
  sandbox: 'in this process' | 'own process'
  durationSeconds: number
  lifetimeSeconds: number
  faultRate: number
  requests: number
  faultsInjected: { total: number; status503: number; latency: number; reset: number }
  renewals: number
  renewalsPerSecond: number
  failures: number
  failuresByCode: Record<string, number>
  recoveries: number
  /** Tokens that reached their expiry (a gap the user would see), and those still expired at the end. */
  expiries: number
  expiredAtEnd: number
  /** The last audit events of one token still expired at the end (why auto-renew gave up). */
  expiredSample: string[]
  unhandledRejections: number
  lostTokens: number
  lostDetail: string[]
  memory: {
    rssStartMb: number
    rssEndMb: number
    rssGrowthMb: number
    heapStartMb: number
    heapEndMb: number
    heapGrowthMb: number
    gc: boolean
    /** Every 30 s: the heap after a full GC (when gc() is available), to tell a plateau from a leak. */
    samples: Array<{ atS: number; heapMb: number; rssMb: number }>
  }
  schedulerTimers: number
}

const MB = 1024 * 1024
const round = (value: number, digits = 1): number => Number(value.toFixed(digits))

/** A `gc()` even when node was started without --expose-gc (the script runs under plain tsx). */
function gcFunction(): (() => void) | null {
  const existing = (globalThis as { gc?: () => void }).gc
  if (typeof existing === 'function') return existing
  try {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as unknown
    return typeof gc === 'function' ? (gc as () => void) : null
  } catch {
    return null
  }
}

async function settleMemory(gc: (() => void) | null): Promise<NodeJS.MemoryUsage> {
  if (gc) {
    for (let i = 0; i < 3; i++) {
      gc()
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
  return process.memoryUsage()
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** How many tokens each API gets. PocketPaw's session exchange is limited to 1/s per client (as the real one), so it gets few. */
export function soakShares(total: number): Record<'keycloak-proxy' | 'play-oxygen' | 'respoke' | 'pocketpaw', number> {
  const pocketpaw = Math.min(3, Math.floor(total * 0.1))
  const respoke = Math.floor(total * 0.15)
  const playOxygen = Math.floor(total * 0.25)
  return { 'keycloak-proxy': total - pocketpaw - respoke - playOxygen, 'play-oxygen': playOxygen, respoke, pocketpaw }
}

async function control(sandbox: SoakSandbox, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${sandbox.ready.origin}/__sandbox/${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  })
  if (response.status >= 300) throw new Error(`sandbox control ${method} ${path}: ${response.status} ${await response.text()}`)
  return response.json()
}

async function must<T>(core: Core, command: string, request: unknown): Promise<T> {
  const result = await core.dispatch(command as never, request as never)
  if (!result.ok) throw new Error(`${command}: ${result.error.code} ${result.error.message}`)
  return result.value as T
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const lifetime = options.lifetimeSeconds ?? 5
  const faultRate = options.faultRate ?? 0.03
  const say = options.progress ?? (() => undefined)
  let unhandled = 0
  const onUnhandled = (): void => {
    unhandled++
  }
  process.on('unhandledRejection', onUnhandled)
  const dir = mkdtempSync(join(tmpdir(), 'tokendesk-soak-'))
  const sandbox = await (options.startSandbox ?? (() => startSandbox({ port: 0 })))()
  let core: Core | null = null
  let injecting = false
  try {
    // Lifetimes through the control API, as a test would; Keycloak refresh tokens rotate strictly.
    await control(sandbox, 'PATCH', 'settings', {
      lifetimes: {
        keycloakAccessTokenSeconds: lifetime,
        keycloakRefreshTokenSeconds: 60,
        pocketpawSessionSeconds: lifetime,
        playOxygenTokenSeconds: lifetime,
        respokeTtlSeconds: lifetime
      },
      refresh: { revokeRefreshToken: true, refreshTokenMaxReuse: 0 }
    })
    const paths = dataPaths(dir)
    const log = createFileLogger({ file: paths.logFile })
    const settings = openSettingsStore({ file: paths.settingsFile, log })
    settings.update((s) => ({ ...s, secrets: { ...s.secrets, backend: 'memory', chosenByUser: true }, preferences: { ...s.preferences, notifications: false } }))
    core = createCore({ host: 'browser', version: 'soak', runtime: `Node ${process.version}`, paths, log, settings, secretStore: new MemorySecretStore() })
    const c = core
    const ready = sandbox.ready
    const kc = await must<{ id: string }>(c, 'accounts.create', { providerId: 'keycloak-proxy', name: 'Keycloak', fields: { baseUrl: ready.baseUrls.keycloakProxy, username: 'demo.user' }, secrets: { password: 'demo-user-password' } })
    const kcApp = await must<{ id: string }>(c, 'apps.create', { accountId: kc.id, name: 'tokendesk-demo', fields: { clientId: 'tokendesk-demo', grant: 'password' }, secrets: { clientSecret: 'demo-client-secret' } })
    const client = ready.credentials.playOxygen.clients[0]!
    const po = await must<{ id: string }>(c, 'accounts.create', { providerId: 'play-oxygen', name: 'PO', fields: { baseUrl: ready.baseUrls.playOxygen }, secrets: {} })
    const poApp = await must<{ id: string }>(c, 'apps.create', { accountId: po.id, name: `Client ${client.clientId}`, fields: { clientId: client.clientId }, secrets: { apiKey: client.apiKey, secret: client.secret } })
    const demoApp = ready.credentials.respoke.apps[0]!
    const rs = await must<{ id: string }>(c, 'accounts.create', { providerId: 'respoke', name: 'Respoke', fields: { baseUrl: ready.baseUrls.respoke, username: ready.credentials.respoke.username }, secrets: { password: ready.credentials.respoke.password } })
    const rsApp = await must<{ id: string }>(c, 'apps.create', { accountId: rs.id, name: 'Demo app', fields: { appId: demoApp.appId, roleId: demoApp.roleId, endpointId: 'soak', ttl: 60 }, secrets: { appSecret: demoApp.appSecret } })
    const pp = await must<{ id: string }>(c, 'accounts.create', { providerId: 'pocketpaw', name: 'Paw', fields: { baseUrl: ready.baseUrls.pocketpaw }, secrets: { masterToken: ready.credentials.pocketpaw.masterToken } })

    // What happens to every token, from the events the renderer gets.
    const seen = new Map<string, { lastRenewalAt: number | null; failures: number; expired: boolean }>()
    let renewals = 0
    let failures = 0
    let recoveries = 0
    let expiries = 0
    const failuresByCode = new Map<string, number>()
    const observe = (token: Token): void => {
      const before = seen.get(token.id)
      const lastRenewalAt = token.renewals.at(-1)?.at ?? null
      const expired = token.state === 'expired'
      if (before) {
        if (lastRenewalAt !== null && lastRenewalAt !== before.lastRenewalAt) {
          renewals++
          if (before.failures > 0 || before.expired) recoveries++
        }
        if (token.renewal.failures > before.failures) {
          failures += token.renewal.failures - before.failures
          const code = token.renewal.lastError?.code ?? 'unknown'
          failuresByCode.set(code, (failuresByCode.get(code) ?? 0) + 1)
        }
        if (expired && !before.expired) expiries++
      }
      seen.set(token.id, { lastRenewalAt, failures: token.renewal.failures, expired })
    }
    c.events.subscribe((name, payload) => {
      if (name !== 'tokens.changed') return
      for (const token of (payload as { upserted: Token[] }).upserted) observe(token)
    })

    // Issue, spread out (at most 50 per second) so the renewals do not all fall in the same instant
    // and issuing does not pile on top of the first renewals.
    const shares = soakShares(options.tokens)
    const plan: Array<{ accountId: string; appId?: string }> = []
    for (let i = 0; i < shares['keycloak-proxy']; i++) plan.push({ accountId: kc.id, appId: kcApp.id })
    for (let i = 0; i < shares['play-oxygen']; i++) plan.push({ accountId: po.id, appId: poApp.id })
    for (let i = 0; i < shares.respoke; i++) plan.push({ accountId: rs.id, appId: rsApp.id })
    for (let i = 0; i < shares.pocketpaw; i++) plan.push({ accountId: pp.id })
    plan.sort(() => Math.random() - 0.5)
    const spreadMs = Math.max(lifetime * 800, plan.length * 20)
    const issuedIds: string[] = []
    const issueStart = Date.now()
    await Promise.all(
      plan.map(async (request, index) => {
        await sleep((index * spreadMs) / plan.length)
        for (let attempt = 1; ; attempt++) {
          const result = await c.dispatch('tokens.issue', request)
          if (result.ok) {
            const token = result.value as Token
            issuedIds.push(token.id)
            observe(token)
            return
          }
          // PocketPaw's 1/s limiter can refuse the first few: wait and try again.
          if (attempt >= 10) throw new Error(`tokens.issue: ${result.error.code} ${result.error.message}`)
          await sleep(1000)
        }
      })
    )
    say(`issued ${issuedIds.length} tokens in ${((Date.now() - issueStart) / 1000).toFixed(1)} s (${JSON.stringify(shares)})`)

    const gc = gcFunction()
    const memStart = await settleMemory(gc)
    const countersStart = (await control(sandbox, 'GET', 'counters')) as Record<string, number>
    const requestsStart = Object.values(countersStart).reduce((a, b) => a + b, 0)
    renewals = 0
    failures = 0
    recoveries = 0
    expiries = 0
    failuresByCode.clear()

    // Random faults: each second, about faultRate × (last second's requests) one-shot faults on the routes that were hit.
    const injected = { total: 0, status503: 0, latency: 0, reset: 0 }
    injecting = true
    let previous = countersStart
    const injector = (async () => {
      while (injecting) {
        await sleep(1000)
        if (!injecting) break
        const now = (await control(sandbox, 'GET', 'counters')) as Record<string, number>
        const deltas = Object.entries(now)
          .map(([route, count]) => [route, count - (previous[route] ?? 0)] as const)
          .filter(([, delta]) => delta > 0)
        previous = now
        const total = deltas.reduce((sum, [, delta]) => sum + delta, 0)
        const expected = total * faultRate
        const count = Math.floor(expected) + (Math.random() < expected - Math.floor(expected) ? 1 : 0)
        for (let i = 0; i < count; i++) {
          let pick = Math.random() * total
          const [route] = deltas.find(([, delta]) => (pick -= delta) < 0) ?? deltas[0]!
          const [method, path] = route.split(' ') as [string, string]
          const roll = Math.random()
          const spec =
            roll < 0.4
              ? { path, method, times: 1, respond: { kind: 'status', status: 503, body: { error: 'temporarily_unavailable' } } }
              : roll < 0.7
                ? { path, method, times: 1, latencyMs: 200 + Math.floor(Math.random() * 1300) }
                : { path, method, times: 1, respond: { kind: 'drop' } }
          await control(sandbox, 'POST', 'faults', spec)
          injected.total++
          if (roll < 0.4) injected.status503++
          else if (roll < 0.7) injected.latency++
          else injected.reset++
        }
      }
    })()

    const started = Date.now()
    let nextReport = started + 30_000
    const samples: Array<{ atS: number; heapMb: number; rssMb: number }> = []
    while (Date.now() - started < options.durationMs) {
      await sleep(Math.min(1000, options.durationMs - (Date.now() - started)))
      if (Date.now() >= nextReport) {
        nextReport += 30_000
        gc?.()
        const mem = process.memoryUsage()
        const atS = Math.round((Date.now() - started) / 1000)
        samples.push({ atS, heapMb: round(mem.heapUsed / MB), rssMb: round(mem.rss / MB) })
        say(`${atS} s: renewals ${renewals}, failures ${failures}, recoveries ${recoveries}, expiries ${expiries}, faults ${injected.total}, unhandled ${unhandled}, rss ${Math.round(mem.rss / MB)} MB, heap ${Math.round(mem.heapUsed / MB)} MB${gc ? ' after GC' : ''}`)
      }
    }
    injecting = false
    await injector
    const elapsedMs = Date.now() - started
    await control(sandbox, 'DELETE', 'faults')
    const countersEnd = (await control(sandbox, 'GET', 'counters')) as Record<string, number>
    const requests = Object.values(countersEnd).reduce((a, b) => a + b, 0) - requestsStart

    // Nothing lost: every issued token is still listed and its value still readable.
    await c.tokens.settled()
    const listed = (await must<{ tokens: Token[] }>(c, 'tokens.list', {})).tokens
    const byId = new Map(listed.map((t) => [t.id, t]))
    const lostDetail: string[] = []
    for (const id of issuedIds) {
      const token = byId.get(id)
      if (!token) {
        lostDetail.push(`${id}: not listed`)
        continue
      }
      const revealed = await c.dispatch('tokens.reveal', { id })
      if (!revealed.ok || (revealed.value as { value: string }).value === '') lostDetail.push(`${id} (${token.providerId}): value unreadable${revealed.ok ? '' : ` (${revealed.error.code})`}`)
    }
    const expired = listed.filter((t) => t.state === 'expired')
    const expiredAtEnd = expired.length
    const expiredSample: string[] = []
    if (expired[0]) {
      const audit = await c.dispatch('tokens.audit', { id: expired[0].id })
      if (audit.ok) for (const event of (audit.value as { events: Array<{ at: number; kind: string; detail: string }> }).events.slice(-6)) expiredSample.push(`${expired[0].providerId} ${new Date(event.at).toISOString()} ${event.kind}: ${event.detail}`)
    }
    const schedulerTimers = c.tokens.timersInUse
    const memEnd = await settleMemory(gc)
    return {
      sandbox: options.startSandbox ? 'own process' : 'in this process',
      tokens: { requested: options.tokens, byProvider: shares },
      durationSeconds: round(elapsedMs / 1000),
      lifetimeSeconds: lifetime,
      faultRate,
      requests,
      faultsInjected: injected,
      renewals,
      renewalsPerSecond: round(renewals / (elapsedMs / 1000)),
      failures,
      failuresByCode: Object.fromEntries(failuresByCode),
      recoveries,
      expiries,
      expiredAtEnd,
      expiredSample,
      unhandledRejections: unhandled,
      lostTokens: lostDetail.length,
      lostDetail: lostDetail.slice(0, 20),
      memory: {
        rssStartMb: round(memStart.rss / MB),
        rssEndMb: round(memEnd.rss / MB),
        rssGrowthMb: round((memEnd.rss - memStart.rss) / MB),
        heapStartMb: round(memStart.heapUsed / MB),
        heapEndMb: round(memEnd.heapUsed / MB),
        heapGrowthMb: round((memEnd.heapUsed - memStart.heapUsed) / MB),
        gc: gc !== null,
        samples
      },
      schedulerTimers
    }
  } finally {
    injecting = false
    await core?.dispose().catch(() => undefined)
    await sandbox.close()
    rmSync(dir, { recursive: true, force: true })
    // Late rejections of the teardown still count: give them a turn before unhooking.
    await new Promise((resolve) => setImmediate(resolve))
    process.off('unhandledRejection', onUnhandled)
  }
}

/** The 30-second heap samples thinned to one per 2 minutes, "120 s 41 · 240 s 55 …" (MB): a plateau or a slope. */
export function heapCurve(samples: SoakReport['memory']['samples']): string {
  const picked = samples.filter((sample) => sample.atS % 120 < 30)
  return picked.length === 0 ? '(run shorter than 2 min)' : picked.map((sample) => `${sample.atS} s ${sample.heapMb}`).join(' · ') + ' MB'
}

/** The report as a two-column table. */
export function soakTable(report: SoakReport): string {
  const rows: Array<[string, string]> = [
    ['tokens', `${report.tokens.requested} (${Object.entries(report.tokens.byProvider).map(([p, n]) => `${p} ${n}`).join(', ')})`],
    ['lifetime', `${report.lifetimeSeconds} s (renewed at 80 %)`],
    ['sandbox', `${report.sandbox}${report.sandbox === 'own process' ? ' (memory figures are TokenDesk\'s alone)' : ' (memory figures include its records)'}`],
    ['duration', `${report.durationSeconds} s`],
    ['sandbox requests', String(report.requests)],
    ['faults injected', `${report.faultsInjected.total} (503 ${report.faultsInjected.status503}, latency ${report.faultsInjected.latency}, reset ${report.faultsInjected.reset}); target ${report.faultRate * 100} % of requests`],
    ['renewals', `${report.renewals} (${report.renewalsPerSecond}/s)`],
    ['renewal failures', `${report.failures}${Object.keys(report.failuresByCode).length ? ` (${Object.entries(report.failuresByCode).map(([c, n]) => `${c} ${n}`).join(', ')})` : ''}`],
    ['recoveries', String(report.recoveries)],
    ['expiries (gaps)', `${report.expiries}; expired at the end: ${report.expiredAtEnd}`],
    ['unhandled rejections', String(report.unhandledRejections)],
    ['lost tokens', String(report.lostTokens)],
    ['RSS start → end', `${report.memory.rssStartMb} → ${report.memory.rssEndMb} MB (${report.memory.rssGrowthMb >= 0 ? '+' : ''}${report.memory.rssGrowthMb})`],
    ['heap start → end', `${report.memory.heapStartMb} → ${report.memory.heapEndMb} MB (${report.memory.heapGrowthMb >= 0 ? '+' : ''}${report.memory.heapGrowthMb})${report.memory.gc ? ', after GC' : ', no GC available'}`],
    ['heap every 2 min', heapCurve(report.memory.samples)],
    ['scheduler timers', String(report.schedulerTimers)]
  ]
  const width = Math.max(...rows.map(([k]) => k.length))
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')
}
