/**
 * The pure half of the bench: the result's shape, the budgets, the Markdown table and the
 * comparison with the previous run (unit-tested in scripts/bench-report.test.ts).
 */
import type { Spread } from './stats'

export const APIS = ['respoke', 'pocketpaw', 'play-oxygen', 'keycloak-proxy'] as const
export const COUNTDOWN_SIZES = ['100', '1000', '10000'] as const

export interface BenchResult {
  machine: { cpu: string; cores: number; memGiB: number; node: string }
  issuance: Record<(typeof APIS)[number], { stack_p50: number; stack_p99: number; raw_p50: number; raw_p99: number; overhead_p50: number }>
  countdown: Record<(typeof COUNTDOWN_SIZES)[number], { script_ms_per_s: number; long_tasks: number; dropped_frames: number; heap_mb: number }>
  startup_ms_1000: number
  /** Beside startup_ms_1000 (a new tab): other launches, and the floor (bench/lib/floor-host.mjs). */
  startup: { own_ms_1000: number; floor_tab_ms: number; window_ms_1000: number; floor_window_ms: number; demo_ms_1000: number }
  size: { js_gzip_kb: number; js_raw_kb: number; css_gzip_kb: number }
  idle_cpu_ms_per_min: number
  scheduler: { timers: number; lateness_p50: number; lateness_p99: number; cpu_ms: number; requests: number; renewals_due: number }
  memory: { rss_growth_mb: number; heap_growth_mb: number }
}

/** Every key of issue 10, in order: the JSON is checked against it before it is written. */
export const RESULT_SHAPE = {
  machine: ['cpu', 'cores', 'memGiB', 'node'],
  issuance: Object.fromEntries(APIS.map((api) => [api, ['stack_p50', 'stack_p99', 'raw_p50', 'raw_p99', 'overhead_p50']])),
  countdown: Object.fromEntries(COUNTDOWN_SIZES.map((size) => [size, ['script_ms_per_s', 'long_tasks', 'dropped_frames', 'heap_mb']])),
  startup_ms_1000: null,
  startup: ['own_ms_1000', 'floor_tab_ms', 'window_ms_1000', 'floor_window_ms', 'demo_ms_1000'],
  size: ['js_gzip_kb', 'js_raw_kb', 'css_gzip_kb'],
  idle_cpu_ms_per_min: null,
  scheduler: ['timers', 'lateness_p50', 'lateness_p99', 'cpu_ms', 'requests', 'renewals_due'],
  memory: ['rss_growth_mb', 'heap_growth_mb']
} as const

/** Problems with a result's shape: missing, extra or non-numeric keys (machine.cpu and machine.node are strings). */
export function shapeProblems(result: unknown): string[] {
  const problems: string[] = []
  const check = (value: unknown, shape: unknown, path: string): void => {
    if (shape === null) {
      if (typeof value !== 'number' || !Number.isFinite(value)) problems.push(`${path}: not a finite number`)
      return
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push(`${path}: not an object`)
      return
    }
    const record = value as Record<string, unknown>
    const keys = Array.isArray(shape) ? (shape as string[]) : Object.keys(shape as object)
    for (const key of keys) {
      const sub = `${path ? `${path}.` : ''}${key}`
      if (!(key in record)) problems.push(`${sub}: missing`)
      else if (Array.isArray(shape)) {
        const stringKey = path === 'machine' && (key === 'cpu' || key === 'node')
        if (stringKey ? typeof record[key] !== 'string' : typeof record[key] !== 'number' || !Number.isFinite(record[key] as number)) {
          problems.push(`${sub}: ${stringKey ? 'not a string' : 'not a finite number'}`)
        }
      } else check(record[key], (shape as Record<string, unknown>)[key], sub)
    }
    for (const key of Object.keys(record)) if (!keys.includes(key)) problems.push(`${path ? `${path}.` : ''}${key}: not in issue 10's keys`)
  }
  check(result, RESULT_SHAPE, '')
  return problems
}

export type Direction = 'lower' | 'higher' | 'equal'

export interface Budget {
  /** Dotted path into BenchResult. */
  path: string
  label: string
  unit: string
  /** The budget's limit, or null when the figure is only informative. */
  limit: number | null
  /** lower: must be ≤ limit; equal: must equal `equals` (another path). */
  direction: Direction
  equals?: string
  /** The limit column of an informative figure (limit null) that is not about growth. */
  about?: string
}

export const BUDGETS: Budget[] = [
  ...APIS.map((api) => ({ path: `issuance.${api}.overhead_p50`, label: `Issuance overhead p50, ${api}`, unit: 'ms', limit: 1, direction: 'lower' as const })),
  { path: 'countdown.10000.script_ms_per_s', label: 'Countdown script, 10,000 tokens', unit: 'ms/s', limit: 2, direction: 'lower' },
  { path: 'countdown.10000.dropped_frames', label: 'Dropped frames scrolling, 10,000 tokens', unit: 'frames', limit: 0, direction: 'lower' },
  { path: 'startup_ms_1000', label: 'Start-up, 1,000 tokens (new tab)', unit: 'ms', limit: 500, direction: 'lower' },
  { path: 'startup.floor_tab_ms', label: 'Start-up floor: a static page launched the same way', unit: 'ms', limit: null, direction: 'lower', about: 'reference' },
  { path: 'startup.own_ms_1000', label: 'Start-up minus the floor: TokenDesk’s own cost', unit: 'ms', limit: null, direction: 'lower', about: 'reference' },
  { path: 'size.js_gzip_kb', label: 'Renderer JS gzip', unit: 'KB', limit: 200, direction: 'lower' },
  { path: 'idle_cpu_ms_per_min', label: 'Idle CPU, 1,000 tokens', unit: 'ms/min', limit: 50, direction: 'lower' },
  { path: 'scheduler.lateness_p99', label: 'Scheduler lateness p99', unit: 'ms', limit: 50, direction: 'lower' },
  { path: 'scheduler.timers', label: 'Scheduler timers', unit: '', limit: 1, direction: 'lower' },
  { path: 'scheduler.requests', label: 'Renewal requests = renewals due', unit: '', limit: null, direction: 'equal', equals: 'scheduler.renewals_due' },
  { path: 'memory.rss_growth_mb', label: 'Host RSS growth after forgetting', unit: 'MB', limit: null, direction: 'lower' },
  { path: 'memory.heap_growth_mb', label: 'Renderer heap growth after forgetting', unit: 'MB', limit: null, direction: 'lower' }
]

