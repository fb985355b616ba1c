import type { TimerPort } from '../tokens/scheduler'

/** A fake clock whose timers fire only when the test advances time (or jumps the wall clock). */
export function fakeTimers(start = 1_000_000): TimerPort & { advance(ms: number): void; jump(ms: number): void; pending(): number } {
  let now = start
  let seq = 0
  const timers = new Map<number, { at: number; callback: () => void }>()
  const fireDue = (): void => {
    for (;;) {
      const due = [...timers.entries()].filter(([, t]) => t.at <= now).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0]
      if (!due) return
      timers.delete(due[0])
      due[1].callback()
    }
  }
  return {
    now: () => now,
    setTimeout: (callback, ms) => {
      const id = ++seq
      timers.set(id, { at: now + ms, callback })
      return id
    },
    clearTimeout: (handle) => {
      timers.delete(handle as number)
    },
    advance(ms) {
      const end = now + ms
      for (;;) {
        const next = Math.min(...[...timers.values()].map((t) => t.at))
        if (!Number.isFinite(next) || next > end) break
        now = Math.max(now, next)
        fireDue()
      }
      now = end
    },
    /** The wall clock jumps (sleep/resume) without timers firing on the way. */
    jump(ms) {
      now += ms
    },
    pending: () => timers.size
  }
}
