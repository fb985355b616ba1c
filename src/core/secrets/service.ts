import type { SecretBackend, SecretsStatus, SecretStoreHealth, VaultInfo } from '../../shared/contract'
import { AppError } from '../../shared/errors'
import type { Logger } from '../log'
import type { SettingsStore } from '../settings/port'
import type { ScryptParams } from './encrypted-file'
import { KeychainSecretStore } from './keychain-store'
import { MemorySecretStore } from './memory-store'
import { migrateSecrets, type MigrationResult } from './migrate'
import { TOKEN_CACHE_KEY_NAME, type SecretStore } from './port'
import { TokenCache } from './token-cache'
import { VaultSecretStore } from './vault-store'

export interface SecretsServiceOptions {
  settings: SettingsStore
  log: Logger
  vaultFile: string
  tokenCacheFile: string
  /** Tests inject a keychain on their own service name or a fake keytar. */
  createKeychain?: () => SecretStore
  vaultScrypt?: ScryptParams
  /** Ready-made keychain or memory stores (tests, callers of createCore that pass one store). */
  stores?: Partial<Record<'keychain' | 'memory', SecretStore>>
}

const BACKENDS: readonly SecretBackend[] = ['keychain', 'vault', 'memory']

/**
 * Owns the three backends and which one is in use (a setting). Everything else in the core
 * holds `store`, a facade that always talks to the backend in use and waits while secrets are
 * being moved, so nothing is written to the old backend after it was copied.
 * The configured backend is used even when unhealthy: a broken keychain is reported with its
 * fix, never silently replaced by another backend.
 */
export class SecretsService {
  readonly vault: VaultSecretStore
  readonly memory: SecretStore
  readonly store: SecretStore
  private keychainStore: SecretStore | null = null
  private activeBackend: SecretBackend
  private moving: Promise<unknown> = Promise.resolve()
  private readonly inFlight = new Set<Promise<unknown>>()
  private readonly listeners = new Set<() => void>()
  private tokenCachePromise: Promise<TokenCache> | null = null
  private readonly options: SecretsServiceOptions

  constructor(options: SecretsServiceOptions) {
    this.options = options
    const settings = options.settings.get().secrets
    this.activeBackend = settings.backend
    this.memory = options.stores?.memory ?? new MemorySecretStore()
    this.keychainStore = options.stores?.keychain ?? null
    this.vault = new VaultSecretStore({
      file: options.vaultFile,
      log: options.log,
      autoLockMs: settings.vaultAutoLockMinutes * 60_000,
      ...(options.vaultScrypt ? { scrypt: options.vaultScrypt } : {})
    })
    this.vault.onStateChange(() => this.changed())
    this.store = createFacade(this)
  }

  get backend(): SecretBackend {
    return this.activeBackend
  }

  get active(): SecretStore {
    return this.backendStore(this.activeBackend)
  }

  /** Resolves once no move between backends is in progress. */
  idle(): Promise<unknown> {
    return this.moving
  }

  /** Every secret value the core handles is registered with the logger, so no log line can carry it. */
  redact(value: string): void {
    this.options.log.redact(value)
  }

  /** Facade calls register here so a move starts only after the calls already running finished. */
  track<T>(operation: Promise<T>): Promise<T> {
    this.inFlight.add(operation)
    void operation.then(
      () => this.inFlight.delete(operation),
      () => this.inFlight.delete(operation)
    )
    return operation
  }

