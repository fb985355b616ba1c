import { describe, expect, it } from 'vitest'
import { fakeTimers } from '../testing/fake-timers'
import { Scheduler } from './scheduler'

describe('Scheduler: one timer for every token', () => {
  it('fires 10,000 keys in due order while holding at most one host timer', () => {
    const clock = fakeTimers()
    const fired: string[] = []
    const scheduler = new Scheduler(clock, (key) => fired.push(key))
    const dues = Array.from({ length: 10_000 }, (_, i) => ({ key: `t${i}`, at: clock.now() + ((i * 7919) % 60_000) + 1 }))
    for (const { key, at } of dues) scheduler.set(key, at)
    expect(clock.pending()).toBe(1)
    expect(scheduler.timersInUse).toBe(1)
    clock.advance(30_000)
    expect(clock.pending()).toBe(1)
    clock.advance(30_001)
    expect(fired).toHaveLength(10_000)
    const order = [...dues].sort((a, b) => a.at - b.at).map((d) => d.at)
    expect(fired.map((key) => dues[Number(key.slice(1))]!.at)).toEqual(order)
    expect(scheduler.timersInUse).toBe(0)
    expect(clock.pending()).toBe(0)
  })

  it('reschedules a key (only the latest time counts) and removes it with null', () => {
    const clock = fakeTimers()
    const fired: Array<[string, number]> = []
    const scheduler = new Scheduler(clock, (key) => fired.push([key, clock.now()]))
    scheduler.set('a', clock.now() + 1000)
    scheduler.set('a', clock.now() + 5000)
    scheduler.set('b', clock.now() + 2000)
    scheduler.set('b', null)
    clock.advance(10_000)
    expect(fired).toEqual([['a', 1_005_000]])
  })

  it('after a sleep/resume (wall clock jumps 2 h) fires everything now due at the next wake-up, within maxSleep', () => {
    const clock = fakeTimers()
    const fired: string[] = []
    const scheduler = new Scheduler(clock, (key) => fired.push(key), 30_000)
    scheduler.set('soon', clock.now() + 60_000)
    scheduler.set('later', clock.now() + 3_600_000)
    scheduler.set('tomorrow', clock.now() + 86_400_000)
    clock.jump(2 * 3_600_000)
    // The armed timer was at most 30 s away: it wakes, sees the wall clock, fires both.
    clock.advance(30_000)
    expect(fired.sort()).toEqual(['later', 'soon'])
    expect(scheduler.dueAt('tomorrow')).toBe(1_000_000 + 86_400_000)
  })

  it('holds no timer when nothing is scheduled, and none after dispose', () => {
    const clock = fakeTimers()
    const scheduler = new Scheduler(clock, () => {})
    expect(scheduler.timersInUse).toBe(0)
    scheduler.set('x', clock.now() + 10)
    scheduler.dispose()
    expect(clock.pending()).toBe(0)
    scheduler.set('y', clock.now() + 10)
    expect(clock.pending()).toBe(0)
  })

  it('a key set again from inside its own callback is scheduled anew', () => {
    const clock = fakeTimers()
    let count = 0
    const scheduler: Scheduler = new Scheduler(clock, (key) => {
      count++
      if (count < 5) scheduler.set(key, clock.now() + 1000)
    })
    scheduler.set('tick', clock.now() + 1000)
    clock.advance(10_000)
    expect(count).toBe(5)
  })
})
