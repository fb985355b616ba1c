import { decodeJwt } from 'jose'
import { AppError, type ErrorCode } from '../../shared/errors'
import type { FieldSpec, FieldValues } from '../../shared/model'
import type { HttpResponse } from '../http/client'
import type { CredentialSet, ExpiryInfo } from './provider'

/** Shared pieces of the provider modules: common fields, URL joining, JWT expiry, error sentences. */

export function baseUrlField(placeholder: string, help: string, defaultValue?: string): FieldSpec {
  return {
    name: 'baseUrl',
    label: 'Base URL',
    kind: 'url',
    required: true,
    placeholder,
    help,
    ...(defaultValue !== undefined ? { default: defaultValue } : {})
  }
}

export const INSECURE_HTTP_FIELD: FieldSpec = {
  name: 'allowInsecureHttp',
  label: 'Allow plain HTTP to a remote host',
  kind: 'boolean',
  required: false,
  default: false,
  advanced: true,
  help: 'Off: http:// is used only for this machine (localhost). Turn on only for a server you trust on a network you trust.'
}

export function stringField(fields: FieldValues, name: string): string {
  const value = fields[name]
  return typeof value === 'string' ? value : value === undefined ? '' : String(value)
}

export function requiredSecret(set: CredentialSet, name: string, label: string): string {
  const value = set.secrets[name]
  if (value === undefined || value === '') {
    throw new AppError('VALIDATION_FAILED', `${set.name}: ${label} is not stored. Edit it and enter the ${label}.`, { fields: { [name]: `${label} is required.` } })
  }
  return value
}

/** `https://host/v1` + `/tokens` → `https://host/v1/tokens` (one slash, base path kept). */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`
}

export function insecureAllowed(account: CredentialSet): boolean {
  return account.fields.allowInsecureHttp === true
}

/** Expiry (and nbf) of a JWT from its claims, on the server's clock. Not a JWT or no exp: unknown. */
export function jwtExpiry(token: string): { expiry: ExpiryInfo; notBeforeMs: number | null } {
  try {
    const claims = decodeJwt(token)
    const notBeforeMs = typeof claims.nbf === 'number' ? claims.nbf * 1000 : null
    if (typeof claims.exp === 'number' && Number.isFinite(claims.exp)) {
      return { expiry: { source: 'jwt-exp', kind: 'server-time', atMs: claims.exp * 1000 }, notBeforeMs }
    }
    return { expiry: { source: 'unknown', kind: 'unknown' }, notBeforeMs }
  } catch {
    return { expiry: { source: 'unknown', kind: 'unknown' }, notBeforeMs: null }
  }
}

export function looksLikeJwt(value: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(value)
}

/** The server's own short error text from a JSON body, if it has one (bounded; never echoes credentials). */
export function serverMessage(response: HttpResponse, secrets: readonly string[] = []): string | null {
  let text: string | null = null
  try {
    const body = JSON.parse(response.body) as unknown
    if (body && typeof body === 'object') {
      const record = body as Record<string, unknown>
      const candidates = [record.error_description, record.detail, record.error, record.message, record.Message]
      const nested = record.errors
      if (nested && typeof nested === 'object' && !Array.isArray(nested)) candidates.push((nested as Record<string, unknown>).detail)
      if (Array.isArray(nested) && nested[0] && typeof nested[0] === 'object') candidates.push((nested[0] as Record<string, unknown>).detail)
      text = (candidates.find((c) => typeof c === 'string' && c.trim() !== '') as string | undefined) ?? null
    }
  } catch {
    text = null
  }
  if (text === null) return null
  for (const secret of secrets) if (secret.length >= 4) text = text.split(secret).join('[redacted]')
  return text.slice(0, 200)
}

/**
 * The fallback sentence for an answer a provider did not map itself: 401/403 → credentials
 * rejected, 429 → rate limited (with Retry-After), 5xx → the server failed, else the status.
 */
export function unexpectedStatus(response: HttpResponse, purpose: string, secrets: readonly string[] = []): AppError {
  const said = serverMessage(response, secrets)
  const suffix = said ? ` The server said: "${said}".` : ''
  const details: Record<string, unknown> = { status: response.status, purpose }
  let code: ErrorCode = 'UPSTREAM_ERROR'
  let sentence = `${purpose} failed with HTTP ${response.status}.`
  if (response.status === 401 || response.status === 403) {
    code = 'AUTH_REJECTED'
    sentence = `${purpose}: the server rejected the credentials (HTTP ${response.status}). Check them and try again.`
  } else if (response.status === 429) {
    code = 'RATE_LIMITED'
    const retryAfter = Number(response.headers['retry-after'])
    if (Number.isFinite(retryAfter)) details.retryAfterSeconds = retryAfter
    sentence = `${purpose}: the server is rate limiting requests${Number.isFinite(retryAfter) ? `; try again in ${retryAfter} s` : '; try again shortly'}.`
  } else if (response.status >= 500) {
    sentence = `${purpose}: the server failed (HTTP ${response.status}). Try again later.`
  } else if (response.status === 404) {
    sentence = `${purpose}: the server has no such endpoint (HTTP 404). Check the base URL.`
  }
  return new AppError(code, sentence + suffix, details)
}

/** `response.json()` as an object, or a typed error saying the answer was not what the API returns. */
export function jsonObject(response: HttpResponse, purpose: string): Record<string, unknown> {
  const body = response.json()
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new AppError('UPSTREAM_BAD_RESPONSE', `${purpose}: the server's answer is not the expected JSON object.`, { purpose, status: response.status })
  }
  return body as Record<string, unknown>
}

export function requireString(body: Record<string, unknown>, key: string, purpose: string): string {
  const value = body[key]
  if (typeof value !== 'string' || value === '') {
    throw new AppError('UPSTREAM_BAD_RESPONSE', `${purpose}: the server's answer has no "${key}".`, { purpose, missing: key })
  }
  return value
}