  backendStore(backend: SecretBackend): SecretStore {
    if (backend === 'vault') return this.vault
    if (backend === 'memory') return this.memory
    this.keychainStore ??= this.options.createKeychain?.() ?? new KeychainSecretStore({ log: this.options.log })
    return this.keychainStore
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  vaultInfo(): VaultInfo {
    return { state: this.vault.state(), path: this.vault.file, autoLockMinutes: this.vault.autoLockMinutes() }
  }

  async status(probeAlternatives = false): Promise<SecretsStatus> {
    const active = await this.active.health()
    const alternatives: SecretStoreHealth[] = probeAlternatives
      ? await Promise.all(BACKENDS.filter((b) => b !== this.activeBackend).map((b) => this.backendStore(b).health()))
      : []
    return { active, backendChosen: this.options.settings.get().secrets.chosenByUser, vault: this.vaultInfo(), alternatives }
  }

  /**
   * Switches the backend in use, moving every secret when asked (see migrate.ts for why an
   * interrupted move loses nothing). The target must work first: an unlocked vault, a keychain
   * whose probe passes.
   */
  async chooseBackend(target: SecretBackend, moveSecrets: boolean): Promise<MigrationResult> {
    const run = this.moving.then(async () => {
      await Promise.allSettled([...this.inFlight])
      const from = this.activeBackend
      if (target === from) {
        this.persistChoice(target)
        return { moved: 0, leftBehind: 0 }
      }
      await this.assertUsable(target)
      const commit = async (): Promise<void> => {
        this.persistChoice(target)
        this.activeBackend = target
        // The open cache is closed (flushed) so only one instance ever writes the file; the next
        // tokenCache() call reopens it with the key from the new backend.
        const previousCache = this.tokenCachePromise
        this.tokenCachePromise = null
        if (previousCache) await (await previousCache.catch(() => null))?.dispose()
      }
      if (!moveSecrets) {
        await this.carryTokenCacheKey(from, target)
        await commit()
        return { moved: 0, leftBehind: 0 }
      }
      await this.assertUsable(from).catch((error: unknown) => {
        // Secrets we cannot read cannot be moved: say so, and how to switch anyway.
        throw new AppError('SECRET_MIGRATION_FAILED', `The secrets in the ${from} cannot be read, so they cannot be moved: ${error instanceof Error ? error.message : ''}`.trim(), {
          fix: `Fix the ${from} first, or switch without moving secrets (they stay in the ${from} and can be moved later).`,
          ...(error instanceof AppError ? { cause: error.code } : {})
        })
      })
      // Memory is session-only: moving into it must not empty the persistent backend.
      return migrateSecrets(this.backendStore(from), this.backendStore(target), { log: this.options.log, commit, keepSource: target === 'memory' })
    })
    this.moving = run.catch(() => undefined)
    try {
      return await run
    } finally {
      this.changed()
    }
  }

  /**
   * `--demo` on a machine whose chosen-by-default keychain cannot be used: the demo's published
   * credentials live in memory for this run only, said plainly in the UI; nothing is persisted,
   * so the first-run choice stays open.
   */
  useMemoryUntilChosen(): boolean {
    if (this.options.settings.get().secrets.chosenByUser || this.activeBackend === 'memory') return false
    this.activeBackend = 'memory'
    this.tokenCachePromise = null
    this.changed()
    return true
  }

  async createVault(passphrase: string): Promise<VaultInfo> {
    this.redact(passphrase)
    await this.vault.create(passphrase)
    return this.vaultInfo()
  }

  async unlockVault(passphrase: string): Promise<VaultInfo> {
    this.redact(passphrase)
    await this.vault.unlock(passphrase)
    return this.vaultInfo()
  }

  lockVault(): VaultInfo {
    this.vault.lock()
    return this.vaultInfo()
  }

  async changeVaultPassphrase(current: string, next: string): Promise<VaultInfo> {
    this.redact(current)
    this.redact(next)
    await this.vault.changePassphrase(current, next)
    return this.vaultInfo()
  }

  setVaultAutoLock(minutes: number): VaultInfo {
    this.options.settings.update((s) => ({ ...s, secrets: { ...s.secrets, vaultAutoLockMinutes: minutes } }))
    this.vault.setAutoLockMs(minutes * 60_000)
    this.changed()
    return this.vaultInfo()
  }

  /**
   * The encrypted token cache, keyed by one item in the backend in use (opened on first use).
   * Ask again after a statusChanged event: switching backends closes the previous instance.
   */
  tokenCache(): Promise<TokenCache> {
    this.tokenCachePromise ??= TokenCache.open({ file: this.options.tokenCacheFile, secretStore: this.store, log: this.options.log }).catch((error: unknown) => {
      this.tokenCachePromise = null
      throw error
    })
    return this.tokenCachePromise
  }

  async dispose(): Promise<void> {
    await this.moving
    if (this.tokenCachePromise) await (await this.tokenCachePromise.catch(() => null))?.dispose()
    for (const backend of BACKENDS) {
      if (backend === 'keychain' && !this.keychainStore) continue
      await this.backendStore(backend).dispose?.()
    }
  }

  /**
   * Switching without moving secrets still copies the token cache's key when it can be read, so
   * issued tokens stay readable. Best effort: the cache is re-creatable, a failure is only logged.
   */
  private async carryTokenCacheKey(from: SecretBackend, to: SecretBackend): Promise<void> {
    try {
      const key = await this.backendStore(from).get(TOKEN_CACHE_KEY_NAME)
      if (key === null || (await this.backendStore(to).get(TOKEN_CACHE_KEY_NAME)) !== null) return
      await this.backendStore(to).set(TOKEN_CACHE_KEY_NAME, key)
      if ((await this.backendStore(to).get(TOKEN_CACHE_KEY_NAME)) !== key) await this.backendStore(to).delete(TOKEN_CACHE_KEY_NAME)
    } catch (error) {
      this.options.log.info('secrets', `token cache key not carried from ${from} to ${to}`, error instanceof AppError ? error.code : undefined)
    }
  }

  private persistChoice(backend: SecretBackend): void {
    this.options.settings.update((s) => ({ ...s, secrets: { ...s.secrets, backend, chosenByUser: true } }))
  }

  private async assertUsable(backend: SecretBackend): Promise<void> {
    const health = await this.backendStore(backend).health()
    if (health.status === 'ok') return
    throw new AppError(health.errorCode ?? 'KEYCHAIN_UNAVAILABLE', health.reason ?? `The ${backend} cannot be used.`, health.fix ? { fix: health.fix } : undefined)
  }

  private changed(): void {
    for (const listener of this.listeners) listener()
  }
}

/** The store everyone else holds: the backend in use, never written to while secrets move. */
function createFacade(service: SecretsService): SecretStore {
  return {
    get backend() {
      return service.backend
    },
    health: async () => {
      await service.idle()
      return service.track(service.active.health())
    },
    get: async (key) => {
      await service.idle()
      const value = await service.track(service.active.get(key))
      if (value !== null) service.redact(value)
      return value
    },
    set: async (key, value) => {
      service.redact(value)
      await service.idle()
      return service.track(service.active.set(key, value))
    },
    delete: async (key) => {
      await service.idle()
      return service.track(service.active.delete(key))
    },
    keys: async () => {
      await service.idle()
      return service.track(service.active.keys())
    }
  }
}
