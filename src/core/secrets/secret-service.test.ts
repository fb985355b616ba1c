import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SecretBackend, SecretStoreHealth } from '../../shared/contract'
import { AppError } from '../../shared/errors'
import { createMemoryLogger } from '../log'
import { createMemorySettingsStore } from '../settings/memory-settings-store'
import { KeychainSecretStore, type KeytarApi } from './keychain-store'
import { MemorySecretStore } from './memory-store'
import { TOKEN_CACHE_KEY_NAME, type SecretStore } from './port'
import { SecretsService } from './service'
import { TEST_SCRYPT } from './testing/keyring-env'

// No OS keychain here: the keychain is KeychainSecretStore over an injected keytar (safe inside Stryker).
function memoryKeytar(): KeytarApi {
  const items = new Map<string, string>()
  return {
    getPassword: async (_service, account) => items.get(account) ?? null,
    setPassword: async (_service, account, password) => void items.set(account, password),
    deletePassword: async (_service, account) => items.delete(account)
  }
}
const workingKeychain = (): SecretStore => new KeychainSecretStore({ log: createMemoryLogger(), loadKeytar: async () => memoryKeytar() })
const missingKeychain = (): SecretStore =>
  new KeychainSecretStore({
    log: createMemoryLogger(),
    loadKeytar: async () => {
      throw new Error("Cannot find module 'keytar'")
    }
  })

/** A backend that says it cannot be used without saying why. */
class SilentlyBrokenStore extends MemorySecretStore {
  override async health(): Promise<SecretStoreHealth> {
    return { backend: 'keychain', status: 'unavailable', ephemeral: false, checkedAt: Date.now() }
  }
}

/** Stores something other than what it was given, like keytar truncating at a NUL. */
class ManglingStore extends MemorySecretStore {
  override async set(key: string, value: string): Promise<void> {
    await super.set(key, `${value}-mangled`)
  }
}

/** Writes wait until the test opens the gate. */
class GatedStore extends MemorySecretStore {
  private release!: () => void
  private readonly opened = new Promise<void>((resolve) => (this.release = resolve))
  open(): void {
    this.release()
  }
  override async set(key: string, value: string): Promise<void> {
    await this.opened
    await super.set(key, value)
  }
}

let dir: string
const services: SecretsService[] = []
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'td-secret-service-'))
})
afterEach(async () => {
  for (const secrets of services.splice(0)) await secrets.dispose()
  rmSync(dir, { recursive: true, force: true })
})

interface Setup {
  backend?: SecretBackend
  chosenByUser?: boolean
  vaultAutoLockMinutes?: number
  createKeychain?: () => SecretStore
  stores?: Partial<Record<'keychain' | 'memory', SecretStore>>
}

function service(setup: Setup = {}) {
  const settings = createMemorySettingsStore({
    secrets: { backend: setup.backend ?? 'memory', chosenByUser: setup.chosenByUser ?? false, vaultAutoLockMinutes: setup.vaultAutoLockMinutes ?? 15 }
  })
  const log = createMemoryLogger()
  const secrets = new SecretsService({
    settings,
    log,
    vaultFile: join(dir, 'vault.tdv'),
    tokenCacheFile: join(dir, 'token-cache.tdv'),
    vaultScrypt: TEST_SCRYPT,
    createKeychain: setup.createKeychain ?? workingKeychain,
    ...(setup.stores ? { stores: setup.stores } : {})
  })
  services.push(secrets)
  let changes = 0
  secrets.onChange(() => changes++)
  return { secrets, settings, log, changes: () => changes }
}

const PASS = 'vault passphrase'

