import { act, render, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createClock, useClockText } from './clock'

describe('the one clock', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(new Date(2026, 10, 23, 19, 0, 0, 300))
  })
  afterEach(() => vi.useRealTimers())

  it('runs one timer whatever the number of subscribers, and none without', () => {
    const clock = createClock()
    expect(clock.stats()).toEqual({ listeners: 0, timers: 0 })
    const offs = Array.from({ length: 500 }, () => clock.subscribe(() => {}))
    expect(clock.stats()).toEqual({ listeners: 500, timers: 1 })
    expect(vi.getTimerCount()).toBe(1)
    vi.advanceTimersByTime(5000)
    expect(vi.getTimerCount()).toBe(1)
    offs.forEach((off) => off())
    expect(clock.stats()).toEqual({ listeners: 0, timers: 0 })
    expect(vi.getTimerCount()).toBe(0)
  })

  it('ticks on whole seconds', () => {
    const clock = createClock()
    const seen: number[] = []
    clock.subscribe(() => seen.push(clock.now()))
    vi.advanceTimersByTime(699)
    expect(seen).toEqual([])
    vi.advanceTimersByTime(1)
    expect(seen.map((t) => t % 1000)).toEqual([0])
    vi.advanceTimersByTime(3000)
    expect(seen.map((t) => t % 1000)).toEqual([0, 0, 0, 0])
    expect(seen[3]! - seen[0]!).toBe(3000)
  })

  it('pauses while the page is hidden and catches up when it shows again', () => {
    let hidden = false
    const handlers = new Set<() => void>()
    const doc = {
      get hidden() {
        return hidden
      },
      addEventListener: (_: string, h: () => void) => handlers.add(h),
      removeEventListener: (_: string, h: () => void) => handlers.delete(h)
    } as unknown as Document
    const clock = createClock(() => ({ now: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as number), document: doc }))
    const listener = vi.fn()
    clock.subscribe(listener)
    vi.advanceTimersByTime(700)
    expect(listener).toHaveBeenCalledTimes(1)
    hidden = true
    handlers.forEach((h) => h())
    expect(vi.getTimerCount()).toBe(0)
    vi.advanceTimersByTime(10_000)
    expect(listener).toHaveBeenCalledTimes(1)
    hidden = false
    handlers.forEach((h) => h())
    expect(listener).toHaveBeenCalledTimes(2)
    expect(vi.getTimerCount()).toBe(1)
  })

  it('re-renders a component only when its derived text changes', () => {
    const clock = createClock()
    const start = Date.now()
    let renders = 0
    function Minutes(): React.JSX.Element {
      renders++
      const text = useClockText((now) => `${Math.floor((now - start) / 60_000)} min`, clock)
      return <span>{text}</span>
    }
    render(<Minutes />)
    expect(screen.getByText('0 min')).toBeInTheDocument()
    const first = renders
    act(() => vi.advanceTimersByTime(30_000))
    expect(renders).toBe(first)
    // Ticks land on whole seconds: the first one at or after start + 60 s is at +60.7 s.
    act(() => vi.advanceTimersByTime(30_700))
    expect(screen.getByText('1 min')).toBeInTheDocument()
    expect(renders).toBe(first + 1)
  })
})
