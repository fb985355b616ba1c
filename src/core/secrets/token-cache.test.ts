import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createMemoryLogger } from '../log'
import { MemorySecretStore } from './memory-store'
import { TOKEN_CACHE_KEY_NAME } from './port'
import { TokenCache } from './token-cache'

let dir: string
let file: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'td-cache-'))
  file = join(dir, 'token-cache.tdv')
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('token cache', () => {
  it('keeps its random key as one secret-store item and reopens with it', async () => {
    const secrets = new MemorySecretStore()
    const cache = await TokenCache.open({ file, secretStore: secrets, log: createMemoryLogger() })
    cache.set('tok-1', 'canary-issued-token-1')
    await cache.dispose()
    expect(Buffer.from((await secrets.get(TOKEN_CACHE_KEY_NAME))!, 'base64').length).toBe(32)
    expect(await secrets.keys()).toEqual([TOKEN_CACHE_KEY_NAME])
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readFileSync(file).includes('canary-issued-token')).toBe(false)
    const reopened = await TokenCache.open({ file, secretStore: secrets, log: createMemoryLogger() })
    expect(reopened.get('tok-1')).toBe('canary-issued-token-1')
  })

  it('writes behind: 10,000 sets return at once and land in one or few writes', async () => {
    const secrets = new MemorySecretStore()
    const cache = await TokenCache.open({ file, secretStore: secrets, log: createMemoryLogger(), flushDelayMs: 20 })
    const started = performance.now()
    for (let i = 0; i < 10_000; i++) cache.set(`tok-${i}`, `value-${i}-${'t'.repeat(200)}`)
    const setMs = performance.now() - started
    console.info(`10,000 token cache sets: ${setMs.toFixed(1)} ms (no disk wait)`)
    expect(setMs).toBeLessThan(500)
    await cache.flush()
    const flushed = performance.now() - started
    console.info(`…flushed to disk after ${flushed.toFixed(0)} ms`)
    const reopened = await TokenCache.open({ file, secretStore: secrets, log: createMemoryLogger() })
    expect(reopened.size).toBe(10_000)
    expect(reopened.get('tok-9999')).toBe(`value-9999-${'t'.repeat(200)}`)
  })

  it('flushes pending changes on dispose', async () => {
    const secrets = new MemorySecretStore()
    const cache = await TokenCache.open({ file, secretStore: secrets, log: createMemoryLogger(), flushDelayMs: 60_000 })
    cache.set('tok-late', 'written-on-dispose')
    await cache.dispose()
    const reopened = await TokenCache.open({ file, secretStore: secrets, log: createMemoryLogger() })
    expect(reopened.get('tok-late')).toBe('written-on-dispose')
  })

  it('a verifiably lost key moves the unreadable file aside instead of deleting it', async () => {
    const cache = await TokenCache.open({ file, secretStore: new MemorySecretStore(), log: createMemoryLogger() })
    cache.set('tok', 'v')
    await cache.dispose()
    const fresh = await TokenCache.open({ file, secretStore: new MemorySecretStore(), log: createMemoryLogger() })
    expect(fresh.size).toBe(0)
    expect(readdirSync(dir).some((name) => name.startsWith('token-cache.tdv.orphaned-'))).toBe(true)
  })

  it('a locked secret store is an error, never a reason to start over', async () => {
    const cache = await TokenCache.open({ file, secretStore: new MemorySecretStore(), log: createMemoryLogger() })
    cache.set('tok', 'v')
    await cache.dispose()
    const locked = new MemorySecretStore()
    locked.get = async () => {
      throw Object.assign(new Error('locked'), { code: 'KEYCHAIN_LOCKED' })
    }
    await expect(TokenCache.open({ file, secretStore: locked, log: createMemoryLogger() })).rejects.toMatchObject({ code: 'KEYCHAIN_LOCKED' })
    expect(existsSync(file)).toBe(true)
    expect(readdirSync(dir).some((name) => name.includes('orphaned'))).toBe(false)
  })
})