describe('the backend in use', () => {
  it('is the configured one even when it cannot work: the failure is reported, never replaced', async () => {
    const { secrets } = service({ backend: 'keychain', chosenByUser: true, createKeychain: missingKeychain })
    expect(secrets.backend).toBe('keychain')
    expect(secrets.store.backend).toBe('keychain')
    expect((await secrets.status()).active).toMatchObject({ backend: 'keychain', status: 'unavailable', errorCode: 'KEYCHAIN_UNAVAILABLE' })
    await expect(secrets.store.set('credential/a/password', 'nowhere-to-go')).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' })
    expect(await secrets.memory.keys()).toEqual([])
  })

  it('the keychain is only created when first needed, and only once', async () => {
    let created = 0
    const { secrets } = service({
      createKeychain: () => {
        created++
        return workingKeychain()
      }
    })
    expect((await secrets.status(false)).alternatives).toEqual([])
    expect(created).toBe(0)
    const status = await secrets.status(true)
    expect(status.active.backend).toBe('memory')
    expect(status.alternatives.map((health) => [health.backend, health.status])).toEqual([
      ['keychain', 'ok'],
      ['vault', 'unavailable']
    ])
    await secrets.status(true)
    expect(created).toBe(1)
  })

  it('without an injected keychain, the system keychain store is made on first use, once', () => {
    const secrets = new SecretsService({
      settings: createMemorySettingsStore({ secrets: { backend: 'memory', chosenByUser: false, vaultAutoLockMinutes: 15 } }),
      log: createMemoryLogger(),
      vaultFile: join(dir, 'vault.tdv'),
      tokenCacheFile: join(dir, 'token-cache.tdv')
    })
    services.push(secrets)
    // Only made, never asked: asking would load keytar and reach the OS keychain (keychain tests do that).
    const keychain = secrets.backendStore('keychain')
    expect(keychain).toBeInstanceOf(KeychainSecretStore)
    expect(secrets.backendStore('keychain')).toBe(keychain)
  })

  it('a ready-made store stands in for the backend it is given for', async () => {
    const memory = new MemorySecretStore()
    await memory.set('credential/given/password', 'from-the-given-store')
    const { secrets } = service({ stores: { memory } })
    expect(await secrets.store.get('credential/given/password')).toBe('from-the-given-store')
  })

  it('status says whether the user chose, and describes the vault from the settings', async () => {
    const { secrets } = service({ vaultAutoLockMinutes: 5 })
    expect(await secrets.status()).toMatchObject({
      active: { backend: 'memory', status: 'ok' },
      backendChosen: false,
      vault: { state: 'absent', path: join(dir, 'vault.tdv'), autoLockMinutes: 5 },
      alternatives: []
    })
    await secrets.chooseBackend('memory', false)
    expect((await secrets.status()).backendChosen).toBe(true)
  })
})

