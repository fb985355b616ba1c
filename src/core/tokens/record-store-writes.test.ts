import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { AppError } from '../../shared/errors'
import type { Token } from '../../shared/model'
import { createMemoryLogger } from '../log'
import { MAX_RECORDS_FLUSH_DELAY_MS, TokenRecordStore } from './record-store'
import { token } from '../testing/token-fixture'

/**
 * When and how often the records file is written (write-behind, coalescing, the cost-based
 * delay), on an in-memory file system and a fake clock: record-store.test.ts covers the same
 * store on a real directory.
 */

const fs = vi.hoisted(() => ({
  /** What each path holds after a completed write (rename). */
  files: new Map<string, string>(),
  temps: new Map<string, string>(),
  /** Completed writes of the records file (renames onto it). */
  writes: 0,
  opened: 0,
  closed: 0,
  failWrite: false,
  /** While set, a rename waits for it: a write in progress. */
  gate: null as Promise<void> | null,
  /** What performance.now() says; writeFile moves it on by ioMs. */
  clock: 0,
  ioMs: 0
}))

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>()
  return {
    ...real,
    mkdir: async () => undefined,
    open: async (path: string) => {
      fs.opened++
      return {
        writeFile: async (body: string) => {
          if (fs.failWrite) throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' })
          fs.clock += fs.ioMs
          fs.temps.set(path, body)
        },
        sync: async () => undefined,
        close: async () => {
          fs.closed++
        }
      }
    },
    rename: async (from: string, to: string) => {
      if (fs.gate) await fs.gate
      fs.files.set(to, fs.temps.get(from) ?? '')
      fs.temps.delete(from)
      fs.writes++
    }
  }
})

const file = join(tmpdir(), `tokendesk-records-memory-${process.pid}-never-created`, 'tokens.json')

