import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AppError } from '../../shared/errors'
import { createMemoryLogger } from '../log'
import { MemorySecretStore } from './memory-store'
import { TOKEN_CACHE_KEY_NAME } from './port'
import { TokenCache } from './token-cache'

/** The token cache's behaviour around its entries: redaction, deletes, failures, closing (token-cache.test.ts: storage and keys). */

let dir: string
let file: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'td-cache-behaviour-'))
  file = join(dir, 'token-cache.tdv')
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** What a log line says about `value` once it went through the logger's redaction. */
function logged(log: ReturnType<typeof createMemoryLogger>, value: string): string {
  log.info('test', `value ${value}`)
  return log.lines.at(-1)!
}

describe('token cache: redaction follows the entries', () => {
  it('a value is redacted while an entry holds it, also one restored from disk, and released when none does', async () => {
    const secrets = new MemorySecretStore()
    const log = createMemoryLogger()
    const cache = await TokenCache.open({ file, secretStore: secrets, log })
    cache.set('a', 'shared-value-0001')
    cache.set('b', 'shared-value-0001')
    cache.set('c', 'lonely-value-0002')
    expect(logged(log, 'shared-value-0001')).toBe('info [test] value [redacted]')

    // Replaced in one entry: the other still holds it.
    cache.set('a', 'newer-value-0003')
    expect(logged(log, 'shared-value-0001')).toBe('info [test] value [redacted]')
    expect(cache.delete('b')).toBe(true)
    expect(logged(log, 'shared-value-0001')).toBe('info [test] value shared-value-0001')
    expect(cache.delete('b')).toBe(false)
    expect(logged(log, 'lonely-value-0002')).toBe('info [test] value [redacted]')
    await cache.dispose()

    const restoredLog = createMemoryLogger()
    const reopened = await TokenCache.open({ file, secretStore: secrets, log: restoredLog })
    expect(reopened.ids().sort()).toEqual(['a', 'c'])
    expect(logged(restoredLog, 'newer-value-0003')).toBe('info [test] value [redacted]')
    expect(logged(restoredLog, 'lonely-value-0002')).toBe('info [test] value [redacted]')
  })
})

describe('token cache: writes', () => {
  it('writes behind on its own, without a flush', async () => {
    const secrets = new MemorySecretStore()
    const cache = await TokenCache.open({ file, secretStore: secrets, log: createMemoryLogger(), flushDelayMs: 5 })
    await cache.flush()
    cache.set('t', 'written-behind-0004')
    let reopened: TokenCache | null = null
    for (let i = 0; i < 200 && reopened?.get('t') === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10))
      reopened = await TokenCache.open({ file, secretStore: secrets, log: createMemoryLogger() })
    }
    expect(reopened?.get('t')).toBe('written-behind-0004')
  })

  it('a new cache writes its (empty) file; a stored key without a file starts empty with that key', async () => {
    const secrets = new MemorySecretStore()
    const cache = await TokenCache.open({ file, secretStore: secrets, log: createMemoryLogger() })
    await cache.flush()
    expect(existsSync(file)).toBe(true)
    const key = await secrets.get(TOKEN_CACHE_KEY_NAME)
    rmSync(file)
    const again = await TokenCache.open({ file, secretStore: secrets, log: createMemoryLogger() })
    expect(again.size).toBe(0)
    expect(await secrets.get(TOKEN_CACHE_KEY_NAME)).toBe(key)
    again.set('t', 'with-the-same-key-0005')
    await again.dispose()
    expect((await TokenCache.open({ file, secretStore: secrets, log: createMemoryLogger() })).get('t')).toBe('with-the-same-key-0005')
  })

  it('a failed write rejects the flush with a typed error, logs it without the value, keeps the change, and the next flush writes it', async () => {
    const secrets = new MemorySecretStore()
    const log = createMemoryLogger()
    const cache = await TokenCache.open({ file, secretStore: secrets, log, flushDelayMs: 60_000 })
    await cache.flush()
    cache.set('t', 'kept-after-failure-0006')
    // A directory where the file goes: the rename onto it fails.
    rmSync(file)
    mkdirSync(file)
    mkdirSync(join(file, 'inside'))
    const error = await cache.flush().then(
      () => null,
      (caught: unknown) => caught
    )
    expect(error).toBeInstanceOf(AppError)
    expect(cache.lastError).toBe(error)
    expect(log.lines.some((line) => line.startsWith('error [token-cache] write failed'))).toBe(true)
    expect(log.lines.join('\n')).not.toContain('kept-after-failure-0006')

    rmSync(file, { recursive: true })
    await cache.flush()
    expect(cache.lastError).toBeNull()
    expect((await TokenCache.open({ file, secretStore: secrets, log: createMemoryLogger() })).get('t')).toBe('kept-after-failure-0006')
  })

  it('a delete of a known id is written', async () => {
    const secrets = new MemorySecretStore()
    const cache = await TokenCache.open({ file, secretStore: secrets, log: createMemoryLogger(), flushDelayMs: 60_000 })
    cache.set('t', 'deleted-later-0008')
    await cache.flush()
    expect(cache.delete('t')).toBe(true)
    await cache.flush()
    expect((await TokenCache.open({ file, secretStore: secrets, log: createMemoryLogger() })).size).toBe(0)
  })

  it('a lost key: the warning names where the old file was moved', async () => {
    const cache = await TokenCache.open({ file, secretStore: new MemorySecretStore(), log: createMemoryLogger() })
    await cache.dispose()
    const log = createMemoryLogger()
    await TokenCache.open({ file, secretStore: new MemorySecretStore(), log })
    expect(log.lines.find((line) => line.startsWith('warn [token-cache]'))).toMatch(/token-cache\.tdv\.orphaned-\d+/)
  })

  it('a logger without release (it may leave it out) is fine when values are replaced and deleted', async () => {
    const redacted: string[] = []
    const log = { debug() {}, info() {}, warn() {}, error() {}, redact: (value: string) => void redacted.push(value) }
    const cache = await TokenCache.open({ file, secretStore: new MemorySecretStore(), log })
    cache.set('t', 'first-value-0009')
    cache.set('t', 'second-value-0010')
    expect(cache.delete('t')).toBe(true)
    expect(redacted).toEqual(['first-value-0009', 'second-value-0010'])
    await cache.dispose()
  })

  it('a delete of an unknown id writes nothing', async () => {
    const secrets = new MemorySecretStore()
    const cache = await TokenCache.open({ file, secretStore: secrets, log: createMemoryLogger(), flushDelayMs: 60_000 })
    await cache.flush()
    rmSync(file)
    expect(cache.delete('ghost')).toBe(false)
    await cache.flush()
    expect(existsSync(file)).toBe(false)
  })
})

describe('token cache: closing', () => {
  it('after dispose it holds nothing and refuses changes; a second dispose is harmless', async () => {
    const cache = await TokenCache.open({ file, secretStore: new MemorySecretStore(), log: createMemoryLogger() })
    cache.set('t', 'value-0007')
    await cache.dispose()
    expect(cache.size).toBe(0)
    expect(cache.get('t')).toBeUndefined()
    for (const change of [() => cache.set('u', 'v'), () => cache.delete('t')]) {
      let caught: unknown = null
      try {
        change()
      } catch (error) {
        caught = error
      }
      expect((caught as AppError).toData()).toEqual({ code: 'INTERNAL', message: 'The token cache is closed.' })
    }
    await expect(cache.dispose()).resolves.toBeUndefined()
  })
})
