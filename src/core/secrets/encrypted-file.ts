/**
 * The one encrypted-file format, shared by the vault (key from a passphrase) and the token
 * cache (a random 32-byte key kept as one secret-store item). Layout:
 *
 *   "TDEF" | version (u8) | header length (u32 BE) | header (JSON, UTF-8) | SHA-256(header)
 *   | AES-256-GCM ciphertext | GCM tag (16 bytes)
 *
 * The header records everything needed to open the file again (format version, KDF and its
 * parameters, salt, IV) plus a key check value, and is authenticated as GCM additional data.
 * Its plain SHA-256 tells "damaged header" from "wrong key"; the key check tells "wrong
 * passphrase" from "damaged ciphertext". The plaintext is JSON `{ "items": { name: value } }`.
 *
 * Writes are atomic: temp file (0600) → fsync → keep the current file as `<file>.bak` → rename
 * → fsync the directory. Reads never write, so a file we cannot open is never overwritten.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, scrypt, timingSafeEqual } from 'node:crypto'
import { chmod, copyFile, open, readFile, rename, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { AppError } from '../../shared/errors'

export const ENCRYPTED_FILE_VERSION = 1
const MAGIC = Buffer.from('TDEF', 'ascii')
const PREFIX_LENGTH = MAGIC.length + 1 + 4
const HEADER_DIGEST_LENGTH = 32
const TAG_LENGTH = 16
const MAX_HEADER_LENGTH = 64 * 1024

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number
  r: number
  p: number
}

/** OWASP's scrypt floor is N=2^17,r=8,p=1 (128 MiB); 2^16 (64 MiB, ~0.2 s here) keeps unlock snappy on small machines. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 16, r: 8, p: 1 }
/** Refuse absurd parameters from a file (a crafted header must not make us allocate gigabytes). */
const MAX_SCRYPT_N = 2 ** 20
/** scrypt needs 128·N·r bytes: at most 256 MiB (4× the default cost) from a file's header. */
const MAX_SCRYPT_MEMORY = 256 * 1024 * 1024

export type FileKind = 'vault' | 'token-cache'

type KdfHeader = { name: 'scrypt'; N: number; r: number; p: number; salt: string } | { name: 'raw'; salt: string }

interface FileHeader {
  format: 'tokendesk-encrypted-file'
  version: number
  kind: FileKind
  kdf: KdfHeader
  cipher: 'aes-256-gcm'
  iv: string
  keyCheck: string
}

/** A key ready to seal and open files: the KDF record goes into every header written with it. */
export interface FileKey {
  readonly kdf: KdfHeader
  readonly master: Buffer
}

export type KeySource = { kind: 'passphrase'; passphrase: string } | { kind: 'raw'; key: Buffer }

/** The kind of file, for error messages: the vault's errors differ from the cache's. */
function failure(code: 'VAULT_CORRUPT' | 'VAULT_TOO_NEW' | 'VAULT_WRONG_PASSPHRASE' | 'VAULT_IO' | 'VAULT_NOT_INITIALIZED', kind: FileKind, detail: string, file: string): AppError {
  const name = kind === 'vault' ? 'The vault file' : 'The token cache file'
  const messages = {
    VAULT_CORRUPT: `${name} is damaged (${detail}) and was left untouched.`,
    VAULT_TOO_NEW: `${name} was written by a newer TokenDesk (${detail}) and was left untouched.`,
    VAULT_WRONG_PASSPHRASE: kind === 'vault' ? 'The passphrase is wrong.' : 'The token cache key does not match its file.',
    VAULT_IO: `${name} could not be read or written (${detail}).`,
    VAULT_NOT_INITIALIZED: `${name} does not exist yet.`
  }
  const fixes = {
    VAULT_CORRUPT: `Restore the previous version from "${basename(file)}.bak" next to it, or move the file away and create a new vault.`,
    VAULT_TOO_NEW: 'Update TokenDesk to the version that wrote this file.',
    VAULT_WRONG_PASSPHRASE: 'Check the passphrase (it is case-sensitive) and try again.',
    VAULT_IO: 'Check that the data folder exists, is writable and the disk is not full.',
    VAULT_NOT_INITIALIZED: 'Create the vault first.'
  }
  return new AppError(code, messages[code], { fix: fixes[code], file })
}

function scryptAsync(passphrase: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem: scrypt needs 128·N·r bytes; Node's default cap (32 MiB) is below our default cost.
    scrypt(passphrase.normalize('NFC'), salt, 32, { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key)
    )
  })
}

/** A fresh key for a new file (new salt each time: changing the passphrase changes everything). */
export async function createFileKey(source: KeySource, scryptParams: ScryptParams = DEFAULT_SCRYPT): Promise<FileKey> {
  const salt = randomBytes(16)
  if (source.kind === 'raw') return { kdf: { name: 'raw', salt: salt.toString('base64') }, master: Buffer.from(source.key) }
  const master = await scryptAsync(source.passphrase, salt, scryptParams)
  return { kdf: { name: 'scrypt', ...scryptParams, salt: salt.toString('base64') }, master }
}

