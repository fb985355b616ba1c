import { describe, expect, it } from 'vitest'
import { BUDGETS, change, isRegression, markdownReport, README_END, README_START, shapeProblems, updateReadme, withinBudget, type BenchResult } from '../bench/lib/report'
import { median, percentile, spread } from '../bench/lib/stats'

/** The pure parts of `npm run bench` (bench/lib/stats.ts, bench/lib/report.ts). */

function sample(): BenchResult {
  const api = { stack_p50: 2.5, stack_p99: 9, raw_p50: 2, raw_p99: 8, overhead_p50: 0.5 }
  const tick = { script_ms_per_s: 1.5, long_tasks: 0, dropped_frames: 0, heap_mb: 12 }
  return {
    machine: { cpu: 'Test CPU', cores: 2, memGiB: 8, node: 'v20.20.2' },
    issuance: { respoke: { ...api }, pocketpaw: { ...api }, 'play-oxygen': { ...api }, 'keycloak-proxy': { ...api } },
    countdown: { '100': { ...tick }, '1000': { ...tick }, '10000': { ...tick } },
    startup_ms_1000: 420,
    startup: { own_ms_1000: 150, floor_tab_ms: 270, window_ms_1000: 900, floor_window_ms: 650, demo_ms_1000: 700 },
    size: { js_gzip_kb: 180, js_raw_kb: 600, css_gzip_kb: 10 },
    idle_cpu_ms_per_min: 12,
    scheduler: { timers: 1, lateness_p50: 1, lateness_p99: 20, cpu_ms: 900, requests: 10000, renewals_due: 10000 },
    memory: { rss_growth_mb: 1, heap_growth_mb: 0.2 }
  }
}

describe('percentile (nearest rank)', () => {
  it('matches hand-computed values', () => {
    const values = [15, 20, 35, 40, 50]
    expect(percentile(values, 50)).toBe(35)
    expect(percentile(values, 30)).toBe(20)
    expect(percentile(values, 99)).toBe(50)
    expect(percentile(values, 100)).toBe(50)
    expect(percentile(values, 0)).toBe(15)
    expect(percentile([3, 1, 2], 50)).toBe(2)
  })

  it('p99 of 1..100 is 99, p50 is 50, and the input is not reordered', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i)
    expect(percentile(values, 99)).toBe(99)
    expect(percentile(values, 50)).toBe(50)
    expect(values[0]).toBe(100)
  })

  it('is NaN for no samples', () => {
    expect(percentile([], 50)).toBeNaN()
    expect(median([])).toBeNaN()
  })

  it('median averages the middle pair; spread gives median, min and max', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(spread([5, 1, 9])).toEqual({ median: 5, min: 1, max: 9, runs: [5, 1, 9] })
    expect(spread([1, Number.NaN, 3]).runs).toEqual([1, 3])
  })
})

describe('result shape (issue 10)', () => {
  it('accepts exactly the keys of issue 10', () => {
    expect(shapeProblems(sample())).toEqual([])
  })

  it('names missing, extra and non-numeric keys', () => {
    const broken = sample() as unknown as Record<string, Record<string, unknown>>
    delete broken.scheduler!.timers
    broken.memory!.leak = 1
    broken.size!.js_gzip_kb = 'big'
    ;(broken.countdown as Record<string, unknown>)['10000'] = undefined
    const problems = shapeProblems(broken)
    expect(problems).toContain('scheduler.timers: missing')
    expect(problems).toContain("memory.leak: not in issue 10's keys")
    expect(problems).toContain('size.js_gzip_kb: not a finite number')
    expect(problems).toContain('countdown.10000: not an object')
  })

  it('wants machine.cpu and machine.node as strings, NaN nowhere', () => {
    const result = sample()
    ;(result.machine as unknown as Record<string, unknown>).cpu = 3
    result.startup_ms_1000 = Number.NaN
    expect(shapeProblems(result)).toEqual(['machine.cpu: not a string', 'startup_ms_1000: not a finite number'])
  })
})

describe('budgets and comparison', () => {
  it('checks each budget, including requests = renewals due', () => {
    const result = sample()
    const byPath = (path: string) => BUDGETS.find((b) => b.path === path)!
    expect(withinBudget(result, byPath('startup_ms_1000'))).toBe(true)
    result.startup_ms_1000 = 501
    expect(withinBudget(result, byPath('startup_ms_1000'))).toBe(false)
    expect(withinBudget(result, byPath('scheduler.requests'))).toBe(true)
    result.scheduler.requests = 9999
    expect(withinBudget(result, byPath('scheduler.requests'))).toBe(false)
    expect(withinBudget(result, byPath('memory.rss_growth_mb'))).toBeNull()
  })

  it('describes changes and flags regressions beyond 20 % and an absolute floor', () => {
    expect(change(12, 10)).toBe('+20 %')
    expect(change(9.5, 10)).toBe('−5.0 %')
    expect(change(3, 3)).toBe('=')
    expect(change(3, undefined)).toBe('new')
    expect(change(2, 0)).toBe('+2')
    expect(isRegression(13, 10)).toBe(true)
    expect(isRegression(11, 10)).toBe(false)
    expect(isRegression(0.4, 0.1)).toBe(false)
  })

  it('renders budgets with ✅/❌ and every figure beside the previous run', () => {
    const previous = sample()
    const latest = sample()
    latest.startup_ms_1000 = 900
    latest.idle_cpu_ms_per_min = 10
    const table = markdownReport(latest, { previous, spreads: { startup_ms_1000: { median: 900, min: 850, max: 990, runs: [850, 900, 990] } } })
    expect(table).toContain('| Start-up, 1,000 tokens (new tab) | ≤ 500 ms | 900 | 850 | 990 | ❌ |')
    expect(table).toContain('| Start-up floor: a static page launched the same way | reference | 270 | – | – | ℹ |')
    expect(table).toContain('| Host RSS growth after forgetting | no growth | 1 | – | – | ℹ |')
    expect(table).toContain('| Renderer JS gzip | ≤ 200 KB | 180 | – | – | ✅ |')
    expect(table).toContain('| Renewal requests = renewals due | = 10000 | 10000 | – | – | ✅ |')
    expect(table).toContain('| startup_ms_1000 | 900 | 850 | 990 | 420 | +114 % ⚠ |')
    expect(table).toContain('| idle_cpu_ms_per_min | 10.0 | – | – | 12.0 | −17 % |')
    expect(table).not.toContain('machine.cores')
    const rows = table.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| budget') && !line.startsWith('| figure'))
    expect(rows).toHaveLength(BUDGETS.length + 20 + 12 + 1 + 5 + 3 + 1 + 6 + 2)
  })

  it('without a previous run, leaves the comparison columns empty', () => {
    expect(markdownReport(sample())).toContain('| startup_ms_1000 | 420 | – | – | – |  |')
  })
})

describe('README', () => {
  it('replaces only the text between the markers', () => {
    const readme = `# X\n\n## Performance\n\n${README_START}\nold\n${README_END}\n\n## Development\n`
    const updated = updateReadme(readme, '| new |\n')
    expect(updated).toBe(`# X\n\n## Performance\n\n${README_START}\n| new |\n${README_END}\n\n## Development\n`)
    expect(updateReadme(updated, '| newer |')).toContain('| newer |')
  })

  it('leaves a README without markers alone', () => {
    expect(updateReadme('# X\n', '| t |')).toBe('# X\n')
  })
})
