/**
 * Format compatibility: files written by TokenDesk 0.1.0 (encrypted-file format 1) open in this
 * build with exactly their values, through every layer that reads them. See testing/golden/golden.ts.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createMemoryLogger } from '../log'
import { openItems, readEncryptedFile } from './encrypted-file'
import { MemorySecretStore } from './memory-store'
import { TOKEN_CACHE_KEY_NAME } from './port'
import {
  GOLDEN_PASSPHRASE,
  GOLDEN_SCRYPT,
  GOLDEN_TOKEN_CACHE_FILE,
  GOLDEN_TOKEN_CACHE_ITEMS,
  GOLDEN_TOKEN_CACHE_KEY_B64,
  GOLDEN_VAULT_FILE,
  GOLDEN_VAULT_ITEMS
} from './testing/golden/golden'
import { TokenCache } from './token-cache'
import { VaultSecretStore } from './vault-store'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'td-golden-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** A copy, so no test can ever rewrite a committed golden file. */
function copyOf(file: string, name: string): string {
  const target = join(dir, name)
  copyFileSync(file, target)
  return target
}

describe('golden files of encrypted-file format 1 (TokenDesk 0.1.0)', () => {
  it('the vault opens with its passphrase and holds exactly its values (NUL, lone surrogate, empty, long)', async () => {
    const opened = await readEncryptedFile(copyOf(GOLDEN_VAULT_FILE, 'vault.tdv'), 'vault', { kind: 'passphrase', passphrase: GOLDEN_PASSPHRASE })
    expect([...opened.items].sort()).toEqual([...GOLDEN_VAULT_ITEMS].map(([k, v]) => [k, v]).sort())
    expect(opened.key.kdf).toMatchObject({ name: 'scrypt', ...GOLDEN_SCRYPT })
  })

  it('the passphrase is compared in NFC: the NFD spelling of the same words opens it too', async () => {
    const nfd = GOLDEN_PASSPHRASE.normalize('NFD')
    expect(nfd).not.toBe(GOLDEN_PASSPHRASE)
    const opened = await openItems(readFileSync(GOLDEN_VAULT_FILE), 'vault', { kind: 'passphrase', passphrase: nfd }, '/golden')
    expect(opened.items.get('credential/acct-1/password')).toBe('hunter2')
  })

  it('a wrong passphrase is VAULT_WRONG_PASSPHRASE, and the file is left as it was', async () => {
    const file = copyOf(GOLDEN_VAULT_FILE, 'vault.tdv')
    await expect(readEncryptedFile(file, 'vault', { kind: 'passphrase', passphrase: `${GOLDEN_PASSPHRASE}!` })).rejects.toMatchObject({
      code: 'VAULT_WRONG_PASSPHRASE'
    })
    expect(readFileSync(file).equals(readFileSync(GOLDEN_VAULT_FILE))).toBe(true)
  })

  it('VaultSecretStore unlocks it and reads every item by key', async () => {
    const vault = new VaultSecretStore({ file: copyOf(GOLDEN_VAULT_FILE, 'vault.tdv'), log: createMemoryLogger(), autoLockMs: 0 })
    expect(vault.state()).toBe('locked')
    await vault.unlock(GOLDEN_PASSPHRASE)
    expect(await vault.keys()).toEqual(GOLDEN_VAULT_ITEMS.map(([k]) => k).sort())
    for (const [key, value] of GOLDEN_VAULT_ITEMS) expect(await vault.get(key)).toBe(value)
    await vault.dispose()
  })

  it('the token cache opens with its raw key and holds exactly its values', async () => {
    const opened = await readEncryptedFile(copyOf(GOLDEN_TOKEN_CACHE_FILE, 'token-cache.tdv'), 'token-cache', {
      kind: 'raw',
      key: Buffer.from(GOLDEN_TOKEN_CACHE_KEY_B64, 'base64')
    })
    expect([...opened.items].sort()).toEqual([...GOLDEN_TOKEN_CACHE_ITEMS].map(([k, v]) => [k, v]).sort())
  })

  it('TokenCache.open reads it with the key from the secret store (token-cache/key) and keeps every token', async () => {
    const secretStore = new MemorySecretStore()
    await secretStore.set(TOKEN_CACHE_KEY_NAME, GOLDEN_TOKEN_CACHE_KEY_B64)
    const file = copyOf(GOLDEN_TOKEN_CACHE_FILE, 'token-cache.tdv')
    const cache = await TokenCache.open({ file, secretStore, log: createMemoryLogger(), flushDelayMs: 0 })
    expect(cache.ids().sort()).toEqual(GOLDEN_TOKEN_CACHE_ITEMS.map(([k]) => k).sort())
    for (const [id, value] of GOLDEN_TOKEN_CACHE_ITEMS) expect(cache.get(id)).toBe(value)
    await cache.dispose()
  })

  it('the two kinds are not interchangeable even with the right key material', async () => {
    await expect(
      readEncryptedFile(copyOf(GOLDEN_TOKEN_CACHE_FILE, 'as-vault.tdv'), 'vault', { kind: 'raw', key: Buffer.from(GOLDEN_TOKEN_CACHE_KEY_B64, 'base64') })
    ).rejects.toMatchObject({ code: 'VAULT_CORRUPT' })
    await expect(
      readEncryptedFile(copyOf(GOLDEN_VAULT_FILE, 'as-cache.tdv'), 'token-cache', { kind: 'passphrase', passphrase: GOLDEN_PASSPHRASE })
    ).rejects.toMatchObject({ code: 'VAULT_CORRUPT' })
  })
})
