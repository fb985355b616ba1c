import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'vitest'
import { createMemoryLogger } from '../log'
import { KeychainSecretStore } from './keychain-store'
import { MemorySecretStore } from './memory-store'
import type { SecretStore } from './port'
import { secretStoreContract } from './testing/contract-suite'
import { IN_KEYRING, KEYRING_HINT, TEST_SCRYPT } from './testing/keyring-env'
import { VaultSecretStore } from './vault-store'


describe('SecretStore contract: memory', () => {
  secretStoreContract({ create: async () => new MemorySecretStore() })
})

describe('SecretStore contract: vault', () => {
  const dirs = new Map<SecretStore, string>()
  secretStoreContract({
    create: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'td-vault-'))
      const vault = new VaultSecretStore({ file: join(dir, 'vault.tdv'), log: createMemoryLogger(), scrypt: TEST_SCRYPT })
      await vault.create('correct horse battery')
      dirs.set(vault, dir)
      return vault
    },
    dispose: async (store) => {
      await store.dispose?.()
      rmSync(dirs.get(store)!, { recursive: true, force: true })
    }
  })
})

describe('SecretStore contract: keychain (real gnome-keyring)', () => {
  if (!IN_KEYRING) {
    it('needs a keyring session', () => {
      throw new Error(KEYRING_HINT)
    })
    return
  }
  secretStoreContract({
    // A private service name per test: suites run in parallel against one keyring.
    create: async () => new KeychainSecretStore({ log: createMemoryLogger(), service: `TokenDesk-test-${randomBytes(4).toString('hex')}` }),
    dispose: async (store) => {
      for (const key of await store.keys()) await store.delete(key)
    }
  })
})
