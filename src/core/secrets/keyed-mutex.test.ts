import { describe, expect, it } from 'vitest'
import { KeyedMutex } from './keyed-mutex'

/** A job the test finishes by hand, recording when it starts and ends. */
function job(name: string, log: string[]) {
  let finish!: () => void
  let fail!: (error: Error) => void
  const done = new Promise<string>((resolve, reject) => {
    finish = () => resolve(name)
    fail = reject
  })
  const work = async (): Promise<string> => {
    log.push(`start ${name}`)
    try {
      return await done
    } finally {
      log.push(`end ${name}`)
    }
  }
  return { work, finish: () => finish(), fail: (error: Error) => fail(error) }
}

/** Lets every already-settled promise callback run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('KeyedMutex', () => {
  it('runs work on one key one at a time, in call order, and hands each caller its own result', async () => {
    const mutex = new KeyedMutex()
    const log: string[] = []
    const a = job('a', log)
    const b = job('b', log)
    const first = mutex.run('file', a.work)
    const second = mutex.run('file', b.work)
    await settle()
    expect(log).toEqual(['start a'])
    a.finish()
    expect(await first).toBe('a')
    await settle()
    expect(log).toEqual(['start a', 'end a', 'start b'])
    b.finish()
    expect(await second).toBe('b')
  })

  it('runs work on different keys side by side', async () => {
    const mutex = new KeyedMutex()
    const log: string[] = []
    const a = job('a', log)
    const b = job('b', log)
    const first = mutex.run('credential/a', a.work)
    const second = mutex.run('credential/b', b.work)
    await settle()
    expect(log).toEqual(['start a', 'start b'])
    b.finish()
    a.finish()
    expect(await Promise.all([first, second])).toEqual(['a', 'b'])
  })

  it('a failure reaches its own caller only, and the next work on the key still runs', async () => {
    const mutex = new KeyedMutex()
    const log: string[] = []
    const a = job('a', log)
    const b = job('b', log)
    const first = mutex.run('file', a.work)
    const second = mutex.run('file', b.work)
    a.fail(new Error('disk full'))
    await expect(first).rejects.toThrow('disk full')
    b.finish()
    expect(await second).toBe('b')
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b'])
  })

  it('work queued after the first finished still waits for the one running now', async () => {
    // The first job's clean-up must not forget the queue the later jobs form.
    const mutex = new KeyedMutex()
    const log: string[] = []
    const a = job('a', log)
    const b = job('b', log)
    const c = job('c', log)
    const first = mutex.run('file', a.work)
    const second = mutex.run('file', b.work)
    a.finish()
    await first
    await settle()
    const third = mutex.run('file', c.work)
    await settle()
    expect(log).toEqual(['start a', 'end a', 'start b'])
    b.finish()
    c.finish()
    expect(await Promise.all([second, third])).toEqual(['b', 'c'])
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c'])
  })
})
