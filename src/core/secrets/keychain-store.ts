/**
 * The OS keychain backend, through keytar (macOS Keychain, Windows Credential Manager, Secret
 * Service on Linux).
 *
 * Naming scheme. Every item has service `TokenDesk` (the label libsecret shows is
 * `TokenDesk/<account>`) and one of these accounts:
 *   <key>              a secret, named by the caller: `credential/<accountId>/<field>` for
 *                      credentials, `token-cache/key` for the token cache's key (see port.ts)
 *   <key>#<gen>.<i>    chunk i ≥ 1 of a value that is not stored verbatim (value-codec.ts)
 *   .index             the JSON list of keys, itself stored through the codec, so listing never
 *                      calls keytar.findCredentials (which segfaults keytar 7.9.0 on a locked
 *                      gnome-keyring: verified on Debian 12)
 *   .probe.<random>    the health probe's short-lived item
 * Callers' keys cannot contain `#` or start with `.`, so they never collide with the others.
 *
 * `null` never means "could not look": a locked Secret Service answers getPassword with null
 * (and deletePassword with false) exactly as for a missing item, so every null/false is
 * cross-checked with a probe (write, read back, delete), which fails on a locked keyring.
 * Concurrent cross-checks share one probe.
 */
import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import type { SecretStoreHealth } from '../../shared/contract'
import { AppError, isAppError } from '../../shared/errors'
import type { Logger } from '../log'
import { describeKeychainProblem, classifyKeychainMessage, keychainError, type KeychainErrorCode } from './keychain-errors'
import { KeyedMutex } from './keyed-mutex'
import { assertSecretKey, type SecretStore } from './port'
import { chunkAccount, decodeChunks, encodeValue, parseMain } from './value-codec'

export const KEYCHAIN_SERVICE = 'TokenDesk'
export const DEFAULT_KEYCHAIN_TIMEOUT_MS = 5000
const INDEX_ACCOUNT = '.index'
/**
 * keytar runs each call on a libuv worker thread (4 by default, shared with fs and crypto). A
 * timed-out call keeps its thread until libsecret gives up, so after this many stuck calls we
 * fail fast instead of starving the file system of threads.
 */
export const MAX_STUCK_CALLS = 2

/** The part of keytar this backend uses (tests inject fakes that hang or fail). */
export interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>
  setPassword(service: string, account: string, password: string): Promise<void>
  deletePassword(service: string, account: string): Promise<boolean>
}

export interface KeychainStoreOptions {
  log: Logger
  /** Tests use their own service name so parallel suites do not share an index. */
  service?: string
  /** Upper bound for every keychain call. */
  timeoutMs?: number
  loadKeytar?: () => Promise<KeytarApi>
}

function isKeytarApi(value: unknown): value is KeytarApi {
  if (typeof value !== 'object' || value === null) return false
  const candidate = value as Record<string, unknown>
  return ['getPassword', 'setPassword', 'deletePassword'].every((name) => typeof candidate[name] === 'function')
}

/** keytar is an optional native dependency: a variable specifier keeps it optional at build time too. */
export async function loadKeytarModule(): Promise<KeytarApi> {
  const specifier = 'keytar'
  const loaded: unknown = await import(specifier)
  const candidate = (loaded as { default?: unknown }).default ?? loaded
  if (!isKeytarApi(candidate)) throw new Error('the keytar module does not have the expected functions')
  return candidate
}

const KEYTAR_MISSING = {
  reason: 'The keytar native module is not installed or failed to load, so the system keychain cannot be used.',
  fix: 'Reinstall TokenDesk (from source: `npm install keytar` needs libsecret-1-dev and a C++ toolchain); meanwhile choose the encrypted vault in Settings.'
}

function locationName(service: string): string {
  if (process.platform === 'darwin') return `macOS Keychain, service "${service}"`
  if (process.platform === 'win32') return `Windows Credential Manager, service "${service}"`
  return `Secret Service (D-Bus org.freedesktop.secrets), service "${service}"`
}

export class KeychainSecretStore implements SecretStore {
  readonly backend = 'keychain' as const
  readonly service: string
  readonly timeoutMs: number
  private readonly log: Logger
  private readonly loadKeytar: () => Promise<KeytarApi>
  private keytar: Promise<KeytarApi> | null = null
  private keytarFailure: string | null = null
  private probeInFlight: Promise<number> | null = null
  private readonly locks = new KeyedMutex()
  private stuckCalls = 0
  /** The last failure logged: a keychain that stays broken is logged once, not on every probe. */
  private lastLoggedFailure: string | null = null