function subkeys(key: FileKey): { encryption: Buffer; check: Buffer } {
  const salt = Buffer.from(key.kdf.salt, 'base64')
  const encryption = Buffer.from(hkdfSync('sha256', key.master, salt, 'tokendesk file encryption', 32))
  const check = createHmac('sha256', key.master).update('tokendesk key check').digest().subarray(0, 16)
  return { encryption, check }
}

export function sealItems(kind: FileKind, key: FileKey, items: ReadonlyMap<string, string>): Buffer {
  const { encryption, check } = subkeys(key)
  const iv = randomBytes(12)
  const header: FileHeader = {
    format: 'tokendesk-encrypted-file',
    version: ENCRYPTED_FILE_VERSION,
    kind,
    kdf: key.kdf,
    cipher: 'aes-256-gcm',
    iv: iv.toString('base64'),
    keyCheck: check.toString('base64')
  }
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8')
  const prefix = Buffer.alloc(PREFIX_LENGTH)
  MAGIC.copy(prefix, 0)
  prefix.writeUInt8(ENCRYPTED_FILE_VERSION, MAGIC.length)
  prefix.writeUInt32BE(headerBytes.length, MAGIC.length + 1)
  const headerDigest = createHash('sha256').update(headerBytes).digest()
  const cipher = createCipheriv('aes-256-gcm', encryption, iv)
  cipher.setAAD(Buffer.concat([prefix, headerBytes]))
  // JSON.stringify escapes lone surrogates and NUL, so every string survives the round trip.
  const plaintext = Buffer.from(JSON.stringify({ items: Object.fromEntries(items) }), 'utf8')
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()])
  plaintext.fill(0)
  encryption.fill(0)
  return Buffer.concat([prefix, headerBytes, headerDigest, ciphertext, cipher.getAuthTag()])
}

export interface OpenedFile {
  items: Map<string, string>
  /** The key that opened the file, reusable to write it again with the same passphrase. */
  key: FileKey
}

interface ParsedFile {
  header: FileHeader
  aad: Buffer
  ciphertext: Buffer
  tag: Buffer
}

function parseFile(bytes: Buffer, kind: FileKind, file: string): ParsedFile {
  if (bytes.length < PREFIX_LENGTH || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw failure('VAULT_CORRUPT', kind, bytes.length < PREFIX_LENGTH ? 'truncated' : 'not a TokenDesk encrypted file', file)
  }
  const version = bytes.readUInt8(MAGIC.length)
  if (version > ENCRYPTED_FILE_VERSION) throw failure('VAULT_TOO_NEW', kind, `format ${version}, this build reads up to ${ENCRYPTED_FILE_VERSION}`, file)
  if (version < 1) throw failure('VAULT_CORRUPT', kind, 'bad format version', file)
  const headerLength = bytes.readUInt32BE(MAGIC.length + 1)
  const headerEnd = PREFIX_LENGTH + headerLength
  if (headerLength > MAX_HEADER_LENGTH || bytes.length < headerEnd + HEADER_DIGEST_LENGTH + TAG_LENGTH) {
    throw failure('VAULT_CORRUPT', kind, 'truncated', file)
  }
  const headerBytes = bytes.subarray(PREFIX_LENGTH, headerEnd)
  const digest = bytes.subarray(headerEnd, headerEnd + HEADER_DIGEST_LENGTH)
  if (!createHash('sha256').update(headerBytes).digest().equals(digest)) throw failure('VAULT_CORRUPT', kind, 'damaged header', file)
  let header: unknown
  try {
    header = JSON.parse(headerBytes.toString('utf8'))
  } catch {
    throw failure('VAULT_CORRUPT', kind, 'unreadable header', file)
  }
  if (!isFileHeader(header)) throw failure('VAULT_CORRUPT', kind, 'unexpected header', file)
  if (header.version > ENCRYPTED_FILE_VERSION) throw failure('VAULT_TOO_NEW', kind, `format ${header.version}`, file)
  if (header.kind !== kind) throw failure('VAULT_CORRUPT', kind, `holds a ${header.kind}`, file)
  const body = bytes.subarray(headerEnd + HEADER_DIGEST_LENGTH)
  return {
    header,
    aad: bytes.subarray(0, headerEnd),
    ciphertext: body.subarray(0, body.length - TAG_LENGTH),
    tag: body.subarray(body.length - TAG_LENGTH)
  }
}

