import { existsSync } from 'node:fs'
import { rename } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { AppError } from '../../shared/errors'
import type { Logger } from '../log'
import { createFileKey, readEncryptedFile, writeEncryptedFile, type FileKey } from './encrypted-file'
import { TOKEN_CACHE_KEY_NAME, type SecretStore } from './port'

export interface TokenCacheOptions {
  file: string
  /** Holds the cache's random key as one item (`token-cache/key`). */
  secretStore: SecretStore
  log: Logger
  /** Coalesces bursts of changes into one write. */
  flushDelayMs?: number
}

/**
 * Every write re-encrypts the whole cache (O(tokens)); with 10,000 tokens one takes tens of ms of
 * the event loop. The delay before the next write grows with the last write's cost so writing never
 * takes more than ~1/WRITE_COST_FACTOR of the time, up to MAX_FLUSH_DELAY_MS (`npm run bench`).
 */
export const WRITE_COST_FACTOR = 20
export const MAX_FLUSH_DELAY_MS = 2_000

/** The write-behind delay: the configured one, or longer after an expensive write. */
export function writeBehindDelay(baseMs: number, lastWriteMs: number, maxMs: number): number {
  return Math.max(baseMs, Math.min(maxMs, Math.round(lastWriteMs * WRITE_COST_FACTOR)))
}

/**
 * Issued tokens: many, short-lived, so not one keychain item each (DESIGN.md "Secrets vs
 * metadata"). They live in one encrypted file (same format as the vault) whose random 32-byte
 * key is a single secret-store item. Writes are behind: `set` returns at once and the file is
 * written shortly after; `flush()` and `dispose()` wait for it.
 */
export class TokenCache {
  private readonly items: Map<string, string>
  /** How many entries hold each value (two tokens may share one), for the log's redaction set. */
  private readonly holders = new Map<string, number>()
  private readonly key: FileKey
  private readonly options: TokenCacheOptions
  private timer: NodeJS.Timeout | null = null
  private writing: Promise<void> = Promise.resolve()
  private dirty = false
  private disposed = false
  /** A write queued behind the running one and not started yet: later flushes join it. */
  private queuedWrite: Promise<void> | null = null
  private lastWriteMs = 0
  /** The last write failure, reported by `flush()` and kept for diagnostics. */
  lastError: AppError | null = null

  private constructor(options: TokenCacheOptions, key: FileKey, items: Map<string, string>) {
    this.options = options
    this.key = key
    this.items = items
    for (const value of items.values()) this.hold(value)
  }

  /**
   * Opens (or creates) the cache. A locked or unreachable secret store is an error (the caller
   * retries later); a key that is verifiably gone makes the old file unreadable, so it is moved
   * aside (`.orphaned-<time>`), never deleted, and a fresh cache starts.
   */
  static async open(options: TokenCacheOptions): Promise<TokenCache> {
    const stored = await options.secretStore.get(TOKEN_CACHE_KEY_NAME)
    if (stored !== null) {
      const raw = Buffer.from(stored, 'base64')
      if (existsSync(options.file)) {
        const opened = await readEncryptedFile(options.file, 'token-cache', { kind: 'raw', key: raw })
        raw.fill(0)
        return new TokenCache(options, opened.key, opened.items)
      }
      const key = await createFileKey({ kind: 'raw', key: raw })
      raw.fill(0)
      return new TokenCache(options, key, new Map())
    }
    if (existsSync(options.file)) {
      const aside = `${options.file}.orphaned-${Date.now()}`
      await rename(options.file, aside)
      options.log.warn('token-cache', 'the token cache key is gone; the unreadable cache file was moved aside', { file: aside })
    }
    const raw = randomBytes(32)
    await options.secretStore.set(TOKEN_CACHE_KEY_NAME, raw.toString('base64'))
    const key = await createFileKey({ kind: 'raw', key: raw })
    raw.fill(0)
    const cache = new TokenCache(options, key, new Map())
    cache.schedule()
    return cache
  }

  get(id: string): string | undefined {
    return this.items.get(id)
  }

  ids(): string[] {
    return [...this.items.keys()]
  }

  get size(): number {
    return this.items.size
  }

  /** Never waits on the disk. */
  set(id: string, value: string): void {
    this.assertOpen()
    const previous = this.items.get(id)
    this.items.set(id, value)
    this.hold(value)
    if (previous !== undefined) this.letGo(previous)
    this.schedule()
  }

  delete(id: string): boolean {
    this.assertOpen()
    const previous = this.items.get(id)
    const deleted = this.items.delete(id)
    if (previous !== undefined) this.letGo(previous)
    if (deleted) this.schedule()
    return deleted
  }

  /**
   * The log redacts every value the cache holds, from the moment it is opened (values restored
   * from disk included), and stops once no entry holds it any more: a renewed or forgotten
   * token's value does not stay in the redaction set for good (issue 10: no growth after forget).
   */
  private hold(value: string): void {
    this.holders.set(value, (this.holders.get(value) ?? 0) + 1)
    this.options.log.redact(value)
  }

  private letGo(value: string): void {
    const left = (this.holders.get(value) ?? 1) - 1
    if (left > 0) return void this.holders.set(value, left)
    this.holders.delete(value)
    this.options.log.release?.(value)
  }

  /**
   * Writes pending changes now; rejects with the write's typed error. Callers that arrive while a
   * write runs share the one write queued after it (it starts after their change, so it carries
   * it): a burst of flushes costs two writes, not one each, so the queue cannot grow without bound.
   */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    if (this.dirty && this.queuedWrite === null) {
      const queued = this.writing.then(() => {
        this.queuedWrite = null
        return this.writeNow()
      })
      this.queuedWrite = queued
      this.writing = queued
    }
    await this.writing
    if (this.lastError) throw this.lastError
  }

  async dispose(): Promise<void> {
    if (this.disposed) return
    try {
      await this.flush()
    } finally {
      this.disposed = true
      this.key.master.fill(0)
      this.items.clear()
    }
  }

  private schedule(): void {
    this.dirty = true
    if (this.timer) return
    this.timer = setTimeout(() => {
      this.timer = null
      this.writing = this.writing.then(() => this.writeNow())
    }, writeBehindDelay(this.options.flushDelayMs ?? 50, this.lastWriteMs, MAX_FLUSH_DELAY_MS))
  }

  private async writeNow(): Promise<void> {
    if (!this.dirty) return
    this.dirty = false
    const started = performance.now()
    try {
      await writeEncryptedFile(this.options.file, 'token-cache', this.key, this.items)
      this.lastWriteMs = performance.now() - started
      this.lastError = null
    } catch (error) {
      this.dirty = true
      this.lastError = error instanceof AppError ? error : new AppError('VAULT_IO', 'The token cache could not be written.')
      this.options.log.error('token-cache', 'write failed', this.lastError.code)
    }
  }

  private assertOpen(): void {
    if (this.disposed) throw new AppError('INTERNAL', 'The token cache is closed.')
  }
}
