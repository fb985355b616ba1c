import type { SecretBackend, SecretStoreHealth } from '../../shared/contract'

/**
 * Where credentials live. Keys are TokenDesk's own item names (see the naming scheme in the
 * keychain backend); values are arbitrary strings and must read back identical.
 * Every method rejects with a typed AppError, never with a raw library error.
 */
export interface SecretStore {
  readonly backend: SecretBackend
  /** Probes the backend for real (write, read back, delete) and says what is wrong and how to fix it. */
  health(): Promise<SecretStoreHealth>
  get(key: string): Promise<string | null>
  set(key: string, value: string): Promise<void>
  /** Resolves true when something was deleted. */
  delete(key: string): Promise<boolean>
  /** Every key TokenDesk stored in this backend. */
  keys(): Promise<string[]>
}
