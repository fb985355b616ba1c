import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { SecretStoreHealthSchema } from '../../shared/contract'
import { createMemoryLogger } from '../log'
import type { FileKey } from './encrypted-file'
import { TEST_SCRYPT } from './testing/keyring-env'
import { VaultSecretStore, type VaultState } from './vault-store'

// Every key the vault derives or opens, so a test can see that locking zeroes it (a pass-through).
const derivedKeys = vi.hoisted((): FileKey[] => [])
vi.mock('./encrypted-file', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./encrypted-file')>()
  return {
    ...actual,
    createFileKey: async (...args: Parameters<typeof actual.createFileKey>) => {
      const key = await actual.createFileKey(...args)
      derivedKeys.push(key)
      return key
    },
    readEncryptedFile: async (...args: Parameters<typeof actual.readEncryptedFile>) => {
      const opened = await actual.readEncryptedFile(...args)
      derivedKeys.push(opened.key)
      return opened
    }
  }
})

// vault.test.ts covers the file itself (format, damage, permissions); these cover the store's behaviour.
let dir: string
let file: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'td-vault-store-'))
  file = join(dir, 'vault.tdv')
})
afterEach(() => {
  derivedKeys.length = 0
  vi.useRealTimers()
  rmSync(dir, { recursive: true, force: true })
})

const PASS = 'correct horse battery'
const vault = (options: { autoLockMs?: number; log?: ReturnType<typeof createMemoryLogger> } = {}): VaultSecretStore =>
  new VaultSecretStore({ file, log: options.log ?? createMemoryLogger(), scrypt: TEST_SCRYPT, ...(options.autoLockMs === undefined ? {} : { autoLockMs: options.autoLockMs }) })

function listen(store: VaultSecretStore): { states: VaultState[]; stop: () => void } {
  const states: VaultState[] = []
  const stop = store.onStateChange((state) => states.push(state))
  return { states, stop: () => void stop() }
}

describe('vault health', () => {
  it('absent, then unlocked, then locked: each with what to do, and never ephemeral', async () => {
    const store = vault({ autoLockMs: 0 })
    const absent = await store.health()
    expect(absent).toMatchObject({ backend: 'vault', status: 'unavailable', errorCode: 'VAULT_NOT_INITIALIZED', location: file, ephemeral: false })
    expect(absent.fix).toMatch(/Create a vault/)
    await store.create(PASS)
    const unlocked = await store.health()
    expect(unlocked).toMatchObject({ backend: 'vault', status: 'ok', location: file, ephemeral: false })
    expect(unlocked.errorCode).toBeUndefined()
    store.lock()
    const locked = await store.health()
    expect(locked).toMatchObject({ backend: 'vault', status: 'locked', errorCode: 'VAULT_LOCKED', location: file, ephemeral: false })
    expect(locked.fix).toMatch(/Unlock/)
    for (const health of [absent, unlocked, locked]) expect(SecretStoreHealthSchema.parse(health)).toEqual(health)
  })
})

describe('vault refusals', () => {
  it('absent or locked: each refusal says what to do', async () => {
    const store = vault({ autoLockMs: 0 })
    await expect(store.get('credential/a/password')).rejects.toMatchObject({ code: 'VAULT_NOT_INITIALIZED', details: { fix: expect.stringContaining('Create a vault') } })
    await store.create(PASS)
    store.lock()
    await expect(store.keys()).rejects.toMatchObject({ code: 'VAULT_LOCKED', details: { fix: expect.stringContaining('Unlock') } })
    await expect(store.delete('credential/a/password')).rejects.toMatchObject({ code: 'VAULT_LOCKED' })
  })
})

describe('vault key material', () => {
  it('locking, disposing and changing the passphrase zero the keys they drop', async () => {
    const store = vault({ autoLockMs: 0 })
    await store.create(PASS)
    store.lock()
    await store.unlock(PASS)
    await store.changePassphrase(PASS, 'another passphrase')
    await store.dispose()
    expect(derivedKeys.length).toBeGreaterThanOrEqual(4)
    for (const key of derivedKeys) expect(key.master.every((byte) => byte === 0)).toBe(true)
  })
})

describe('vault passphrases', () => {
  it('8 characters are enough to create or change to, 7 are not', async () => {
    const store = vault({ autoLockMs: 0 })
    await expect(store.create('1234567')).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('8') })
    await store.create('12345678')
    await expect(store.changePassphrase('12345678', 'abcdefg')).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
    await store.changePassphrase('12345678', 'abcdefgh')
    await vault().unlock('abcdefgh')
  })

  it('changing the passphrase of a locked vault leaves it unlocked with its secrets', async () => {
    const store = vault({ autoLockMs: 0 })
    await store.create(PASS)
    await store.set('credential/a/password', 'kept-through-the-change')
    store.lock()
    const { states } = listen(store)
    await store.changePassphrase(PASS, 'another passphrase')
    expect(store.state()).toBe('unlocked')
    expect(states).toEqual(['unlocked'])
    expect(await store.get('credential/a/password')).toBe('kept-through-the-change')
    await store.set('credential/b/apiKey', 'written-with-the-new-key')
    const reopened = vault()
    await reopened.unlock('another passphrase')
    expect(await reopened.keys()).toEqual(['credential/a/password', 'credential/b/apiKey'])
  })

  it('a wrong passphrase while unlocked keeps the vault open', async () => {
    const store = vault({ autoLockMs: 0 })
    await store.create(PASS)
    await store.set('credential/a/password', 'still-readable')
    await expect(store.unlock('not the passphrase')).rejects.toMatchObject({ code: 'VAULT_WRONG_PASSPHRASE' })
    expect(await store.get('credential/a/password')).toBe('still-readable')
  })

  it('two creates at once make one vault and refuse the other', async () => {
    const store = vault({ autoLockMs: 0 })
    const results = await Promise.allSettled([store.create(PASS), store.create('other passphrase')])
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected'])
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({
      reason: { code: 'VAULT_ALREADY_EXISTS', details: { fix: expect.stringContaining('Unlock it'), file } }
    })
    await vault().unlock(results[0]!.status === 'fulfilled' ? PASS : 'other passphrase')
  })
})