function isFileHeader(value: unknown): value is FileHeader {
  if (typeof value !== 'object' || value === null) return false
  const h = value as Record<string, unknown>
  const kdf = h.kdf as Record<string, unknown> | undefined
  const kdfOk =
    typeof kdf === 'object' &&
    kdf !== null &&
    typeof kdf.salt === 'string' &&
    (kdf.name === 'raw' ||
      (kdf.name === 'scrypt' &&
        [kdf.N, kdf.r, kdf.p].every((n) => typeof n === 'number' && Number.isInteger(n) && n > 0) &&
        (kdf.N as number) <= MAX_SCRYPT_N &&
        // scrypt only takes a power of two above 1; anything else would throw an untyped RangeError.
        (kdf.N as number) > 1 &&
        ((kdf.N as number) & ((kdf.N as number) - 1)) === 0 &&
        (kdf.r as number) <= 32 &&
        128 * (kdf.N as number) * (kdf.r as number) <= MAX_SCRYPT_MEMORY &&
        (kdf.p as number) <= 16))
  return (
    h.format === 'tokendesk-encrypted-file' &&
    typeof h.version === 'number' &&
    (h.kind === 'vault' || h.kind === 'token-cache') &&
    kdfOk &&
    h.cipher === 'aes-256-gcm' &&
    typeof h.iv === 'string' &&
    typeof h.keyCheck === 'string'
  )
}

/** Opens file bytes with a passphrase or a raw key. Distinct typed errors; never writes anything. */
export async function openItems(bytes: Buffer, kind: FileKind, source: KeySource, file: string): Promise<OpenedFile> {
  const parsed = parseFile(bytes, kind, file)
  const kdf = parsed.header.kdf
  const salt = Buffer.from(kdf.salt, 'base64')
  let master: Buffer
  if (kdf.name === 'scrypt') {
    if (source.kind !== 'passphrase') throw failure('VAULT_CORRUPT', kind, 'expects a passphrase', file)
    master = await scryptAsync(source.passphrase, salt, { N: kdf.N, r: kdf.r, p: kdf.p })
  } else {
    if (source.kind !== 'raw') throw failure('VAULT_CORRUPT', kind, 'expects a raw key', file)
    master = Buffer.from(source.key)
  }
  const key: FileKey = { kdf, master }
  const { encryption, check } = subkeys(key)
  const expected = Buffer.from(parsed.header.keyCheck, 'base64')
  if (expected.length !== check.length || !timingSafeEqual(expected, check)) {
    master.fill(0)
    throw failure('VAULT_WRONG_PASSPHRASE', kind, '', file)
  }
  let plaintext: Buffer
  try {
    const decipher = createDecipheriv('aes-256-gcm', encryption, Buffer.from(parsed.header.iv, 'base64'))
    decipher.setAAD(parsed.aad)
    decipher.setAuthTag(parsed.tag)
    plaintext = Buffer.concat([decipher.update(parsed.ciphertext), decipher.final()])
  } catch {
    throw failure('VAULT_CORRUPT', kind, 'the encrypted data does not authenticate', file)
  } finally {
    encryption.fill(0)
  }
  let document: unknown
  try {
    document = JSON.parse(plaintext.toString('utf8'))
  } catch {
    throw failure('VAULT_CORRUPT', kind, 'unreadable contents', file)
  } finally {
    plaintext.fill(0)
  }
  const items = (document as { items?: unknown } | null)?.items
  if (typeof items !== 'object' || items === null || Object.values(items).some((v) => typeof v !== 'string')) {
    throw failure('VAULT_CORRUPT', kind, 'unexpected contents', file)
  }
  return { items: new Map(Object.entries(items as Record<string, string>)), key }
}

export async function readEncryptedFile(file: string, kind: FileKind, source: KeySource): Promise<OpenedFile> {
  let bytes: Buffer
  try {
    bytes = await readFile(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw failure('VAULT_NOT_INITIALIZED', kind, '', file)
    throw failure('VAULT_IO', kind, code ?? 'read failed', file)
  }
  return openItems(bytes, kind, source, file)
}

/** temp file → fsync → current file copied to `.bak` → rename → fsync directory; 0600 throughout. */
export async function writeFileAtomic(file: string, bytes: Buffer, options: { keepBackup: boolean }): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    const handle = await open(temp, 'wx', 0o600)
    try {
      await handle.writeFile(bytes)
      await handle.sync()
    } finally {
      await handle.close()
    }
    if (options.keepBackup) {
      try {
        await copyFile(file, `${file}.bak`)
        await chmod(`${file}.bak`, 0o600)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      }
    }
    await rename(temp, file)
    await chmod(file, 0o600)
    const directory = await open(dirname(file), 'r')
    try {
      await directory.sync()
    } catch {
      // Some filesystems refuse fsync on a directory; the rename is still atomic.
    } finally {
      await directory.close()
    }
  } catch (error) {
    await unlink(temp).catch(() => undefined)
    throw error
  }
}

export async function writeEncryptedFile(file: string, kind: FileKind, key: FileKey, items: ReadonlyMap<string, string>): Promise<void> {
  try {
    await writeFileAtomic(file, sealItems(kind, key, items), { keepBackup: true })
  } catch (error) {
    throw failure('VAULT_IO', kind, (error as NodeJS.ErrnoException).code ?? 'write failed', file)
  }
}
