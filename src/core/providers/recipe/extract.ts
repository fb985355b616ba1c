import { decodeJwt } from 'jose'
import { AppError } from '../../../shared/errors'
import type { HttpResponse } from '../../http/client'
import { looksLikeJwt } from '../common'
import type { ExpiryInfo } from '../provider'
import type { ExpiryFormat } from './spec'

/**
 * Where a recipe finds things in the answer, and how it reads an expiry.
 * Locators: `json:<RFC 6901 pointer>`, `header:<Name>`, `body` (the whole body, trimmed).
 */

export type Locator = { kind: 'json'; pointer: string; tokens: string[] } | { kind: 'header'; name: string } | { kind: 'body' }

function invalid(message: string, field: string): AppError {
  return new AppError('RECIPE_INVALID', message, { field })
}

/** RFC 6901: "" is the whole document; otherwise "/"-separated tokens with ~1 → "/" and ~0 → "~". */
export function parsePointer(pointer: string): string[] | null {
  if (pointer === '') return []
  if (!pointer.startsWith('/')) return null
  const tokens: string[] = []
  for (const token of pointer.slice(1).split('/')) {
    if (/~(?![01])/.test(token)) return null
    tokens.push(token.replace(/~1/g, '/').replace(/~0/g, '~'))
  }
  return tokens
}

export function parseLocator(source: string, field: string, allowBody: boolean): Locator {
  if (source.startsWith('json:')) {
    const pointer = source.slice('json:'.length)
    const tokens = parsePointer(pointer)
    if (tokens === null) throw invalid(`"${source}" is not a JSON pointer: write json:/key/nested (with ~1 for a / and ~0 for a ~ inside a key).`, field)
    return { kind: 'json', pointer, tokens }
  }
  if (source.startsWith('header:')) {
    const name = source.slice('header:'.length).trim()
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw invalid(`"${source}" does not name a header: write header:Name.`, field)
    return { kind: 'header', name }
  }
  if (source === 'body' && allowBody) return { kind: 'body' }
  throw invalid(`"${source}" is not a place in the answer: write json:/path, header:Name${allowBody ? ' or body' : ''}.`, field)
}

export function locatorText(locator: Locator): string {
  switch (locator.kind) {
    case 'json':
      return `json:${locator.pointer}`
    case 'header':
      return `header:${locator.name}`
    default:
      return 'body'
  }
}

/** The value at a pointer, or undefined; own properties only (no "constructor" from the prototype). */
export function resolvePointer(document: unknown, tokens: readonly string[]): unknown {
  let current: unknown = document
  for (const token of tokens) {
    if (Array.isArray(current)) {
      if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined
      current = current[Number(token)]
    } else if (current !== null && typeof current === 'object' && Object.prototype.hasOwnProperty.call(current, token)) {
      current = (current as Record<string, unknown>)[token]
    } else {
      return undefined
    }
  }
  return current
}

/** What the answer has instead, for "it has: …": top-level keys or header names, never values. */
function describeKeys(names: readonly string[]): string {
  if (names.length === 0) return 'nothing'
  const shown = names.slice(0, 20).map((name) => (name.length > 40 ? `${name.slice(0, 40)}…` : name))
  return shown.join(', ') + (names.length > 20 ? `, and ${names.length - 20} more` : '')
}

function describeShape(document: unknown): string {
  if (Array.isArray(document)) return `a list of ${document.length} items`
  if (document !== null && typeof document === 'object') return describeKeys(Object.keys(document))
  return `a single ${document === null ? 'null' : typeof document}`
}

function jsonBody(response: HttpResponse, where: string, field: string): unknown {
  try {
    return JSON.parse(response.body) as unknown
  } catch {
    const type = response.headers['content-type']?.split(';')[0]?.trim()
    throw invalid(`The answer is not JSON${type ? ` (it is ${type.slice(0, 60)})` : ''}, so ${where} cannot be read. Use header:Name or body instead.`, field)
  }
}

