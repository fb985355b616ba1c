import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createMemoryLogger } from '../log'
import { createMemorySettingsStore } from '../settings/memory-settings-store'
import { createSecretsHandlers } from './handlers'
import { MemorySecretStore } from './memory-store'
import { SecretsService } from './service'
import { TEST_SCRYPT } from './testing/keyring-env'

let dir: string
let secrets: SecretsService
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'td-secrets-handlers-'))
  secrets = new SecretsService({
    settings: createMemorySettingsStore({ secrets: { backend: 'memory', chosenByUser: false, vaultAutoLockMinutes: 15 } }),
    log: createMemoryLogger(),
    vaultFile: join(dir, 'vault.tdv'),
    tokenCacheFile: join(dir, 'token-cache.tdv'),
    vaultScrypt: TEST_SCRYPT,
    // The keychain slot is memory too: no handler test may reach an OS keychain.
    stores: { keychain: new MemorySecretStore() }
  })
})
afterEach(async () => {
  await secrets.dispose()
  rmSync(dir, { recursive: true, force: true })
})

const PASS = 'vault passphrase'

describe('secret-store command handlers', () => {
  it('secrets.status probes the other backends only when asked', async () => {
    const handlers = createSecretsHandlers(secrets)
    expect((await handlers['secrets.status']({ probeAlternatives: false })).alternatives).toEqual([])
    const probed = await handlers['secrets.status']({ probeAlternatives: true })
    expect(probed.active.backend).toBe('memory')
    expect(probed.alternatives).toHaveLength(2)
  })

  it('secrets.chooseBackend answers what moved and the status after the switch, without probing', async () => {
    const handlers = createSecretsHandlers(secrets)
    await secrets.store.set('credential/a/password', 'moved-by-command')
    await handlers['vault.create']({ passphrase: PASS })
    const answer = await handlers['secrets.chooseBackend']({ backend: 'vault', moveSecrets: true })
    expect(answer).toMatchObject({ moved: 1, leftBehind: 0, status: { active: { backend: 'vault', status: 'ok' }, backendChosen: true, alternatives: [] } })
    expect(JSON.stringify(answer)).not.toContain('moved-by-command')
  })

  it('secrets.chooseBackend without moving leaves the secrets behind', async () => {
    const handlers = createSecretsHandlers(secrets)
    await secrets.store.set('credential/a/password', 'stays-in-memory')
    await handlers['vault.create']({ passphrase: PASS })
    expect(await handlers['secrets.chooseBackend']({ backend: 'vault', moveSecrets: false })).toMatchObject({ moved: 0, leftBehind: 0 })
    expect(await secrets.memory.get('credential/a/password')).toBe('stays-in-memory')
  })

  it('the vault commands answer the vault state and nothing else', async () => {
    const handlers = createSecretsHandlers(secrets)
    const path = join(dir, 'vault.tdv')
    expect(await handlers['vault.create']({ passphrase: PASS })).toEqual({ state: 'unlocked', path, autoLockMinutes: 15 })
    expect(await handlers['vault.lock']({})).toEqual({ state: 'locked', path, autoLockMinutes: 15 })
    await expect(handlers['vault.unlock']({ passphrase: 'not the passphrase' })).rejects.toMatchObject({ code: 'VAULT_WRONG_PASSPHRASE' })
    expect(await handlers['vault.unlock']({ passphrase: PASS })).toEqual({ state: 'unlocked', path, autoLockMinutes: 15 })
    expect(await handlers['vault.changePassphrase']({ current: PASS, next: 'the next passphrase' })).toEqual({ state: 'unlocked', path, autoLockMinutes: 15 })
    expect(await handlers['vault.setAutoLock']({ minutes: 5 })).toEqual({ state: 'unlocked', path, autoLockMinutes: 5 })
    secrets.lockVault()
    await expect(handlers['vault.unlock']({ passphrase: PASS })).rejects.toMatchObject({ code: 'VAULT_WRONG_PASSPHRASE' })
    expect(await handlers['vault.unlock']({ passphrase: 'the next passphrase' })).toMatchObject({ state: 'unlocked' })
  })
})
