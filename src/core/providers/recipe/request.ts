import { AppError } from '../../../shared/errors'
import { stringField, requiredSecret } from '../common'
import type { CredentialSet } from '../provider'
import type { Recipe, RecipeMethod } from './spec'
import {
  headerSafe,
  jsonStringContent,
  percentEncoded,
  placeholderText,
  raw,
  renderTemplate,
  xmlEscaped,
  type Escape,
  type Ref,
  type Template
} from './template'

/** A recipe turned into one concrete HTTP request for one account. */
export interface RecipeRequest {
  method: RecipeMethod
  url: string
  headers: Record<string, string>
  body: string | undefined
  /** Every secret value (and derived form) in the request, for redaction. */
  secrets: string[]
}

export type BodyKind = 'json' | 'form' | 'xml' | 'text'

/** The escaping a body gets follows its media type (parameters such as charset ignored). */
export function bodyKindOf(contentType: string): BodyKind {
  const media = contentType.split(';')[0]!.trim().toLowerCase()
  if (media === 'application/json' || media === 'text/json' || /^application\/[^/]+\+json$/.test(media)) return 'json'
  if (media === 'application/x-www-form-urlencoded') return 'form'
  if (media === 'application/xml' || media === 'text/xml' || /^application\/[^/]+\+xml$/.test(media)) return 'xml'
  return 'text'
}

/** Without a Content-Type header: what the body template looks like. */
export function inferContentType(template: Template): string {
  const leading = template[0]
  const start = leading?.kind === 'text' ? leading.text.trimStart() : ''
  if (start.startsWith('{') || start.startsWith('[')) return 'application/json'
  const literal = template.map((part) => (part.kind === 'text' ? part.text : 'x')).join('').trim()
  if (/^[^\s=&]+=[^\s&]*(&[^\s=&]+=[^\s&]*)*$/.test(literal)) return 'application/x-www-form-urlencoded'
  return 'text/plain; charset=utf-8'
}

/**
 * Whether URL part `index` is a whole path segment: after a `/`, before a `/`, `?`, `#` or the end,
 * and before any `?` or `#`. A `.` or `..` there is not sent as such: URL parsing drops it or
 * climbs a level (`/tenants/{{x}}/token` with `..` becomes `/token`), and percent-encoding cannot
 * help, since `%2e` counts as a dot too.
 */
function fillsPathSegment(template: Template, index: number): boolean {
  const before = template.slice(0, index)
  const previous = before[before.length - 1]
  const after = template[index + 1]
  const inPath = !before.some((part) => part.kind === 'text' && /[?#]/.test(part.text))
  return inPath && previous?.kind === 'text' && previous.text.endsWith('/') && (after === undefined || (after.kind === 'text' && /^[/?#]/.test(after.text)))
}

const notDotSegment: Escape = (value, placeholder) => {
  if (value === '.' || value === '..') {
    throw new AppError(
      'RECIPE_INVALID',
      `The value of ${placeholder} is a dot segment (. or ..) filling a whole URL path segment: the address would silently lose it or go up one level, so TokenDesk does not send it. Check the stored value.`,
      { field: 'url' }
    )
  }
  return percentEncoded(value, placeholder)
}

const ESCAPES: Record<BodyKind, Escape> = { json: jsonStringContent, form: percentEncoded, xml: xmlEscaped, text: raw }

export function buildRequest(recipe: Recipe, account: CredentialSet): RecipeRequest {
  const secrets = new Set<string>()
  const resolve = (ref: Ref): string => {
    if (ref.kind === 'secret') {
      const value = requiredSecret(account, ref.name, ref.name)
      secrets.add(value)
      return value
    }
    if (ref.name in recipe.variables) return recipe.variables[ref.name]!
    if (ref.name in account.fields) return stringField(account.fields, ref.name)
    throw new AppError('RECIPE_INVALID', `${placeholderText(ref)} has no value. Fill in the field or add "${ref.name}=…" to Variables.`, { field: 'url' })
  }

  // A value at the very start of the URL is the base URL itself: written as is (its trailing
  // slashes dropped before a path), never percent-encoded. Everywhere else in the URL: encoded.
  const leadingValue = recipe.url[0] !== undefined && recipe.url[0].kind !== 'text'
  const next = recipe.url[1]
  const url = renderTemplate(recipe.url, resolve, (index) =>
    index === 0 && leadingValue
      ? (value) => (next?.kind === 'text' && next.text.startsWith('/') ? value.replace(/\/+$/, '') : value)
      : fillsPathSegment(recipe.url, index)
        ? notDotSegment
        : percentEncoded
  )
  let parsed: URL
  try {
    parsed = new URL(url.text)
  } catch {
    throw new AppError('RECIPE_INVALID', `The URL ${recipe.urlSource.slice(0, 200)} does not give a valid address. Check Base URL and the URL.`, { field: 'url' })
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new AppError('RECIPE_INVALID', `The URL ${recipe.urlSource.slice(0, 200)} must give an https:// (or local http://) address.`, { field: 'url' })
  }

  const headers: Record<string, string> = {}
  const derived: string[] = [...url.derivedSecrets]
  for (const header of recipe.headers) {
    const rendered = renderTemplate(header.value, resolve, () => headerSafe(header.name))
    derived.push(...rendered.derivedSecrets)
    const key = header.name.toLowerCase()
    // Repeated lines combine as HTTP defines: one value, comma-separated.
    headers[key] = headers[key] === undefined ? rendered.text : `${headers[key]}, ${rendered.text}`
  }

  let body: string | undefined
  if (recipe.body !== null) {
    headers['content-type'] ??= inferContentType(recipe.body)
    const escape = ESCAPES[bodyKindOf(headers['content-type'])]
    const rendered = renderTemplate(recipe.body, resolve, () => escape)
    derived.push(...rendered.derivedSecrets)
    body = rendered.text
  }

  for (const value of derived) secrets.add(value)
  return { method: recipe.method, url: url.text, headers, body, secrets: [...secrets].filter((value) => value !== '') }
}
