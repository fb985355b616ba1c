import { useSyncExternalStore } from 'react'

/**
 * THE clock of the renderer: one timer for the whole app, aligned to the wall clock's second
 * (setTimeout to the next whole second, then again), paused while the page is hidden. Every
 * countdown reads it through useSyncExternalStore; a component subscribes to the *text* it
 * derives from the time, so it re-renders only when that text changes.
 */

export interface Clock {
  /** The time of the last tick (ms since the epoch). */
  now(): number
  subscribe(listener: () => void): () => void
  /** How many listeners and timers there are (tests and diagnostics). */
  stats(): { listeners: number; timers: number }
}

export interface ClockEnvironment {
  now: () => number
  setTimeout: (fn: () => void, ms: number) => unknown
  clearTimeout: (handle: unknown) => void
  document?: Pick<Document, 'hidden' | 'addEventListener' | 'removeEventListener'> | undefined
}

const browserEnvironment = (): ClockEnvironment => ({
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
  document: typeof document === 'undefined' ? undefined : document
})

export function createClock(environment: () => ClockEnvironment = browserEnvironment): Clock {
  const listeners = new Set<() => void>()
  let current = 0
  let timer: unknown = null
  let env: ClockEnvironment | null = null

  const notify = (): void => {
    for (const listener of [...listeners]) listener()
  }

  const schedule = (): void => {
    if (!env || timer !== null || listeners.size === 0 || env.document?.hidden) return
    const delay = 1000 - (env.now() % 1000)
    timer = env.setTimeout(tick, delay)
  }

  function tick(): void {
    timer = null
    if (!env) return
    current = env.now()
    notify()
    schedule()
  }

  const stop = (): void => {
    if (env && timer !== null) env.clearTimeout(timer)
    timer = null
  }

  const onVisibility = (): void => {
    if (!env) return
    if (env.document?.hidden) stop()
    else {
      // Back from hiding: catch up at once, then tick on whole seconds again.
      current = env.now()
      notify()
      schedule()
    }
  }

  return {
    now: () => (env ? current : Date.now()),
    subscribe(listener) {
      if (listeners.size === 0) {
        env = environment()
        current = env.now()
        env.document?.addEventListener('visibilitychange', onVisibility)
      }
      listeners.add(listener)
      schedule()
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0 && env) {
          stop()
          env.document?.removeEventListener('visibilitychange', onVisibility)
          env = null
        }
      }
    },
    stats: () => ({ listeners: listeners.size, timers: timer === null ? 0 : 1 })
  }
}

/** The app's one clock. */
export const clock = createClock()

/** The current time, re-rendering every second. Use sparingly: prefer useClockText. */
export function useNow(source: Clock = clock): number {
  return useSyncExternalStore(source.subscribe, source.now, source.now)
}

/**
 * A value derived from the time (a string, number or boolean); the component re-renders only
 * when it changes (useSyncExternalStore compares snapshots with Object.is). `derive` must be pure.
 */
export function useClockText<T extends string | number | boolean | null>(derive: (now: number) => T, source: Clock = clock): T {
  const snapshot = (): T => derive(source.now())
  return useSyncExternalStore(source.subscribe, snapshot, snapshot)
}