describe('choosing a backend', () => {
  it('the one already in use: the choice is recorded and nothing moves', async () => {
    const { secrets, settings } = service()
    await secrets.store.set('credential/a/password', 'stays-put')
    expect(await secrets.chooseBackend('memory', true)).toEqual({ moved: 0, leftBehind: 0 })
    expect(settings.get().secrets).toMatchObject({ backend: 'memory', chosenByUser: true })
    expect(await secrets.memory.get('credential/a/password')).toBe('stays-put')
  })

  it('a target that cannot be used is refused with its own code, reason and fix, and nothing changes', async () => {
    const { secrets, settings } = service({ createKeychain: missingKeychain })
    const refusal = await secrets.chooseBackend('keychain', false).catch((error: unknown) => error)
    expect(refusal).toBeInstanceOf(AppError)
    expect(refusal).toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE', message: expect.stringContaining('keytar'), details: { fix: expect.any(String) } })
    expect(secrets.backend).toBe('memory')
    expect(settings.get().secrets).toMatchObject({ backend: 'memory', chosenByUser: false })
  })

  it('a target that gives no reason is still refused, naming the backend', async () => {
    const { secrets } = service({ stores: { keychain: new SilentlyBrokenStore() } })
    const refusal = await secrets.chooseBackend('keychain', false).catch((error: unknown) => error)
    expect(refusal).toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE', message: 'The keychain cannot be used.', details: {} })
    expect(secrets.backend).toBe('memory')
  })

  it('without moving: the secrets stay in the old backend and the new one is used from now on', async () => {
    const { secrets, settings } = service()
    await secrets.store.set('credential/a/password', 'left-in-memory')
    await secrets.createVault(PASS)
    expect(await secrets.chooseBackend('vault', false)).toEqual({ moved: 0, leftBehind: 0 })
    expect(secrets.backend).toBe('vault')
    expect(secrets.store.backend).toBe('vault')
    expect(settings.get().secrets).toMatchObject({ backend: 'vault', chosenByUser: true })
    expect(await secrets.store.get('credential/a/password')).toBeNull()
    expect(await secrets.vault.keys()).toEqual([])
    expect(await secrets.memory.get('credential/a/password')).toBe('left-in-memory')
  })

  it('moving to a persistent backend empties the old one', async () => {
    const { secrets } = service()
    await secrets.store.set('credential/a/password', 'moved-secret')
    await secrets.createVault(PASS)
    expect(await secrets.chooseBackend('vault', true)).toEqual({ moved: 1, leftBehind: 0 })
    expect(await secrets.store.get('credential/a/password')).toBe('moved-secret')
    expect(await secrets.memory.keys()).toEqual([])
  })

  it('moving into memory keeps the persistent copy', async () => {
    const { secrets } = service({ backend: 'vault', chosenByUser: true })
    await secrets.createVault(PASS)
    await secrets.store.set('credential/a/password', 'persistent')
    expect(await secrets.chooseBackend('memory', true)).toEqual({ moved: 1, leftBehind: 1 })
    expect(await secrets.store.get('credential/a/password')).toBe('persistent')
    expect(await secrets.vault.get('credential/a/password')).toBe('persistent')
  })

  it('secrets that cannot be read are not moved: SECRET_MIGRATION_FAILED says why and how to switch anyway', async () => {
    const { secrets } = service({ backend: 'vault', chosenByUser: true })
    await secrets.createVault(PASS)
    await secrets.store.set('credential/a/password', 'locked-away')
    secrets.lockVault()
    const refusal = await secrets.chooseBackend('memory', true).catch((error: unknown) => error)
    expect(refusal).toMatchObject({
      code: 'SECRET_MIGRATION_FAILED',
      message: expect.stringMatching(/vault cannot be read.*locked/),
      details: { cause: 'VAULT_LOCKED', fix: expect.stringContaining('without moving secrets') }
    })
    expect(secrets.backend).toBe('vault')
    expect(await secrets.chooseBackend('memory', false)).toEqual({ moved: 0, leftBehind: 0 })
    expect(secrets.backend).toBe('memory')
  })

  it('a source that fails with a plain error is named without a cause', async () => {
    const broken = new SilentlyBrokenStore()
    broken.health = async () => {
      throw new Error('bus gone')
    }
    const { secrets } = service({ backend: 'keychain', chosenByUser: true, stores: { keychain: broken } })
    const refusal = await secrets.chooseBackend('memory', true).catch((error: unknown) => error)
    expect(refusal).toMatchObject({ code: 'SECRET_MIGRATION_FAILED', message: expect.stringContaining('bus gone') })
    expect((refusal as AppError).details).not.toHaveProperty('cause')
  })

  it('two choices made at once run one after the other: the last one wins', async () => {
    const { secrets, settings } = service()
    await secrets.store.set('credential/a/password', 'travels-twice')
    await secrets.createVault(PASS)
    const results = await Promise.all([secrets.chooseBackend('vault', true), secrets.chooseBackend('memory', true)])
    expect(results).toEqual([
      { moved: 1, leftBehind: 0 },
      { moved: 1, leftBehind: 1 }
    ])
    expect(secrets.backend).toBe('memory')
    expect(settings.get().secrets.backend).toBe('memory')
    expect(await secrets.store.get('credential/a/password')).toBe('travels-twice')
  })

  it('a failed choice does not block the next one', async () => {
    const { secrets } = service()
    await expect(secrets.chooseBackend('vault', true)).rejects.toMatchObject({ code: 'VAULT_NOT_INITIALIZED' })
    await secrets.createVault(PASS)
    expect(await secrets.chooseBackend('vault', true)).toEqual({ moved: 0, leftBehind: 0 })
    expect(secrets.backend).toBe('vault')
  })

  it('a write already running when a move starts finishes first and is moved with the rest', async () => {
    const memory = new GatedStore()
    const { secrets } = service({ stores: { memory } })
    await secrets.createVault(PASS)
    const write = secrets.store.set('credential/a/password', 'in-flight')
    await new Promise((resolve) => setImmediate(resolve))
    const move = secrets.chooseBackend('vault', true)
    await new Promise((resolve) => setImmediate(resolve))
    memory.open()
    await Promise.all([write, move])
    expect(await secrets.vault.get('credential/a/password')).toBe('in-flight')
    expect(await memory.keys()).toEqual([])
  })

  it('calls made while a move runs wait for it and reach the new backend', async () => {
    const { secrets } = service()
    await secrets.store.set('credential/a/password', 'first')
    await secrets.store.set('credential/b/password', 'second')
    await secrets.createVault(PASS)
    const move = secrets.chooseBackend('vault', true)
    const calls = Promise.all([
      secrets.store.set('credential/c/password', 'written-during-move'),
      secrets.store.delete('credential/b/password'),
      secrets.store.get('credential/a/password'),
      secrets.store.health()
    ])
    const [, deleted, value, health] = await calls
    await move
    expect(deleted).toBe(true)
    expect(value).toBe('first')
    expect(health.backend).toBe('vault')
    expect(await secrets.vault.keys()).toEqual(['credential/a/password', 'credential/c/password'])
    expect(await secrets.memory.keys()).toEqual([])
  })

  it('listeners hear about every choice, failed ones included, until they unsubscribe', async () => {
    const { secrets, changes } = service()
    await secrets.chooseBackend('vault', false).catch(() => undefined)
    expect(changes()).toBe(1)
    const seen: string[] = []
    const stop = secrets.onChange(() => seen.push(secrets.backend))
    await secrets.chooseBackend('memory', false)
    stop()
    await secrets.chooseBackend('memory', false)
    expect(seen).toEqual(['memory'])
    expect(changes()).toBe(3)
  })
})

