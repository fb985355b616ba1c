import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AppError } from '../../shared/errors'
import { createMemoryLogger } from '../log'
import { createMemorySettingsStore } from '../settings/memory-settings-store'
import { MemorySecretStore } from './memory-store'
import { migrateSecrets } from './migrate'
import { SecretsService } from './service'
import { TEST_SCRYPT } from './testing/keyring-env'
import { AWKWARD_VALUES } from './testing/contract-suite'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'td-migrate-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

async function seeded(): Promise<MemorySecretStore> {
  const store = new MemorySecretStore()
  for (const [i, [, value]] of AWKWARD_VALUES.entries()) await store.set(`credential/m${i}/secret`, value)
  return store
}

/** A target that fails on the n-th write, like a keychain that locks or a disk that fills mid-move. */
class FailingStore extends MemorySecretStore {
  writes = 0
  constructor(private readonly failAt: number) {
    super()
  }
  override async set(key: string, value: string): Promise<void> {
    if (++this.writes === this.failAt) throw new AppError('KEYCHAIN_LOCKED', 'locked')
    await super.set(key, value)
  }
}

/** A target that silently mangles values (keytar without the codec: NUL truncates). */
class TruncatingStore extends MemorySecretStore {
  override async set(key: string, value: string): Promise<void> {
    await super.set(key, value.split('\0')[0]!)
  }
}

describe('moving secrets between backends', () => {
  it('copies, verifies, commits, then deletes: every awkward value arrives identical', async () => {
    const from = await seeded()
    const to = new MemorySecretStore()
    const order: string[] = []
    const result = await migrateSecrets(from, to, { log: createMemoryLogger(), commit: async () => void order.push(`commit with ${(await from.keys()).length} still in old`) })
    expect(result).toEqual({ moved: AWKWARD_VALUES.length, leftBehind: 0 })
    expect(order).toEqual([`commit with ${AWKWARD_VALUES.length} still in old`])
    expect(await from.keys()).toEqual([])
    for (const [i, [, value]] of AWKWARD_VALUES.entries()) expect(await to.get(`credential/m${i}/secret`)).toBe(value)
  })

  it.each([1, 4, AWKWARD_VALUES.length])('a failure on write %i stops before the commit and deletes nothing', async (failAt) => {
    const from = await seeded()
    let committed = false
    await expect(
      migrateSecrets(from, new FailingStore(failAt), { log: createMemoryLogger(), commit: async () => void (committed = true) })
    ).rejects.toMatchObject({ code: 'SECRET_MIGRATION_FAILED', details: { cause: 'KEYCHAIN_LOCKED' } })
    expect(committed).toBe(false)
    expect((await from.keys()).length).toBe(AWKWARD_VALUES.length)
  })

  it('a value that does not read back identical stops the move', async () => {
    const from = await seeded()
    await expect(migrateSecrets(from, new TruncatingStore(), { log: createMemoryLogger(), commit: async () => undefined })).rejects.toMatchObject({
      code: 'SECRET_MIGRATION_FAILED'
    })
    expect((await from.keys()).length).toBe(AWKWARD_VALUES.length)
  })

  it('a failing commit (settings unwritable) deletes nothing from the old backend', async () => {
    const from = await seeded()
    await expect(
      migrateSecrets(from, new MemorySecretStore(), {
        log: createMemoryLogger(),
        commit: async () => {
          throw new AppError('SETTINGS_IO', 'disk full')
        }
      })
    ).rejects.toMatchObject({ code: 'SETTINGS_IO' })
    expect((await from.keys()).length).toBe(AWKWARD_VALUES.length)
  })

  it('failing deletes after the commit leave duplicates, not losses', async () => {
    const from = await seeded()
    from.delete = async () => {
      throw new AppError('KEYCHAIN_TIMEOUT', 'slow')
    }
    const to = new MemorySecretStore()
    const result = await migrateSecrets(from, to, { log: createMemoryLogger(), commit: async () => undefined })
    expect(result).toEqual({ moved: AWKWARD_VALUES.length, leftBehind: AWKWARD_VALUES.length })
    expect((await to.keys()).length).toBe(AWKWARD_VALUES.length)
  })
})

