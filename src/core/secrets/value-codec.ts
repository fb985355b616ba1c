import { createHash } from 'node:crypto'
import { AppError } from '../../shared/errors'

/**
 * How a value that a keychain item cannot hold as it is gets stored anyway.
 *
 * keytar passes values as C strings (NUL truncates them), refuses empty ones, replaces lone
 * surrogates with U+FFFD, and Windows caps an item at 2,560 bytes. A value that has none of
 * these problems is stored verbatim (so `secret-tool lookup` shows it as the user typed it).
 * Anything else is encoded: base64 of its UTF-8 bytes (or UTF-16LE bytes when it is not
 * well-formed Unicode), split into chunks. The main item holds
 *   ENCODED_MARK + JSON header + "\n" + first chunk
 * and chunk i (i ≥ 1) lives in the item `<key>#<generation>.<i>`. The generation is new on
 * every write, and the main item is written last, so a crash mid-write leaves the previous
 * value intact (plus orphan chunks) instead of a mix of old and new chunks.
 */

/** Verbatim values above this many UTF-8 bytes are chunked (Windows' 2,560-byte cap, with room). */
export const MAX_VERBATIM_BYTES = 2000
/** Base64 characters per chunk (ASCII, so also bytes); leaves room for the header. */
export const CHUNK_CHARS = 1800
/** Starts with U+0001 so no value a person types is mistaken for an encoded one. */
export const ENCODED_MARK = '\u0001TD1'

export interface EncodedHeader {
  /** u8: UTF-8 bytes; u16: UTF-16LE bytes (for strings with lone surrogates). */
  e: 'u8' | 'u16'
  /** Number of chunks, including the one in the main item. */
  n: number
  /** Generation: part of every chunk's item name. */
  g: string
  /** First 16 hex digits of SHA-256 over the whole base64 payload. */
  d: string
}

export interface EncodedValue {
  main: string
  /** Chunks 1..n-1, stored under `chunkAccount(key, header.g, i)`. */
  chunks: string[]
  header: EncodedHeader | null
}

export type ParsedMain = { kind: 'verbatim'; value: string } | { kind: 'encoded'; header: EncodedHeader; firstChunk: string }

export function chunkAccount(key: string, generation: string, index: number): string {
  return `${key}#${generation}.${index}`
}

export function canStoreVerbatim(value: string): boolean {
  return (
    value.length > 0 &&
    !value.includes('\0') &&
    value.isWellFormed() &&
    !value.startsWith(ENCODED_MARK) &&
    Buffer.byteLength(value, 'utf8') <= MAX_VERBATIM_BYTES
  )
}

function digest(payload: string): string {
  return createHash('sha256').update(payload).digest('hex').slice(0, 16)
}

export function encodeValue(value: string, generation: string): EncodedValue {
  if (canStoreVerbatim(value)) return { main: value, chunks: [], header: null }
  const wellFormed = value.isWellFormed()
  const payload = Buffer.from(value, wellFormed ? 'utf8' : 'utf16le').toString('base64')
  const pieces: string[] = []
  for (let at = 0; at < payload.length; at += CHUNK_CHARS) pieces.push(payload.slice(at, at + CHUNK_CHARS))
  if (pieces.length === 0) pieces.push('')
  const header: EncodedHeader = { e: wellFormed ? 'u8' : 'u16', n: pieces.length, g: generation, d: digest(payload) }
  return { main: `${ENCODED_MARK}${JSON.stringify(header)}\n${pieces[0]}`, chunks: pieces.slice(1), header }
}

function corrupt(what: string): AppError {
  return new AppError('SECRET_CORRUPT', `A stored secret could not be read back intact (${what}).`, {
    fix: 'Enter the secret again; the damaged item will be replaced.'
  })
}

export function parseMain(stored: string): ParsedMain {
  if (!stored.startsWith(ENCODED_MARK)) return { kind: 'verbatim', value: stored }
  const newline = stored.indexOf('\n')
  if (newline < 0) throw corrupt('header without data')
  let header: unknown
  try {
    header = JSON.parse(stored.slice(ENCODED_MARK.length, newline))
  } catch {
    throw corrupt('unreadable header')
  }
  if (!isHeader(header)) throw corrupt('unexpected header')
  return { kind: 'encoded', header, firstChunk: stored.slice(newline + 1) }
}

function isHeader(value: unknown): value is EncodedHeader {
  if (typeof value !== 'object' || value === null) return false
  const h = value as Record<string, unknown>
  return (
    (h.e === 'u8' || h.e === 'u16') &&
    typeof h.n === 'number' &&
    Number.isInteger(h.n) &&
    h.n >= 1 &&
    h.n <= 100_000 &&
    typeof h.g === 'string' &&
    /^[a-z0-9]{1,32}$/.test(h.g) &&
    typeof h.d === 'string'
  )
}

/** Joins the chunks, checks the digest and decodes. `chunks` holds chunk 1..n-1 (null when missing). */
export function decodeChunks(header: EncodedHeader, firstChunk: string, chunks: ReadonlyArray<string | null>): string {
  if (chunks.length !== header.n - 1 || chunks.some((chunk) => chunk === null)) throw corrupt('a chunk is missing')
  const payload = firstChunk + chunks.join('')
  if (digest(payload) !== header.d) throw corrupt('chunks do not match')
  return Buffer.from(payload, 'base64').toString(header.e === 'u8' ? 'utf8' : 'utf16le')
}