describe('the token cache key when switching without moving', () => {
  async function cacheWithToken(secrets: SecretsService): Promise<void> {
    const cache = await secrets.tokenCache()
    cache.set('tok', 'issued-token')
    await cache.flush()
  }

  it('is copied, so issued tokens stay readable', async () => {
    const { secrets } = service()
    await cacheWithToken(secrets)
    await secrets.createVault(PASS)
    await secrets.chooseBackend('vault', false)
    expect(await secrets.vault.keys()).toEqual([TOKEN_CACHE_KEY_NAME])
    expect((await secrets.tokenCache()).get('tok')).toBe('issued-token')
  })

  it('never replaces a key the target already holds', async () => {
    const { secrets } = service()
    await cacheWithToken(secrets)
    await secrets.createVault(PASS)
    await secrets.vault.set(TOKEN_CACHE_KEY_NAME, 'the-vaults-own-key')
    await secrets.chooseBackend('vault', false)
    expect(await secrets.vault.get(TOKEN_CACHE_KEY_NAME)).toBe('the-vaults-own-key')
  })

  it('is removed again when the target does not read it back identical', async () => {
    const { secrets } = service({ stores: { keychain: new ManglingStore() } })
    await cacheWithToken(secrets)
    await secrets.chooseBackend('keychain', false)
    expect(await secrets.store.keys()).toEqual([])
  })

  it('that cannot be copied is only logged, with the reason code: the switch goes on', async () => {
    const target = new MemorySecretStore()
    target.set = async () => {
      throw new AppError('KEYCHAIN_LOCKED', 'locked')
    }
    const { secrets, log } = service({ stores: { keychain: target } })
    await cacheWithToken(secrets)
    await secrets.chooseBackend('keychain', false)
    expect(secrets.backend).toBe('keychain')
    expect(log.lines.filter((line) => line.includes('token cache key not carried from memory to keychain'))).toEqual([
      expect.stringContaining('KEYCHAIN_LOCKED')
    ])
  })
})