  constructor(options: KeychainStoreOptions) {
    this.log = options.log
    this.service = options.service ?? KEYCHAIN_SERVICE
    this.timeoutMs = options.timeoutMs ?? DEFAULT_KEYCHAIN_TIMEOUT_MS
    this.loadKeytar = options.loadKeytar ?? loadKeytarModule
  }

  async health(): Promise<SecretStoreHealth> {
    const base = { backend: 'keychain' as const, location: locationName(this.service), ephemeral: false }
    try {
      const probeMs = await this.verifyUnlocked()
      if (this.lastLoggedFailure !== null) {
        this.lastLoggedFailure = null
        this.log.info('keychain', 'the keychain works again')
      }
      return { ...base, status: 'ok', checkedAt: Date.now(), probeMs: Math.round(probeMs * 10) / 10 }
    } catch (error) {
      const code: KeychainErrorCode = isAppError(error) && error.code.startsWith('KEYCHAIN_') ? (error.code as KeychainErrorCode) : 'KEYCHAIN_UNAVAILABLE'
      const problem = this.keytarFailure !== null ? KEYTAR_MISSING : describeKeychainProblem(code, this.timeoutMs)
      return {
        ...base,
        status: code === 'KEYCHAIN_LOCKED' ? 'locked' : 'unavailable',
        reason: problem.reason,
        fix: problem.fix,
        errorCode: code,
        checkedAt: Date.now()
      }
    }
  }

  async get(key: string): Promise<string | null> {
    assertSecretKey(key)
    return this.locks.run(key, () => this.readValue(key))
  }

  async set(key: string, value: string): Promise<void> {
    assertSecretKey(key)
    if (typeof value !== 'string') throw keychainError('KEYCHAIN_VALUE_REJECTED', this.timeoutMs)
    await this.locks.run(key, async () => {
      // Index first: after a crash the index may name a missing item (harmless), never the reverse.
      await this.updateIndex((keys) => keys.add(key))
      await this.writeValue(key, value)
    })
  }

  async delete(key: string): Promise<boolean> {
    assertSecretKey(key)
    return this.locks.run(key, async () => {
      const deleted = await this.deleteValue(key)
      await this.updateIndex((keys) => keys.delete(key))
      return deleted
    })
  }

  async keys(): Promise<string[]> {
    return this.locks.run(INDEX_ACCOUNT, async () => [...(await this.readIndex())].sort())
  }

  // ---- values (codec + chunks) -------------------------------------------------------------

  private async readValue(account: string): Promise<string | null> {
    const stored = await this.raw('get', (k) => k.getPassword(this.service, account))
    if (stored === null) {
      await this.verifyUnlocked()
      return null
    }
    const parsed = parseMain(stored)
    if (parsed.kind === 'verbatim') return parsed.value
    const chunks: Array<string | null> = []
    for (let index = 1; index < parsed.header.n; index++) {
      const chunk = await this.raw('get', (k) => k.getPassword(this.service, chunkAccount(account, parsed.header.g, index)))
      if (chunk === null) await this.verifyUnlocked()
      chunks.push(chunk)
    }
    return decodeChunks(parsed.header, parsed.firstChunk, chunks)
  }

  private async writeValue(account: string, value: string): Promise<void> {
    const previous = await this.raw('get', (k) => k.getPassword(this.service, account))
    const encoded = encodeValue(value, randomBytes(4).toString('hex'))
    for (const [offset, chunk] of encoded.chunks.entries()) {
      await this.raw('set', (k) => k.setPassword(this.service, chunkAccount(account, encoded.header!.g, offset + 1), chunk))
    }
    // The main item is the commit point: until it is written, readers see the previous value.
    await this.raw('set', (k) => k.setPassword(this.service, account, encoded.main))
    if (previous !== null) await this.deleteChunksOf(account, previous)
  }

  private async deleteValue(account: string): Promise<boolean> {
    const stored = await this.raw('get', (k) => k.getPassword(this.service, account))
    if (stored === null) {
      await this.verifyUnlocked()
      return false
    }
    const deleted = await this.raw('delete', (k) => k.deletePassword(this.service, account))
    if (!deleted) await this.verifyUnlocked()
    await this.deleteChunksOf(account, stored)
    return deleted
  }

  /** Leftover chunks are garbage, not data: failing to delete them is logged, not thrown. */
  private async deleteChunksOf(account: string, stored: string): Promise<void> {
    let header
    try {
      const parsed = parseMain(stored)
      if (parsed.kind === 'verbatim') return
      header = parsed.header
    } catch {
      return
    }
    for (let index = 1; index < header.n; index++) {
      try {
        await this.raw('delete', (k) => k.deletePassword(this.service, chunkAccount(account, header.g, index)))
      } catch (error) {
        this.log.warn('keychain', 'could not delete an old chunk item', isAppError(error) ? error.code : undefined)
      }
    }
  }