export function valueAt(result: unknown, path: string): number | undefined {
  let value: unknown = result
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined
    value = (value as Record<string, unknown>)[part]
  }
  return typeof value === 'number' ? value : undefined
}

export function withinBudget(result: BenchResult, budget: Budget): boolean | null {
  const value = valueAt(result, budget.path)
  if (value === undefined) return null
  if (budget.direction === 'equal') return value === valueAt(result, budget.equals!)
  return budget.limit === null ? null : value <= budget.limit
}

/** Every numeric leaf of a result, as dotted paths. */
export function leaves(result: unknown, prefix = ''): string[] {
  if (typeof result === 'number') return [prefix]
  if (typeof result !== 'object' || result === null) return []
  return Object.entries(result).flatMap(([key, value]) => leaves(value, prefix ? `${prefix}.${key}` : key))
}

/** Change from previous to latest, as text: "+12 %", "−0.3", "=" or "new". */
export function change(latest: number | undefined, previous: number | undefined): string {
  if (latest === undefined) return ''
  if (previous === undefined) return 'new'
  if (latest === previous) return '='
  if (previous === 0) return `${latest > 0 ? '+' : '−'}${fmt(Math.abs(latest))}`
  const percent = ((latest - previous) / Math.abs(previous)) * 100
  return `${percent > 0 ? '+' : '−'}${Math.abs(percent) >= 10 ? Math.round(Math.abs(percent)) : Math.abs(percent).toFixed(1)} %`
}

export function fmt(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '–'
  if (Math.abs(value) >= 100) return String(Math.round(value))
  if (Math.abs(value) >= 10) return value.toFixed(1)
  return String(Math.round(value * 100) / 100)
}

/** A regression: more than `tolerance` worse than before, and by more than `floor` in absolute terms. */
export function isRegression(latest: number, previous: number, tolerance = 0.2, floor = 0.5): boolean {
  return latest - previous > Math.max(floor, Math.abs(previous) * tolerance)
}

export interface TableOptions {
  previous?: BenchResult | null
  /** Median, min and max of each run, by dotted path. */
  spreads?: Record<string, Spread>
  title?: string
  /** One line under the machine (load average, secret store). */
  note?: string
}

/**
 * The Markdown report: budgets first (✅/❌), then every figure with median, min, max, the previous
 * run's value and the change (⚠ on a regression of more than 20 %). Lower is better for every figure
 * except machine facts.
 */
export function markdownReport(result: BenchResult, options: TableOptions = {}): string {
  const { previous = null, spreads = {} } = options
  const lines: string[] = []
  if (options.title) lines.push(`### ${options.title}`, '')
  lines.push(`Machine: ${result.machine.cpu}, ${result.machine.cores} cores, ${result.machine.memGiB} GiB, Node ${result.machine.node}.`, '')
  if (options.note) lines.push(options.note, '')
  lines.push('| budget | limit | median | min | max | status |', '|---|---|---|---|---|---|')
  for (const budget of BUDGETS) {
    const value = valueAt(result, budget.path)
    const spread = spreads[budget.path]
    const ok = withinBudget(result, budget)
    const limit = budget.direction === 'equal' ? `= ${fmt(valueAt(result, budget.equals!))}` : budget.limit === null ? (budget.about ?? 'no growth') : `≤ ${budget.limit}${budget.unit ? ` ${budget.unit}` : ''}`
    const status = ok === null ? 'ℹ' : ok ? '✅' : '❌'
    lines.push(`| ${budget.label} | ${limit} | ${fmt(value)} | ${fmt(spread?.min)} | ${fmt(spread?.max)} | ${status} |`)
  }
  lines.push('', '| figure | median | min | max | previous | change |', '|---|---|---|---|---|---|')
  for (const path of leaves(result).filter((p) => !p.startsWith('machine.'))) {
    const value = valueAt(result, path)!
    const before = previous ? valueAt(previous, path) : undefined
    const spread = spreads[path]
    const flag = before !== undefined && isRegression(value, before) && !path.endsWith('raw_p50') && !path.endsWith('raw_p99') ? ' ⚠' : ''
    lines.push(`| ${path} | ${fmt(value)} | ${fmt(spread?.min)} | ${fmt(spread?.max)} | ${previous ? fmt(before) : '–'} | ${previous ? change(value, before) : ''}${flag} |`)
  }
  return `${lines.join('\n')}\n`
}

/** Replaces the text between the bench markers of a README (or appends a section before "## Development"). */
export const README_START = '<!-- bench:start -->'
export const README_END = '<!-- bench:end -->'

export function updateReadme(readme: string, table: string): string {
  const block = `${README_START}\n${table.trimEnd()}\n${README_END}`
  const start = readme.indexOf(README_START)
  const end = readme.indexOf(README_END)
  if (start >= 0 && end > start) return `${readme.slice(0, start)}${block}${readme.slice(end + README_END.length)}`
  return readme
}