/** The token ids in the records file as last written. */
function onDisk(): string[] {
  const body = fs.files.get(file)
  return body === undefined ? [] : (JSON.parse(body) as { tokens: Token[] }).tokens.map((t) => t.id)
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

beforeEach(() => {
  fs.files.clear()
  fs.temps.clear()
  fs.writes = 0
  fs.opened = 0
  fs.closed = 0
  fs.failWrite = false
  fs.gate = null
  fs.clock = 0
  fs.ioMs = 0
  // setImmediate stays real: the write itself (and the test's turns) run on it.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
})

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('TokenRecordStore write-behind', () => {
  it('the first change starts the delay; changes within it ride along in the same write', async () => {
    const store = new TokenRecordStore(file, createMemoryLogger(), 250)
    store.put(token('t1'))
    await vi.advanceTimersByTimeAsync(200)
    store.put(token('t2'))
    await vi.advanceTimersByTimeAsync(49)
    expect(fs.writes).toBe(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(fs.writes).toBe(1)
    expect(onDisk()).toEqual(['t1', 't2'])
  })

  it('a change every 10 ms for a second is written about once per delay, not once per change', async () => {
    const store = new TokenRecordStore(file, createMemoryLogger(), 250)
    for (let i = 0; i < 100; i++) {
      store.put(token(`t${i}`))
      await vi.advanceTimersByTimeAsync(10)
    }
    expect(fs.writes).toBeGreaterThanOrEqual(3)
    expect(fs.writes).toBeLessThanOrEqual(4)
    await store.flush()
    expect(onDisk()).toHaveLength(100)
  })

  it('flush writes at once and cancels the pending write-behind: a later change waits a full delay', async () => {
    const store = new TokenRecordStore(file, createMemoryLogger(), 250)
    store.put(token('t1'))
    await store.flush()
    expect(fs.writes).toBe(1)
    await vi.advanceTimersByTimeAsync(100)
    store.put(token('t2'))
    // The first change's timer (due at 250) is gone: nothing is written until 100 + 250.
    await vi.advanceTimersByTimeAsync(200)
    expect(fs.writes).toBe(1)
    expect(onDisk()).toEqual(['t1'])
    await vi.advanceTimersByTimeAsync(50)
    expect(fs.writes).toBe(2)
    expect(onDisk()).toEqual(['t1', 't2'])
  })

  it('a flush with nothing changed since the last write writes nothing', async () => {
    const store = new TokenRecordStore(file, createMemoryLogger(), 250)
    await store.flush()
    expect(fs.writes).toBe(0)
    store.put(token('t1'))
    await store.flush()
    await store.flush()
    expect(fs.writes).toBe(1)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(fs.writes).toBe(1)
  })

  it('flushes called while a write is in progress add one write with every change, not one each', async () => {
    const store = new TokenRecordStore(file, createMemoryLogger(), 250)
    let release!: () => void
    fs.gate = new Promise((resolve) => (release = resolve))
    store.put(token('t1'))
    const first = store.flush()
    for (let i = 0; i < 5; i++) await turn()
    // The first write has taken t1 and waits on the disk; t2 comes in meanwhile.
    store.put(token('t2'))
    const second = store.flush()
    const third = store.flush()
    fs.gate = null
    release()
    await Promise.all([first, second, third])
    expect(fs.writes).toBe(2)
    expect(onDisk()).toEqual(['t1', 't2'])
  })

  it('a failed write closes the file it opened and says which file, and the next flush writes the changes', async () => {
    const log = createMemoryLogger()
    const store = new TokenRecordStore(file, log, 250)
    store.put(token('t1'))
    fs.failWrite = true
    const error = await store.flush().then(
      () => null,
      (caught: unknown) => caught
    )
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).toData()).toEqual({ code: 'SETTINGS_IO', message: 'The token records could not be written.', details: { file } })
    expect(fs.opened).toBe(1)
    expect(fs.closed).toBe(1)
    expect(fs.writes).toBe(0)
    fs.failWrite = false
    await store.flush()
    expect(onDisk()).toEqual(['t1'])
    expect(fs.closed).toBe(fs.opened)
  })

  it('an expensive write pushes the next write-behind out: 20x its event-loop cost (serialising + the write calls, these at most as much again)', async () => {
    vi.spyOn(performance, 'now').mockImplementation(() => fs.clock)
    const store = new TokenRecordStore(file, createMemoryLogger(), 250)
    // Serialising this token takes 20 ms of the loop; the write calls take 5 ms.
    const slow = { ...token('slow'), toJSON: () => ((fs.clock += 20), token('slow')) }
    fs.ioMs = 5
    store.put(slow)
    await store.flush()
    // (20 + 5) x 20 = 500 ms instead of the 250 ms base.
    store.put(token('t2'))
    await vi.advanceTimersByTimeAsync(499)
    expect(fs.writes).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(fs.writes).toBe(2)
    expect(onDisk()).toEqual(['slow', 't2'])
  })

  it('the write calls count at most as much as the serialising; the delay is capped', async () => {
    vi.spyOn(performance, 'now').mockImplementation(() => fs.clock)
    const store = new TokenRecordStore(file, createMemoryLogger(), 250)
    const slow = { ...token('slow'), toJSON: () => ((fs.clock += 20), token('slow')) }
    // A slow disk (200 ms of write calls): 20 + min(200, 20) = 40 ms, so 800 ms.
    fs.ioMs = 200
    store.put(slow)
    await store.flush()
    store.put(token('t2'))
    await vi.advanceTimersByTimeAsync(799)
    expect(fs.writes).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(fs.writes).toBe(2)

    // A very slow serialise: capped at MAX_RECORDS_FLUSH_DELAY_MS.
    const slower = { ...token('slower'), toJSON: () => ((fs.clock += 10_000), token('slower')) }
    store.put(slower)
    await store.flush()
    store.put(token('t3'))
    await vi.advanceTimersByTimeAsync(MAX_RECORDS_FLUSH_DELAY_MS - 1)
    expect(fs.writes).toBe(3)
    await vi.advanceTimersByTimeAsync(1)
    expect(fs.writes).toBe(4)
  })
})