describe('the token cache', () => {
  it('is opened once and reopened after a switch, with the same tokens', async () => {
    const { secrets } = service()
    const first = await secrets.tokenCache()
    expect(await secrets.tokenCache()).toBe(first)
    first.set('tok', 'issued-token')
    await secrets.createVault(PASS)
    await secrets.chooseBackend('vault', true)
    const second = await secrets.tokenCache()
    expect(second).not.toBe(first)
    expect(second.get('tok')).toBe('issued-token')
  })

  it('a failed open is tried again on the next call', async () => {
    const memory = new MemorySecretStore()
    const get = memory.get.bind(memory)
    let failures = 1
    memory.get = async (key) => {
      if (failures-- > 0) throw new AppError('KEYCHAIN_TIMEOUT', 'slow')
      return get(key)
    }
    const { secrets } = service({ stores: { memory } })
    await expect(secrets.tokenCache()).rejects.toMatchObject({ code: 'KEYCHAIN_TIMEOUT' })
    const cache = await secrets.tokenCache()
    cache.set('tok', 'issued-token')
    expect(cache.get('tok')).toBe('issued-token')
  })
})

describe('demo mode without a usable keychain', () => {
  it('uses memory for this run only, without recording a choice', () => {
    const { secrets, settings, changes } = service({ backend: 'keychain', createKeychain: missingKeychain })
    expect(secrets.useMemoryUntilChosen()).toBe(true)
    expect(secrets.backend).toBe('memory')
    expect(settings.get().secrets).toMatchObject({ backend: 'keychain', chosenByUser: false })
    expect(changes()).toBe(1)
    expect(secrets.useMemoryUntilChosen()).toBe(false)
    expect(changes()).toBe(1)
  })

  it('leaves a choice the user made alone', () => {
    const { secrets, changes } = service({ backend: 'keychain', chosenByUser: true, createKeychain: missingKeychain })
    expect(secrets.useMemoryUntilChosen()).toBe(false)
    expect(secrets.backend).toBe('keychain')
    expect(changes()).toBe(0)
  })

  it('reopens the token cache with the memory backend', async () => {
    const { secrets } = service({ backend: 'vault' })
    await secrets.createVault(PASS)
    const before = await secrets.tokenCache()
    secrets.useMemoryUntilChosen()
    const after = await secrets.tokenCache()
    expect(after).not.toBe(before)
    expect(await secrets.memory.keys()).toEqual([TOKEN_CACHE_KEY_NAME])
  })
})

