import { describe, expect, it } from 'vitest'
import { fakeTimers } from '../testing/fake-timers'
import { Scheduler, systemTimers } from './scheduler'

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

  it('keys due at the same moment fire in the order they were set', () => {
    const clock = fakeTimers()
    const fired: string[] = []
    const scheduler = new Scheduler(clock, (key) => fired.push(key))
    const keys = ['e', 'b', 'd', 'a', 'c', 'f', 'g']
    for (const key of keys) scheduler.set(key, clock.now() + 500)
    scheduler.set('early', clock.now() + 100)
    clock.advance(500)
    expect(fired).toEqual(['early', ...keys])
  })

  it('an earlier time for a new key re-arms the timer; a later one keeps it', () => {
    const clock = fakeTimers()
    const fired: Array<[string, number]> = []
    const scheduler = new Scheduler(clock, (key) => fired.push([key, clock.now()]))
    scheduler.set('late', clock.now() + 5000)
    scheduler.set('later', clock.now() + 6000)
    scheduler.set('early', clock.now() + 1000)
    expect(clock.pending()).toBe(1)
    clock.advance(6000)
    expect(fired).toEqual([
      ['early', 1_001_000],
      ['late', 1_005_000],
      ['later', 1_006_000]
    ])
  })

  it('reports when a key is due, and forgets it once fired or removed', () => {
    const clock = fakeTimers()
    const scheduler = new Scheduler(clock, () => {})
    scheduler.set('a', clock.now() + 1000)
    scheduler.set('b', clock.now() + 2000)
    expect([scheduler.dueAt('a'), scheduler.dueAt('b'), scheduler.dueAt('nope')]).toEqual([1_001_000, 1_002_000, null])
    expect(scheduler.size).toBe(2)
    clock.advance(1000)
    expect(scheduler.dueAt('a')).toBeNull()
    expect(scheduler.size).toBe(1)
    scheduler.set('b', null)
    expect(scheduler.size).toBe(0)
  })

  it('a removed key never fires, and once its time has passed no timer is held for it', () => {
    const clock = fakeTimers()
    const fired: Array<[string, number]> = []
    const scheduler = new Scheduler(clock, (key) => fired.push([key, clock.now()]))
    scheduler.set('a', clock.now() + 1000)
    scheduler.set('a', null)
    clock.advance(1000)
    expect(fired).toEqual([])
    expect(scheduler.timersInUse).toBe(0)
    expect(clock.pending()).toBe(0)
  })

  it('a timer armed for a far-off key wakes at maxSleep and re-arms itself', () => {
    const clock = fakeTimers()
    const fired: string[] = []
    const scheduler = new Scheduler(clock, (key) => fired.push(key), 10_000)
    scheduler.set('far', clock.now() + 25_000)
    clock.advance(10_000)
    expect(fired).toEqual([])
    expect(clock.pending()).toBe(1)
    clock.advance(14_999)
    expect(fired).toEqual([])
    clock.advance(1)
    expect(fired).toEqual(['far'])
  })

  it('runDue fires what is already past due without waiting for the timer', () => {
    const clock = fakeTimers()
    const fired: string[] = []
    const scheduler = new Scheduler(clock, (key) => fired.push(key))
    scheduler.set('past', clock.now() - 5000)
    scheduler.set('future', clock.now() + 5000)
    scheduler.runDue()
    expect(fired).toEqual(['past'])
    expect(scheduler.dueAt('future')).toBe(1_005_000)
  })

  it('the system timer port fires on the real clock, and a cleared timer never fires', async () => {
    const before = Date.now()
    expect(Math.abs(systemTimers.now() - before)).toBeLessThan(1000)
    const fired: string[] = []
    systemTimers.setTimeout(() => fired.push('kept'), 5)
    const cancelled = systemTimers.setTimeout(() => fired.push('cancelled'), 5)
    systemTimers.clearTimeout(cancelled)
    await new Promise((resolve) => setTimeout(resolve, 40))
    expect(fired).toEqual(['kept'])
  })
})