describe('SecretsService.chooseBackend', () => {
  function service(settings = createMemorySettingsStore({ secrets: { backend: 'memory', chosenByUser: false, vaultAutoLockMinutes: 15 } })) {
    return new SecretsService({
      settings,
      log: createMemoryLogger(),
      vaultFile: join(dir, 'vault.tdv'),
      tokenCacheFile: join(dir, 'token-cache.tdv'),
      vaultScrypt: TEST_SCRYPT
    })
  }

  it('memory → vault: refuses while the vault is absent or locked, then moves everything and persists the choice', async () => {
    const settings = createMemorySettingsStore({ secrets: { backend: 'memory', chosenByUser: false, vaultAutoLockMinutes: 15 } })
    const secrets = service(settings)
    await secrets.store.set('credential/a/password', 'moving-secret')
    await expect(secrets.chooseBackend('vault', true)).rejects.toMatchObject({ code: 'VAULT_NOT_INITIALIZED' })
    await secrets.createVault('vault passphrase')
    secrets.lockVault()
    await expect(secrets.chooseBackend('vault', true)).rejects.toMatchObject({ code: 'VAULT_LOCKED' })
    expect(secrets.backend).toBe('memory')
    await secrets.unlockVault('vault passphrase')
    expect(await secrets.chooseBackend('vault', true)).toEqual({ moved: 1, leftBehind: 0 })
    expect(secrets.backend).toBe('vault')
    expect(settings.get().secrets).toMatchObject({ backend: 'vault', chosenByUser: true })
    expect(await secrets.store.get('credential/a/password')).toBe('moving-secret')
    expect(await secrets.memory.keys()).toEqual([])
    const status = await secrets.status(true)
    expect(status).toMatchObject({ active: { backend: 'vault', status: 'ok' }, backendChosen: true, vault: { state: 'unlocked' } })
    expect(status.alternatives.map((h) => h.backend).sort()).toEqual(['keychain', 'memory'])
  })

  it('writes issued while a move runs wait for it and land in the new backend', async () => {
    const secrets = service()
    for (let i = 0; i < 20; i++) await secrets.store.set(`credential/p${i}/secret`, `v${i}`)
    await secrets.createVault('vault passphrase')
    const move = secrets.chooseBackend('vault', true)
    const lateWrite = secrets.store.set('credential/late/secret', 'written-during-move')
    await Promise.all([move, lateWrite])
    expect(await secrets.vault.get('credential/late/secret')).toBe('written-during-move')
    expect(await secrets.memory.keys()).toEqual([])
    expect((await secrets.vault.keys()).length).toBe(21)
  })

  it('switching without moving secrets still carries the token cache key (tokens stay readable)', async () => {
    const secrets = service()
    await secrets.store.set('credential/stay/password', 'stays-in-memory')
    const cache = await secrets.tokenCache()
    cache.set('tok', 'issued-token')
    await cache.flush()
    await secrets.createVault('vault passphrase')
    expect(await secrets.chooseBackend('vault', false)).toEqual({ moved: 0, leftBehind: 0 })
    expect(await secrets.vault.keys()).toEqual(['token-cache/key'])
    expect((await secrets.tokenCache()).get('tok')).toBe('issued-token')
    await secrets.dispose()
  })

  it('the token cache key moves with the other secrets', async () => {
    const secrets = service()
    const cache = await secrets.tokenCache()
    cache.set('tok', 'issued-token')
    await cache.flush()
    await secrets.createVault('vault passphrase')
    await secrets.chooseBackend('vault', true)
    const reopened = await secrets.tokenCache()
    expect(reopened.get('tok')).toBe('issued-token')
    await secrets.dispose()
  })
})

describe('moving into memory', () => {
  it('copies but never empties the persistent backend (memory vanishes on exit)', async () => {
    const settings = createMemorySettingsStore({ secrets: { backend: 'vault', chosenByUser: true, vaultAutoLockMinutes: 15 } })
    const secrets = new SecretsService({ settings, log: createMemoryLogger(), vaultFile: join(dir, 'vault.tdv'), tokenCacheFile: join(dir, 'c.tdv'), vaultScrypt: TEST_SCRYPT })
    await secrets.createVault('vault passphrase')
    await secrets.store.set('credential/a/password', 'persistent')
    expect(await secrets.chooseBackend('memory', true)).toEqual({ moved: 1, leftBehind: 1 })
    expect(await secrets.store.get('credential/a/password')).toBe('persistent')
    expect(await secrets.vault.get('credential/a/password')).toBe('persistent')
  })

  it('registers every value and passphrase with the log redactor', async () => {
    const log = createMemoryLogger()
    const secrets = new SecretsService({ settings: createMemorySettingsStore(), log, vaultFile: join(dir, 'vault.tdv'), tokenCacheFile: join(dir, 'c.tdv'), vaultScrypt: TEST_SCRYPT })
    await secrets.createVault('redact-this-passphrase')
    await secrets.chooseBackend('vault', false)
    await secrets.store.set('credential/a/password', 'redact-this-value')
    log.error('test', 'oops redact-this-value and redact-this-passphrase')
    expect(log.lines.at(-1)).toBe('error [test] oops [redacted] and [redacted]')
  })
})