/**
 * The raw value a locator points at: a string, a number, or (json) anything else found there.
 * Missing → RECIPE_INVALID listing what the answer has (keys or header names only).
 */
export function locate(response: HttpResponse, locator: Locator, field: string): unknown {
  const where = locatorText(locator)
  if (locator.kind === 'body') {
    const text = response.body.trim()
    if (text === '') throw invalid('The answer is empty, so body holds no token.', field)
    return text
  }
  if (locator.kind === 'header') {
    const value = response.headers[locator.name.toLowerCase()]
    if (value === undefined) throw invalid(`The answer has no header ${locator.name}; it has: ${describeKeys(Object.keys(response.headers))}.`, field)
    return value
  }
  const document = jsonBody(response, where, field)
  const value = resolvePointer(document, locator.tokens)
  if (value === undefined) throw invalid(`The answer has no value at ${where}; it has: ${describeShape(document)}.`, field)
  return value
}

function kindOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'an object'
  if (typeof value === 'number') return 'a number'
  if (typeof value === 'boolean') return 'true/false'
  if (typeof value === 'string') return 'a long text'
  return typeof value
}

export function tokenAt(response: HttpResponse, locator: Locator): string {
  const value = locate(response, locator, 'tokenFrom')
  const where = locatorText(locator)
  if (typeof value !== 'string') throw invalid(`The value at ${where} is ${kindOf(value)}, not a token (text).`, 'tokenFrom')
  const token = value.trim()
  if (token === '') throw invalid(`The value at ${where} is empty.`, 'tokenFrom')
  return token
}

/** A JWT that decodes: its format is 'jwt'. */
export function isJwt(value: string): boolean {
  if (!looksLikeJwt(value)) return false
  try {
    decodeJwt(value)
    return true
  } catch {
    return false
  }
}

export function describeToken(token: string): string {
  return `${isJwt(token) ? 'a JWT' : 'an opaque value'}, ${token.length} characters`
}

// ── expiry ──────────────────────────────────────────────────────────────────────────────

const NUMBER_TEXT = /^\s*-?\d+(\.\d+)?\s*$/
/** ISO 8601 date-time (zone optional: no zone means UTC) or a plain date. */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/
/** RFC 9110 IMF-fixdate, as in Expires headers: "Sun, 06 Nov 1994 08:49:37 GMT". */
const HTTP_DATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/

/** A value quoted in a sentence only when it is short and plainly not a credential (digits, dates). */
function quoted(value: unknown): string {
  // Only text and numbers are quoted: a list such as [1] is "a list", never "1".
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return kindOf(value)
  const text = typeof value === 'string' ? value.trim() : String(value)
  return text.length <= 40 && /^[0-9A-Za-z:+\-., ]*$/.test(text) && !/[A-Za-z]{12,}/.test(text) ? `"${text}"` : `${kindOf(value)}`
}

function parseDate(text: string): number | null {
  const trimmed = text.trim()
  if (ISO_DATE.test(trimmed)) {
    const hasZone = /([Zz]|[+-]\d{2}:?\d{2})$/.test(trimmed) && /[Tt ]/.test(trimmed)
    const normalized = trimmed.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2')
    const ms = Date.parse(hasZone ? normalized : normalized.includes('T') ? `${normalized}Z` : `${normalized}T00:00:00Z`)
    return Number.isFinite(ms) ? ms : null
  }
  if (HTTP_DATE.test(trimmed)) {
    const ms = Date.parse(trimmed)
    return Number.isFinite(ms) ? ms : null
  }
  return null
}

function numberOf(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (typeof value === 'string' && NUMBER_TEXT.test(value)) return Number(value)
  return null
}

