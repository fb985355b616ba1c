import type { SecretStoreHealth } from '../../shared/contract'
import { assertSecretKey, type SecretStore } from './port'

/** Session-only store for demos and tests: secrets vanish when the app exits, and the UI says so. */
export class MemorySecretStore implements SecretStore {
  readonly backend = 'memory' as const
  private readonly items = new Map<string, string>()

  async health(): Promise<SecretStoreHealth> {
    return {
      backend: 'memory',
      status: 'ok',
      location: 'memory (this session only)',
      reason: 'Secrets are kept in memory only and vanish when TokenDesk exits.',
      fix: 'Choose the system keychain or the encrypted vault in Settings to keep secrets across restarts.',
      ephemeral: true,
      checkedAt: Date.now()
    }
  }

  async get(key: string): Promise<string | null> {
    assertSecretKey(key)
    return this.items.get(key) ?? null
  }

  async set(key: string, value: string): Promise<void> {
    assertSecretKey(key)
    this.items.set(key, value)
  }

  async delete(key: string): Promise<boolean> {
    assertSecretKey(key)
    return this.items.delete(key)
  }

  async keys(): Promise<string[]> {
    return [...this.items.keys()].sort()
  }

  async dispose(): Promise<void> {
    this.items.clear()
  }
}
