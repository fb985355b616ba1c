import { existsSync } from 'node:fs'
import type { SecretStoreHealth } from '../../shared/contract'
import { AppError } from '../../shared/errors'
import type { Logger } from '../log'
import { createFileKey, DEFAULT_SCRYPT, readEncryptedFile, writeEncryptedFile, type FileKey, type ScryptParams } from './encrypted-file'
import { KeyedMutex } from './keyed-mutex'
import { assertSecretKey, type SecretStore } from './port'

export type VaultState = 'absent' | 'locked' | 'unlocked'

export interface VaultStoreOptions {
  file: string
  log: Logger
  /** Lock after this long without use; 0 = never. */
  autoLockMs?: number
  scrypt?: ScryptParams
}

export const MIN_PASSPHRASE_LENGTH = 8

interface Unlocked {
  key: FileKey
  items: Map<string, string>
}

/**
 * The encrypted vault file (encrypted-file.ts, key from a passphrase through scrypt) for
 * machines without a usable keychain. Locked until `unlock`; every change is written through
 * atomically before the call resolves. A file it cannot open is never written to.
 */
export class VaultSecretStore implements SecretStore {
  readonly backend = 'vault' as const
  readonly file: string
  private readonly log: Logger
  private readonly scrypt: ScryptParams
  private autoLockMs: number
  private open: Unlocked | null = null
  private idleTimer: NodeJS.Timeout | null = null
  private readonly writes = new KeyedMutex()
  private readonly listeners = new Set<(state: VaultState) => void>()

  constructor(options: VaultStoreOptions) {
    this.file = options.file
    this.log = options.log
    this.scrypt = options.scrypt ?? DEFAULT_SCRYPT
    this.autoLockMs = options.autoLockMs ?? 15 * 60_000
  }

  state(): VaultState {
    if (this.open) return 'unlocked'
    return existsSync(this.file) ? 'locked' : 'absent'
  }

  autoLockMinutes(): number {
    return this.autoLockMs / 60_000
  }

  onStateChange(listener: (state: VaultState) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  setAutoLockMs(ms: number): void {
    this.autoLockMs = ms
    this.touch()
  }

  async create(passphrase: string): Promise<void> {
    assertPassphrase(passphrase)
    await this.writes.run('file', async () => {
      if (existsSync(this.file)) {
        throw new AppError('VAULT_ALREADY_EXISTS', 'A vault file already exists and was left untouched.', {
          fix: 'Unlock it with its passphrase, or move the file away first to start over.',
          file: this.file
        })
      }
      const key = await createFileKey({ kind: 'passphrase', passphrase }, this.scrypt)
      const items = new Map<string, string>()
      await writeEncryptedFile(this.file, 'vault', key, items)
      this.open = { key, items }
    })
    this.log.info('vault', 'vault created')
    this.changed()
  }

  async unlock(passphrase: string): Promise<void> {
    const opened = await readEncryptedFile(this.file, 'vault', { kind: 'passphrase', passphrase })
    this.wipe()
    this.open = opened
    this.log.info('vault', 'vault unlocked')
    this.changed()
  }

  lock(): void {
    if (!this.open) return
    this.wipe()
    this.log.info('vault', 'vault locked')
    this.changed()
  }

  /** Re-encrypts with a new salt and key. Works locked or unlocked; `current` is always checked against the file. */
  async changePassphrase(current: string, next: string): Promise<void> {
    assertPassphrase(next)
    await this.writes.run('file', async () => {
      const opened = await readEncryptedFile(this.file, 'vault', { kind: 'passphrase', passphrase: current })
      const items = this.open?.items ?? opened.items
      const key = await createFileKey({ kind: 'passphrase', passphrase: next }, this.scrypt)
      await writeEncryptedFile(this.file, 'vault', key, items)
      opened.key.master.fill(0)
      this.wipe()
      this.open = { key, items }
    })
    this.log.info('vault', 'vault passphrase changed')
    this.changed()
  }

  async health(): Promise<SecretStoreHealth> {
    const base = { backend: 'vault' as const, location: this.file, ephemeral: false, checkedAt: Date.now() }
    const state = this.state()
    if (state === 'unlocked') return { ...base, status: 'ok' }
    if (state === 'locked') {
      return { ...base, status: 'locked', errorCode: 'VAULT_LOCKED', reason: 'The vault is locked.', fix: 'Unlock it with its passphrase.' }
    }
    return {
      ...base,
      status: 'unavailable',
      errorCode: 'VAULT_NOT_INITIALIZED',
      reason: 'No vault has been created yet.',
      fix: 'Create a vault with a passphrase in Settings.'
    }
  }

  async get(key: string): Promise<string | null> {
    assertSecretKey(key)
    return this.unlocked().items.get(key) ?? null
  }

  async set(key: string, value: string): Promise<void> {
    assertSecretKey(key)
    await this.mutate((items) => {
      items.set(key, value)
      return true
    })
  }

  async delete(key: string): Promise<boolean> {
    assertSecretKey(key)
    return this.mutate((items) => items.delete(key))
  }

  async keys(): Promise<string[]> {
    return [...this.unlocked().items.keys()].sort()
  }

  async dispose(): Promise<void> {
    await this.writes.run('file', async () => undefined)
    this.wipe()
  }

  /** Applies a change to a copy and writes it; memory changes only once the file holds it. */
  private async mutate(change: (items: Map<string, string>) => boolean): Promise<boolean> {
    return this.writes.run('file', async () => {
      const open = this.unlocked()
      const next = new Map(open.items)
      const changed = change(next)
      if (changed) {
        await writeEncryptedFile(this.file, 'vault', open.key, next)
        open.items = next
      }
      return changed
    })
  }

  private unlocked(): Unlocked {
    if (!this.open) {
      if (this.state() === 'absent') {
        throw new AppError('VAULT_NOT_INITIALIZED', 'No vault has been created yet.', { fix: 'Create a vault with a passphrase in Settings.' })
      }
      throw new AppError('VAULT_LOCKED', 'The vault is locked.', { fix: 'Unlock it with its passphrase.' })
    }
    this.touch()
    return this.open
  }

  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.idleTimer = null
    if (!this.open || this.autoLockMs <= 0) return
    this.idleTimer = setTimeout(() => {
      this.log.info('vault', 'vault locked after being idle')
      this.lock()
    }, this.autoLockMs)
    this.idleTimer.unref()
  }

  /** JavaScript cannot zero strings; dropping the map and zeroing the key is what we can do. */
  private wipe(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.idleTimer = null
    if (this.open) this.open.key.master.fill(0)
    this.open = null
  }

  private changed(): void {
    this.touch()
    const state = this.state()
    for (const listener of this.listeners) listener(state)
  }
}

function assertPassphrase(passphrase: string): void {
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
    throw new AppError('INVALID_REQUEST', `A vault passphrase needs at least ${MIN_PASSPHRASE_LENGTH} characters.`)
  }
}