describe('vault state changes', () => {
  it('listeners hear create, lock, unlock and passphrase changes; locking a locked vault says nothing', async () => {
    const store = vault({ autoLockMs: 0 })
    const { states } = listen(store)
    await store.create(PASS)
    store.lock()
    store.lock()
    await store.unlock(PASS)
    await store.changePassphrase(PASS, 'another passphrase')
    expect(states).toEqual(['unlocked', 'locked', 'unlocked', 'unlocked'])
  })

  it('a listener that unsubscribed hears nothing more', async () => {
    const store = vault({ autoLockMs: 0 })
    const { states, stop } = listen(store)
    await store.create(PASS)
    stop()
    store.lock()
    expect(states).toEqual(['unlocked'])
  })
})

describe('vault idle lock', () => {
  it('is 15 minutes unless configured, and reported in minutes', () => {
    expect(vault().autoLockMinutes()).toBe(15)
    expect(vault({ autoLockMs: 90_000 }).autoLockMinutes()).toBe(1.5)
  })

  it('0 never locks', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const store = vault({ autoLockMs: 0 })
    await store.create(PASS)
    vi.advanceTimersByTime(24 * 60 * 60_000)
    expect(store.state()).toBe('unlocked')
  })

  it('a new idle time applies at once to an unlocked vault', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const store = vault({ autoLockMs: 0 })
    await store.create(PASS)
    store.setAutoLockMs(60_000)
    expect(store.autoLockMinutes()).toBe(1)
    vi.advanceTimersByTime(59_000)
    expect(store.state()).toBe('unlocked')
    vi.advanceTimersByTime(1_000)
    expect(store.state()).toBe('locked')
  })

  it('turning it off stops a countdown already running', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const store = vault({ autoLockMs: 60_000 })
    await store.create(PASS)
    store.setAutoLockMs(0)
    vi.advanceTimersByTime(120_000)
    expect(store.state()).toBe('unlocked')
  })

  it('a locked vault has no countdown to report', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const log = createMemoryLogger()
    const store = vault({ autoLockMs: 0, log })
    await store.create(PASS)
    store.lock()
    store.setAutoLockMs(60_000)
    vi.advanceTimersByTime(120_000)
    expect(log.lines.filter((line) => line.includes('idle'))).toEqual([])
  })

  it('every read and write restarts the countdown', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const store = vault({ autoLockMs: 60_000 })
    await store.create(PASS)
    vi.advanceTimersByTime(50_000)
    await store.set('credential/a/password', 'v')
    vi.advanceTimersByTime(50_000)
    expect(await store.get('credential/none/password')).toBeNull()
    vi.advanceTimersByTime(50_000)
    expect(await store.keys()).toEqual(['credential/a/password'])
    vi.advanceTimersByTime(50_000)
    expect(await store.delete('credential/a/password')).toBe(true)
    vi.advanceTimersByTime(59_000)
    expect(store.state()).toBe('unlocked')
    vi.advanceTimersByTime(1_000)
    expect(store.state()).toBe('locked')
  })

  it('a disposed vault counts down no more', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const log = createMemoryLogger()
    const store = vault({ autoLockMs: 60_000, log })
    await store.create(PASS)
    await store.dispose()
    vi.advanceTimersByTime(120_000)
    expect(log.lines.filter((line) => line.includes('idle'))).toEqual([])
  })
})

describe('vault writes', () => {
  it('deleting a key that is not there answers false and leaves the file alone', async () => {
    const store = vault({ autoLockMs: 0 })
    await store.create(PASS)
    await store.set('credential/a/password', 'v')
    const before = readFileSync(file)
    expect(await store.delete('credential/none/password')).toBe(false)
    expect(readFileSync(file).equals(before)).toBe(true)
  })

  it('lists keys sorted, whatever order they were stored in', async () => {
    const store = vault({ autoLockMs: 0 })
    await store.create(PASS)
    for (const key of ['token-cache/key', 'credential/b/apiKey', 'credential/a/password']) await store.set(key, 'v')
    expect(await store.keys()).toEqual(['credential/a/password', 'credential/b/apiKey', 'token-cache/key'])
  })

  it('dispose lets a write in flight reach the file, then locks', async () => {
    const store = vault({ autoLockMs: 0 })
    await store.create(PASS)
    const before = readFileSync(file)
    const write = store.set('credential/a/password', 'written-before-exit')
    await store.dispose()
    expect(readFileSync(file).equals(before)).toBe(false)
    await write
    expect(store.state()).toBe('locked')
    await expect(store.get('credential/a/password')).rejects.toMatchObject({ code: 'VAULT_LOCKED' })
    const reopened = vault()
    await reopened.unlock(PASS)
    expect(await reopened.get('credential/a/password')).toBe('written-before-exit')
  })
})