export interface ExpiryReading {
  expiry: ExpiryInfo
  /** JWT nbf (server clock), when the expiry came from a JWT. */
  notBeforeMs: number | null
  /** "json:/expires_in → 300", "JWT exp → 1767123456", or why it is unknown. */
  said: string
}

function jwtReading(jwt: string, where: string): ExpiryReading | null {
  if (!looksLikeJwt(jwt)) return null
  try {
    const claims = decodeJwt(jwt)
    const notBeforeMs = typeof claims.nbf === 'number' ? claims.nbf * 1000 : null
    if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp)) return null
    return { expiry: { source: 'jwt-exp', kind: 'server-time', atMs: claims.exp * 1000 }, notBeforeMs, said: `${where} → ${claims.exp}` }
  } catch {
    return null
  }
}

/**
 * The expiry, as the recipe says to read it. Never invented: with nothing to read it is
 * unknown; a value that is there but unreadable is RECIPE_INVALID (the recipe is wrong).
 */
export function readExpiry(response: HttpResponse, token: string, from: Locator | null, format: ExpiryFormat): ExpiryReading {
  if (from === null) {
    const fromJwt = jwtReading(token, 'JWT exp')
    if (fromJwt) return fromJwt
    if (format === 'jwt-exp') {
      throw invalid('Expiry format is "JWT exp claim", but the token is not a JWT with an exp claim. Set Expiry from, or choose Automatic.', 'expiryFormat')
    }
    return { expiry: { source: 'unknown', kind: 'unknown' }, notBeforeMs: null, said: 'expiry → unknown: the answer does not say when the token expires' }
  }
  const where = locatorText(from)
  const value = locate(response, from, 'expiryFrom')
  const cannot = (as: string): AppError =>
    invalid(`The value at ${where} is ${quoted(value)}, which is not ${as}. Check Expiry from and Expiry format.`, 'expiryFormat')
  const said = `${where} → ${typeof value === 'string' || typeof value === 'number' ? quoted(value).replace(/^"|"$/g, '') : kindOf(value)}`
  const seconds = (count: number, unit: number): ExpiryReading => {
    if (count < 0) throw cannot('a lifetime (it is negative)')
    return { expiry: { source: 'recipe', kind: 'seconds', seconds: count * unit }, notBeforeMs: null, said }
  }
  const at = (atMs: number): ExpiryReading => ({ expiry: { source: 'recipe', kind: 'server-time', atMs: Math.round(atMs) }, notBeforeMs: null, said })

  switch (format) {
    case 'jwt-exp': {
      const reading = typeof value === 'string' ? jwtReading(value.trim(), `${where} exp`) : null
      if (!reading) throw cannot('a JWT with an exp claim')
      return reading
    }
    case 'seconds':
    case 'hours': {
      const count = numberOf(value)
      if (count === null) throw cannot(`a number of ${format}`)
      return seconds(count, format === 'hours' ? 3600 : 1)
    }
    case 'epoch-seconds':
    case 'epoch-ms': {
      const count = numberOf(value)
      if (count === null || count < 0) throw cannot(format === 'epoch-ms' ? 'a Unix time in milliseconds' : 'a Unix time in seconds')
      return at(format === 'epoch-ms' ? count : count * 1000)
    }
    case 'iso-date': {
      const ms = typeof value === 'string' ? parseDate(value) : null
      if (ms === null) throw cannot('a date (ISO 8601 or an HTTP date)')
      return at(ms)
    }
    default: {
      const count = numberOf(value)
      if (count !== null) {
        if (count < 0) throw cannot('a lifetime or a time (it is negative)')
        if (count < 1e9) return seconds(count, 1)
        return at(count < 1e12 ? count * 1000 : count)
      }
      if (typeof value === 'string') {
        const ms = parseDate(value)
        if (ms !== null) return at(ms)
        const fromJwt = jwtReading(value.trim(), `${where} exp`)
        if (fromJwt) return fromJwt
      }
      throw cannot('a number, a date or a JWT')
    }
  }
}