  // ---- index ---------------------------------------------------------------------------------

  private async readIndex(): Promise<Set<string>> {
    const stored = await this.readValue(INDEX_ACCOUNT)
    if (stored === null) return new Set()
    try {
      const parsed: unknown = JSON.parse(stored)
      if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')) return new Set(parsed)
    } catch {
      // fall through
    }
    throw new AppError('SECRET_CORRUPT', 'The list of TokenDesk items in the system keychain is damaged.', {
      fix: `Delete the item "${INDEX_ACCOUNT}" of service "${this.service}" (e.g. with Seahorse); TokenDesk rebuilds it as you save secrets.`
    })
  }

  private async updateIndex(change: (keys: Set<string>) => unknown): Promise<void> {
    await this.locks.run(INDEX_ACCOUNT, async () => {
      const keys = await this.readIndex()
      const before = keys.size
      const had = new Set(keys)
      change(keys)
      const same = keys.size === before && [...keys].every((key) => had.has(key))
      if (!same) await this.writeValue(INDEX_ACCOUNT, JSON.stringify([...keys].sort()))
    })
  }

  // ---- probe, keytar calls, timeouts ---------------------------------------------------------

  /** Resolves with the probe's duration (ms) when the keychain really works; rejects with a typed error otherwise. */
  private verifyUnlocked(): Promise<number> {
    this.probeInFlight ??= this.probe().finally(() => {
      this.probeInFlight = null
    })
    return this.probeInFlight
  }

  private async probe(): Promise<number> {
    const account = `.probe.${randomBytes(6).toString('hex')}`
    const token = randomBytes(12).toString('base64url')
    const started = performance.now()
    await this.raw('probe-set', (k) => k.setPassword(this.service, account, token))
    try {
      const readBack = await this.raw('probe-get', (k) => k.getPassword(this.service, account))
      if (readBack !== token) {
        // Written but not readable: the collection got locked between the calls, or the keychain lies.
        throw keychainError(readBack === null ? 'KEYCHAIN_LOCKED' : 'KEYCHAIN_UNAVAILABLE', this.timeoutMs)
      }
    } finally {
      await this.raw('probe-delete', (k) => k.deletePassword(this.service, account)).catch((error: unknown) => {
        this.log.warn('keychain', 'could not delete the probe item', isAppError(error) ? error.code : undefined)
      })
    }
    return performance.now() - started
  }

  private async loaded(): Promise<KeytarApi> {
    this.keytar ??= this.loadKeytar().catch((error: unknown) => {
      this.keytarFailure = error instanceof Error ? error.message : String(error)
      this.log.warn('keychain', 'keytar is not available', this.keytarFailure)
      throw keychainError('KEYCHAIN_UNAVAILABLE', this.timeoutMs, { cause: 'keytar-missing', fix: KEYTAR_MISSING.fix })
    })
    return this.keytar
  }

  /** One keytar call: bounded in time, library errors mapped to typed ones (raw text to the log only). */
  private async raw<T>(operation: string, call: (keytar: KeytarApi) => Promise<T>): Promise<T> {
    const keytar = await this.loaded()
    if (this.stuckCalls >= MAX_STUCK_CALLS) {
      throw keychainError('KEYCHAIN_TIMEOUT', this.timeoutMs, { stuckCalls: this.stuckCalls })
    }
    const attempt = call(keytar).catch((error: unknown) => {
      throw this.mapError(operation, error)
    })
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.log.warn('keychain', `${operation} timed out after ${this.timeoutMs} ms`)
        this.stuckCalls++
        const release = (): void => {
          this.stuckCalls--
        }
        attempt.then(release, release)
        reject(keychainError('KEYCHAIN_TIMEOUT', this.timeoutMs))
      }, this.timeoutMs)
    })
    try {
      return await Promise.race([attempt, deadline])
    } finally {
      clearTimeout(timer)
    }
  }

  private mapError(operation: string, error: unknown): AppError {
    if (isAppError(error)) return error
    const message = error instanceof Error ? error.message : String(error)
    const code = classifyKeychainMessage(message)
    // libsecret / OS messages carry no secret values; they go to the log for support, never to
    // the UI. A state change is logged once: health probes repeat every few seconds.
    const failure = `${code}: ${message.slice(0, 300)}`
    if (failure !== this.lastLoggedFailure) {
      this.lastLoggedFailure = failure
      this.log.warn('keychain', `${operation} failed: ${code}`, { library: message.slice(0, 300) })
    }
    return keychainError(code, this.timeoutMs)
  }
}
