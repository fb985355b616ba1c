/**
 * One timer for every token (DESIGN.md "Token lifecycle"): a min-heap of due times, and a single
 * host timer set to the earliest. Times are wall-clock ms, so after a sleep/resume (the wall clock
 * jumps ahead) everything now due fires at the next wake-up; the timer never waits longer than
 * `maxSleepMs`, so a jump is noticed within that bound even while nothing else is due.
 */

export interface TimerPort {
  now(): number
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export const systemTimers: TimerPort = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms)
    handle.unref?.()
    return handle
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout)
}

interface Entry {
  key: string
  at: number
  seq: number
}

export class Scheduler {
  private heap: Entry[] = []
  /** The live entry per key; entries in the heap whose seq differs are stale (lazy deletion). */
  private readonly current = new Map<string, Entry>()
  private handle: unknown = null
  private handleAt = Infinity
  private seq = 0
  private disposed = false

  constructor(
    private readonly timers: TimerPort,
    private readonly onDue: (key: string) => void,
    private readonly maxSleepMs = 30_000
  ) {}

  /** (Re)schedules `key` at `at`; null removes it. */
  set(key: string, at: number | null): void {
    if (at === null) {
      this.current.delete(key)
      return
    }
    const entry = { key, at, seq: ++this.seq }
    this.current.set(key, entry)
    this.push(entry)
    if (at < this.handleAt) this.arm()
  }

  get size(): number {
    return this.current.size
  }

  /** Host timers in use: 0 or 1, whatever the number of tokens. */
  get timersInUse(): number {
    return this.handle === null ? 0 : 1
  }

  dueAt(key: string): number | null {
    return this.current.get(key)?.at ?? null
  }

  /** Fires everything due now (also called by the timer). */
  runDue(): void {
    const now = this.timers.now()
    const due: string[] = []
    while (this.heap.length > 0 && this.heap[0]!.at <= now) {
      const entry = this.pop()!
      if (this.current.get(entry.key) !== entry) continue
      this.current.delete(entry.key)
      due.push(entry.key)
    }
    for (const key of due) this.onDue(key)
    this.arm()
  }

  dispose(): void {
    this.disposed = true
    if (this.handle !== null) this.timers.clearTimeout(this.handle)
    this.handle = null
    this.heap = []
    this.current.clear()
  }

  private arm(): void {
    if (this.disposed) return
    if (this.handle !== null) this.timers.clearTimeout(this.handle)
    this.handle = null
    this.handleAt = Infinity
    // Drop stale heads so an empty schedule holds no timer at all.
    while (this.heap.length > 0 && this.current.get(this.heap[0]!.key) !== this.heap[0]) this.pop()
    if (this.heap.length === 0) return
    const now = this.timers.now()
    const next = this.heap[0]!.at
    const delay = Math.max(0, Math.min(next - now, this.maxSleepMs))
    this.handleAt = now + delay
    this.handle = this.timers.setTimeout(() => {
      this.handle = null
      this.handleAt = Infinity
      this.runDue()
    }, delay)
  }

  private push(entry: Entry): void {
    const heap = this.heap
    heap.push(entry)
    let index = heap.length - 1
    while (index > 0) {
      const parent = (index - 1) >> 1
      if (less(heap[parent]!, heap[index]!)) break
      ;[heap[parent], heap[index]] = [heap[index]!, heap[parent]!]
      index = parent
    }
  }

  private pop(): Entry | undefined {
    const heap = this.heap
    const top = heap[0]
    const last = heap.pop()
    if (heap.length > 0 && last) {
      heap[0] = last
      let index = 0
      for (;;) {
        const left = index * 2 + 1
        const right = left + 1
        let smallest = index
        if (left < heap.length && less(heap[left]!, heap[smallest]!)) smallest = left
        if (right < heap.length && less(heap[right]!, heap[smallest]!)) smallest = right
        if (smallest === index) break
        ;[heap[smallest], heap[index]] = [heap[index]!, heap[smallest]!]
        index = smallest
      }
    }
    return top
  }
}

function less(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq)
}
