import type { SecretBackend, SecretStoreHealth } from '../../shared/contract'
import { AppError } from '../../shared/errors'

/**
 * Where credentials live. Keys are TokenDesk's own item names (`<namespace>/<id>[/<field>]`,
 * see `SECRET_KEY_PATTERN`); values are arbitrary strings (empty, NUL, lone surrogates, 200 KB)
 * and must read back identical. Every method rejects with a typed AppError, never with a raw
 * library error, and `null` from `get` means "verified absent", never "could not look".
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
  /** Stops timers and drops key material. Optional: stateless backends have nothing to release. */
  dispose?(): Promise<void>
}

/**
 * Item names: a letter or digit first, then letters, digits and `. _ : @ / -`, at most 200
 * characters. `#` and a leading `.` are reserved for the backends' own bookkeeping items
 * (chunks, index, health probes), so a caller's key can never collide with them.
 */
export const SECRET_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,199}$/

export function assertSecretKey(key: string): void {
  if (!SECRET_KEY_PATTERN.test(key)) {
    throw new AppError('SECRET_KEY_INVALID', 'A secret item name is invalid.', {
      rule: 'letters, digits and . _ : @ / - only, starting with a letter or digit, at most 200 characters'
    })
  }
}

/** The keys TokenDesk itself uses; credentials use `credential/<accountId>/<field>`. */
export const TOKEN_CACHE_KEY_NAME = 'token-cache/key'
