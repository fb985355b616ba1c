/** Pure statistics for the bench (unit-tested in scripts/bench-report.test.ts). */

/** Nearest-rank percentile (p in 0..100) of unsorted samples; NaN for none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN
  const sorted = [...samples].sort((a, b) => a - b)
  if (p <= 0) return sorted[0]!
  if (p >= 100) return sorted[sorted.length - 1]!
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!
}

export function median(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN
  const sorted = [...samples].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

export interface Spread {
  median: number
  min: number
  max: number
  runs: number[]
}

/** Median, min and max of several runs of one figure. */
export function spread(runs: readonly number[]): Spread {
  const clean = runs.filter((n) => Number.isFinite(n))
  return { median: round(median(clean)), min: round(Math.min(...clean)), max: round(Math.max(...clean)), runs: clean.map(round) }
}

/** Rounds to 3 significant decimals for small numbers, 1 decimal for larger ones. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value
  const abs = Math.abs(value)
  const digits = abs >= 100 ? 1 : abs >= 1 ? 2 : 3
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}

/** Milliseconds from a process.hrtime.bigint() pair. */
export function msBetween(start: bigint, end: bigint): number {
  return Number(end - start) / 1e6
}