describe('vault commands', () => {
  it('create, lock, unlock and change the passphrase, answering the vault state', async () => {
    const { secrets } = service()
    expect(await secrets.createVault(PASS)).toEqual({ state: 'unlocked', path: join(dir, 'vault.tdv'), autoLockMinutes: 15 })
    expect(secrets.lockVault()).toMatchObject({ state: 'locked' })
    expect(await secrets.unlockVault(PASS)).toMatchObject({ state: 'unlocked' })
    expect(await secrets.changeVaultPassphrase(PASS, 'the next passphrase')).toMatchObject({ state: 'unlocked' })
    secrets.lockVault()
    await expect(secrets.unlockVault(PASS)).rejects.toMatchObject({ code: 'VAULT_WRONG_PASSPHRASE' })
    expect(await secrets.unlockVault('the next passphrase')).toMatchObject({ state: 'unlocked' })
  })

  it('uses the cheap scrypt cost it was given', async () => {
    const { secrets } = service()
    await secrets.createVault(PASS)
    expect(readFileSync(join(dir, 'vault.tdv')).toString('latin1')).toContain('"N":1024,')
  })

  it('passphrases and secret values never reach the log', async () => {
    const { secrets, log } = service()
    await secrets.createVault('created-passphrase')
    await secrets.changeVaultPassphrase('created-passphrase', 'changed-passphrase')
    secrets.lockVault()
    await secrets.unlockVault('changed-passphrase')
    await secrets.store.set('credential/a/password', 'value-set-through-the-store')
    await secrets.memory.set('credential/b/password', 'value-only-read-through-the-store')
    expect(await secrets.store.get('credential/b/password')).toBe('value-only-read-through-the-store')
    expect(await secrets.store.get('credential/none/password')).toBeNull()
    log.error('test', 'created-passphrase changed-passphrase value-set-through-the-store value-only-read-through-the-store')
    expect(log.lines.at(-1)).toBe('error [test] [redacted] [redacted] [redacted] [redacted]')
  })

  it('a new idle time is saved, applied and announced', async () => {
    const { secrets, settings, changes } = service()
    await secrets.createVault(PASS)
    const before = changes()
    expect(secrets.setVaultAutoLock(5)).toMatchObject({ state: 'unlocked', autoLockMinutes: 5 })
    expect(settings.get().secrets.vaultAutoLockMinutes).toBe(5)
    expect(secrets.vault.autoLockMinutes()).toBe(5)
    expect(changes()).toBe(before + 1)
  })

  it('a vault that locks by itself is announced', async () => {
    const { secrets, changes } = service()
    await secrets.createVault(PASS)
    const before = changes()
    secrets.vault.lock()
    expect(changes()).toBe(before + 1)
  })
})

describe('dispose', () => {
  it('writes tokens issued since the last flush', async () => {
    const { secrets } = service({ backend: 'vault', chosenByUser: true })
    await secrets.createVault(PASS)
    const cache = await secrets.tokenCache()
    cache.set('tok', 'issued-just-before-exit')
    await secrets.dispose()
    const { secrets: reopened } = service({ backend: 'vault', chosenByUser: true })
    await reopened.unlockVault(PASS)
    expect((await reopened.tokenCache()).get('tok')).toBe('issued-just-before-exit')
  })

  it('completes while the token cache is still opening and then fails', async () => {
    const memory = new MemorySecretStore()
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    memory.get = async () => {
      await gate
      throw new AppError('KEYCHAIN_TIMEOUT', 'slow')
    }
    const { secrets } = service({ stores: { memory } })
    const opening = secrets.tokenCache()
    const disposing = secrets.dispose()
    release()
    await expect(opening).rejects.toMatchObject({ code: 'KEYCHAIN_TIMEOUT' })
    await expect(disposing).resolves.toBeUndefined()
  })


  it('waits for a move, flushes the token cache, locks the vault and forgets memory, without creating a keychain', async () => {
    let created = 0
    const { secrets } = service({
      createKeychain: () => {
        created++
        return workingKeychain()
      }
    })
    await secrets.store.set('credential/a/password', 'moving-at-exit')
    await secrets.createVault(PASS)
    const cache = await secrets.tokenCache()
    cache.set('tok', 'issued-before-exit')
    const move = secrets.chooseBackend('vault', true)
    await secrets.dispose()
    expect(await move).toEqual({ moved: 2, leftBehind: 0 })
    expect(secrets.vault.state()).toBe('locked')
    expect(await secrets.memory.keys()).toEqual([])
    expect(created).toBe(0)

    const { secrets: reopened } = service({ backend: 'vault', chosenByUser: true })
    await reopened.unlockVault(PASS)
    expect(await reopened.store.get('credential/a/password')).toBe('moving-at-exit')
    expect((await reopened.tokenCache()).get('tok')).toBe('issued-before-exit')
  })
})
