/**
 * `npm run bench [-- --quick] [-- --only issuance,countdown,...]`: measures TokenDesk against the
 * budgets of DESIGN.md (issue 10) and writes bench/results/. Not part of `npm test`.
 *
 * Full run: latest.json (issue 10's keys, medians), latest-runs.json (every run, min/max, extras),
 * latest.md (the table with the previous run beside it; the old latest.json becomes previous.json),
 * and the README's Performance table. --quick: every measurement at reduced sizes (~2 minutes), into
 * quick.json / quick.md, compared with the previous quick run; the README is left alone.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { root } from './lib/app'
import { launchChromium } from './lib/browser'
import { APIS, measureIssuance, type IssuanceFigures } from './lib/issuance'
import { markdownReport, shapeProblems, updateReadme, type BenchResult } from './lib/report'
import { measureScheduler, type SchedulerFigures } from './lib/scheduler'
import { buildApp, measureSize } from './lib/size'
import { spread, round, type Spread } from './lib/stats'
import { measureCountdowns, measureIdle, measureMemory, measureStartup, STARTUP_KINDS, type StartupKind, type StartupRun } from './lib/ui'

const args = process.argv.slice(2)
const quick = args.includes('--quick')
const onlyArg = args.find((a) => a.startsWith('--only'))
const only = onlyArg ? (onlyArg.includes('=') ? onlyArg.split('=')[1]! : args[args.indexOf(onlyArg) + 1]!).split(',') : null
const wants = (name: string): boolean => only === null || only.includes(name)

const SIZES = quick
  ? { issuanceRuns: 2, issuanceCount: 40, countdown: [100, 1000, 10000], countdownRuns: 1, tickS: 2, scrollS: 1.5, startupRuns: 2, idleRuns: 2, idleS: 3, idleCoolS: 10, schedCount: 600, schedSpreadS: 6, schedRuns: 1, memCount: 1000, memRuns: 1 }
  : { issuanceRuns: 3, issuanceCount: 200, countdown: [100, 1000, 10000], countdownRuns: 3, tickS: 5, scrollS: 3, startupRuns: 5, idleRuns: 3, idleS: 20, idleCoolS: 120, schedCount: 10000, schedSpreadS: 60, schedRuns: 2, memCount: 10000, memRuns: 2 }

const resultsDir = join(root, 'bench', 'results')
const stem = quick ? 'quick' : 'latest'

function log(message: string): void {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`)
}

async function main(): Promise<void> {
  // The engine under test runs without a session bus: the secret store is memory, as in CI. The
  // keychain's cost is measured separately (--keychain: run under scripts/with-keyring.sh).
  if (!args.includes('--keychain')) delete process.env.DBUS_SESSION_BUS_ADDRESS
  mkdirSync(resultsDir, { recursive: true })
  const started = Date.now()
  const spreads: Record<string, Spread> = {}
  const extras: Record<string, unknown> = { loadAverage: loadavg(), quick, secretStore: args.includes('--keychain') ? 'keychain (gnome-keyring, private D-Bus)' : 'memory (no session bus)', sizes: SIZES }
  const previousFile = join(resultsDir, `${stem === 'latest' ? 'latest' : 'quick'}.json`)
  const previous = existsSync(previousFile) ? (JSON.parse(readFileSync(previousFile, 'utf8')) as BenchResult) : null
  const partial: Partial<BenchResult> = previous && only ? structuredClone(previous) : {}

  const cpu = cpus()
  partial.machine = { cpu: cpu[0]?.model.trim() ?? 'unknown', cores: cpu.length, memGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10, node: process.version }

  const buildDir = join(tmpdir(), `tokendesk-bench-build-${process.pid}`)
  log('building the renderer (electron-vite build) and the host bundle…')
  await buildApp(buildDir)
  const rendererDir = join(buildDir, 'renderer')

  if (wants('size')) {
    const size = measureSize(rendererDir)
    partial.size = { js_gzip_kb: size.js_gzip_kb, js_raw_kb: size.js_raw_kb, css_gzip_kb: size.css_gzip_kb }
    extras.size = size
    log(`size: JS ${size.js_gzip_kb} KB gzip (${size.js_raw_kb} KB raw), CSS ${size.css_gzip_kb} KB gzip`)
  }

  if (wants('issuance')) {
    log(`issuance: ${SIZES.issuanceRuns} runs × ${SIZES.issuanceCount} issues per API, stack vs raw fetch…`)
    const runs: Array<Record<string, IssuanceFigures>> = []
    for (let i = 0; i < SIZES.issuanceRuns; i++) runs.push(await measureIssuance(SIZES.issuanceCount, quick ? 10 : 30))
    partial.issuance = {} as BenchResult['issuance']
    for (const api of APIS) {
      const figures = {} as IssuanceFigures
      for (const key of ['stack_p50', 'stack_p99', 'raw_p50', 'raw_p99', 'overhead_p50'] as const) {
        const s = spread(runs.map((r) => r[api]![key]))
        spreads[`issuance.${api}.${key}`] = s
        figures[key] = s.median
      }
      partial.issuance[api] = figures
      log(`  ${api}: stack p50 ${figures.stack_p50} ms, raw p50 ${figures.raw_p50} ms, overhead p50 ${figures.overhead_p50} ms (×${round(figures.stack_p50 / figures.raw_p50)})`)
    }
    extras.issuanceRuns = runs
  }

  const browser = wants('countdown') || wants('startup') || wants('idle') || wants('memory') ? await launchChromium() : null
  try {
    if (wants('countdown') && browser) {
      log(`countdown: ${SIZES.countdown.join(', ')} live tokens, ${SIZES.countdownRuns} runs each…`)
      const byCount = await measureCountdowns(browser, rendererDir, SIZES.countdown, SIZES.countdownRuns, SIZES.tickS, SIZES.scrollS)
      partial.countdown = {} as BenchResult['countdown']
      for (const [size, runs] of Object.entries(byCount)) {
        const figures = {} as BenchResult['countdown']['100']
        for (const key of ['script_ms_per_s', 'long_tasks', 'dropped_frames', 'heap_mb'] as const) {
          const s = spread(runs.map((r) => r[key]))
          spreads[`countdown.${size}.${key}`] = s
          figures[key] = s.median
        }
        ;(partial.countdown as Record<string, typeof figures>)[size] = figures
        const cpu = spread(runs.map((r) => r.renderer_cpu_ms_per_s)).median
        log(`  ${size}: script ${figures.script_ms_per_s} ms/s (renderer CPU ${cpu} ms/s), long tasks ${figures.long_tasks}, dropped ${figures.dropped_frames}, heap ${figures.heap_mb} MB`)
      }
      extras.countdownRuns = byCount
    }
    if (wants('startup') && browser) {
      log(`startup: 1,000 stored tokens, ${SIZES.startupRuns} launches each in a new tab, a new window, with the demo sandbox, and of the floor (a static page), alternating…`)
      const byKind = await measureStartup(browser, rendererDir, 1000, SIZES.startupRuns)
      const medianOf = (kind: StartupKind, pick: (r: StartupRun) => number = (r) => r.total_ms): number => spread(byKind[kind].map(pick)).median
      const keep = (path: string, kind: StartupKind): number => {
        const s = spread(byKind[kind].map((r) => r.total_ms))
        spreads[path] = s
        return s.median
      }
      partial.startup_ms_1000 = keep('startup_ms_1000', 'tab')
      // The difference run by run: each tab launch and the floor's launch right after it.
      const own = spread(byKind.tab.map((r, i) => r.total_ms - byKind['floor-tab'][i]!.total_ms))
      spreads['startup.own_ms_1000'] = own
      partial.startup = {
        own_ms_1000: round(own.median),
        floor_tab_ms: keep('startup.floor_tab_ms', 'floor-tab'),
        window_ms_1000: keep('startup.window_ms_1000', 'window'),
        floor_window_ms: keep('startup.floor_window_ms', 'floor-window'),
        demo_ms_1000: keep('startup.demo_ms_1000', 'demo')
      }
      extras.startupRuns = byKind
      for (const kind of STARTUP_KINDS) {
        log(`  ${kind}: launch → interactive ${round(medianOf(kind))} ms (listening ${round(medianOf(kind, (r) => r.spawn_to_ready_ms))} ms, core up ${round(medianOf(kind, (r) => r.core_booted_ms))} ms after process start, page ${round(medianOf(kind, (r) => r.page_ms))} ms)`)
      }
    }
    if (wants('idle') && browser) {
      log(`idle: 1,000 live tokens, ${SIZES.idleCoolS} s cool-down, then ${SIZES.idleRuns} × ${SIZES.idleS} s…`)
      const { windows, cooldown } = await measureIdle(browser, rendererDir, 1000, SIZES.idleRuns, SIZES.idleS, SIZES.idleCoolS)
      const s = spread(windows)
      spreads.idle_cpu_ms_per_min = s
      partial.idle_cpu_ms_per_min = s.median
      extras.idleCooldownMsPerMin = round(cooldown)
      log(`  ${s.median} ms CPU per minute (cool-down after loading: ${round(cooldown)} ms per minute)`)
    }
    if (wants('memory') && browser) {
      log(`memory: issue and forget ${SIZES.memCount} tokens, ${SIZES.memRuns} runs…`)
      const runs = await measureMemory(browser, rendererDir, SIZES.memCount, SIZES.memRuns)
      const rss = spread(runs.map((r) => r.rss_growth_mb))
      const heap = spread(runs.map((r) => r.heap_growth_mb))
      spreads['memory.rss_growth_mb'] = rss
      spreads['memory.heap_growth_mb'] = heap
      partial.memory = { rss_growth_mb: rss.median, heap_growth_mb: heap.median }
      extras.memoryRuns = runs
      log(`  host RSS +${rss.median} MB (heap +${round(spread(runs.map((r) => r.host_heap_growth_mb)).median)} MB), renderer heap +${heap.median} MB`)
    }
  } finally {
    await browser?.close()
  }

  if (wants('scheduler')) {
    log(`scheduler: ${SIZES.schedCount} tokens renewing over ${SIZES.schedSpreadS} s, ${SIZES.schedRuns} runs…`)
    const runs: SchedulerFigures[] = []
    for (let i = 0; i < SIZES.schedRuns; i++) runs.push(await measureScheduler(SIZES.schedCount, SIZES.schedSpreadS))
    const figures = {} as SchedulerFigures
    for (const key of ['timers', 'lateness_p50', 'lateness_p99', 'cpu_ms', 'requests', 'renewals_due'] as const) {
      const s = spread(runs.map((r) => r[key]))
      spreads[`scheduler.${key}`] = s
      figures[key] = s.median
    }
    partial.scheduler = figures
    extras.schedulerRuns = runs
    log(`  timers ${figures.timers}, lateness p50 ${figures.lateness_p50} ms p99 ${figures.lateness_p99} ms, CPU ${figures.cpu_ms} ms, requests ${figures.requests} / due ${figures.renewals_due}`)
  }
  rmSync(buildDir, { recursive: true, force: true })

  // Issue 10's keys, in its order.
  const result: BenchResult = {
    machine: partial.machine,
    issuance: partial.issuance!,
    countdown: partial.countdown!,
    startup_ms_1000: partial.startup_ms_1000!,
    startup: partial.startup!,
    size: partial.size!,
    idle_cpu_ms_per_min: partial.idle_cpu_ms_per_min!,
    scheduler: partial.scheduler!,
    memory: partial.memory!
  }
  const problems = shapeProblems(result)
  extras.durationS = Math.round((Date.now() - started) / 1000)
  extras.loadAverageAtEnd = loadavg()
  extras.finishedAt = new Date().toISOString()
  if (problems.length > 0 && only === null) throw new Error(`the result does not have issue 10's shape:\n${problems.join('\n')}`)

  const latestFile = join(resultsDir, `${stem}.json`)
  if (existsSync(latestFile)) renameSync(latestFile, join(resultsDir, quick ? 'quick-previous.json' : 'previous.json'))
  writeFileSync(latestFile, `${JSON.stringify(result, null, 2)}\n`)
  writeFileSync(join(resultsDir, `${stem}-runs.json`), `${JSON.stringify({ spreads, extras }, null, 2)}\n`)
  const load = (extras.loadAverage as number[]).map((n) => n.toFixed(1)).join(' / ')
  const note = `Load average (1/5/15 min) at the start: ${load}. Secret store: ${extras.secretStore as string}. Took ${extras.durationS as number} s.`
  const table = markdownReport(result, { previous, spreads, note, title: `${quick ? 'Quick run' : 'Full run'} of ${extras.finishedAt as string}` })
  writeFileSync(join(resultsDir, `${stem}.md`), table)
  if (!quick && problems.length === 0) {
    const readmeFile = join(root, 'README.md')
    const readme = readFileSync(readmeFile, 'utf8')
    const updated = updateReadme(readme, table)
    if (updated !== readme) writeFileSync(readmeFile, updated)
  }
  process.stdout.write(`\n${table}\n`)
  log(`done in ${extras.durationS as number} s → bench/results/${stem}.json, ${stem}.md${problems.length ? ` (partial: ${problems.length} keys from no run)` : ''}`)
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  }
)
