import { AppError } from '../../../shared/errors'

/**
 * Recipe templates: text with placeholders, rendered once per request.
 *
 *   {{secret:name}}        a secret the user enters (stored in the keychain)
 *   {{field:name}}         an account field or a variable
 *   {{base64:…}}           the base64 of the text inside, which may hold the two above
 *                          (HTTP Basic: `Basic {{base64:{{field:username}}:{{secret:password}}}}`)
 *
 * Rendering is a single pass: a substituted value is never read as a template again, so a
 * secret that happens to contain `{{secret:x}}` stays that text. Each value is escaped for
 * the place it lands in (see `Escape`).
 */

export const PLACEHOLDER_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/

export type Ref = { kind: 'secret'; name: string } | { kind: 'field'; name: string }
export type TemplatePart = { kind: 'text'; text: string } | Ref | { kind: 'base64'; parts: Array<{ kind: 'text'; text: string } | Ref> }
export type Template = TemplatePart[]

/** How a substituted value is written where it lands. */
export type Escape = (value: string, placeholder: string) => string

function invalid(message: string, field: string): AppError {
  return new AppError('RECIPE_INVALID', message, { field })
}

/** `where` names the field in sentences ("URL", "Headers", "Body"); `field` is its form name. */
export function parseTemplate(source: string, where: string, field: string): Template {
  const parts = parseParts(source, where, field, true)
  return parts
}

function parseParts(source: string, where: string, field: string, allowBase64: boolean): Template {
  const parts: Template = []
  let text = ''
  let index = 0
  while (index < source.length) {
    const open = source.indexOf('{{', index)
    if (open === -1) {
      text += source.slice(index)
      break
    }
    text += source.slice(index, open)
    const close = findClose(source, open)
    if (close === -1) {
      throw invalid(`${where}: the placeholder starting "${preview(source.slice(open))}" is never closed with }}.`, field)
    }
    const inner = source.slice(open + 2, close)
    const placeholder = `{{${inner}}}`
    const colon = inner.indexOf(':')
    const kind = colon === -1 ? inner : inner.slice(0, colon)
    const rest = colon === -1 ? '' : inner.slice(colon + 1)
    if (text !== '') parts.push({ kind: 'text', text })
    text = ''
    if (kind === 'secret' || kind === 'field') {
      if (!PLACEHOLDER_NAME.test(rest)) {
        throw invalid(`${where}: ${preview(placeholder)} needs a name of letters, digits, _ . or - (starting with a letter), like {{${kind}:apiKey}}.`, field)
      }
      parts.push({ kind, name: rest })
    } else if (kind === 'base64' && allowBase64) {
      const nested = parseParts(rest, where, field, false)
      parts.push({ kind: 'base64', parts: nested as Array<{ kind: 'text'; text: string } | Ref> })
    } else {
      throw invalid(
        `${where}: unknown placeholder ${preview(placeholder)}. Use {{secret:name}}, {{field:name}} or {{base64:…}}${allowBase64 ? '' : ' (base64 cannot be nested)'}.`,
        field
      )
    }
    index = close + 2
  }
  if (text !== '') parts.push({ kind: 'text', text })
  return parts
}

/** The index of the `}}` closing the `{{` at `open`, counting nested `{{ … }}`; -1 if none. */
function findClose(source: string, open: number): number {
  let depth = 0
  let index = open
  while (index < source.length - 1) {
    if (source.startsWith('{{', index)) {
      depth++
      index += 2
    } else if (source.startsWith('}}', index)) {
      depth--
      if (depth === 0) return index
      index += 2
    } else {
      index++
    }
  }
  return -1
}

/** Placeholders are the user's own template text (never a secret), bounded for sentences. */
function preview(text: string): string {
  const line = text.split(/\r?\n/)[0] ?? ''
  return line.length > 60 ? `${line.slice(0, 60)}…` : line
}

export function refsOf(template: Template): Ref[] {
  const refs: Ref[] = []
  for (const part of template) {
    if (part.kind === 'secret' || part.kind === 'field') refs.push(part)
    else if (part.kind === 'base64') for (const inner of part.parts) if (inner.kind !== 'text') refs.push(inner)
  }
  return refs
}

export function placeholderText(ref: Ref): string {
  return `{{${ref.kind}:${ref.name}}}`
}

/** Looks up a placeholder's value; throws a sentence when it has none. */
export type Resolve = (ref: Ref) => string

export interface Rendered {
  text: string
  /** Values derived from secrets that are not secrets verbatim (the base64 of a user:password pair). */
  derivedSecrets: string[]
}

/**
 * Renders a template. `escape` is applied to every substituted value (and to a base64 result),
 * never to the template's own text; `escapeAt` may choose a different escape by position
 * (the URL writes a leading base URL as is).
 */
export function renderTemplate(template: Template, resolve: Resolve, escapeAt: (partIndex: number) => Escape): Rendered {
  let text = ''
  const derivedSecrets: string[] = []
  template.forEach((part, partIndex) => {
    if (part.kind === 'text') {
      text += part.text
      return
    }
    const escape = escapeAt(partIndex)
    if (part.kind === 'base64') {
      let raw = ''
      let holdsSecret = false
      for (const inner of part.parts) {
        if (inner.kind === 'text') raw += inner.text
        else {
          raw += resolve(inner)
          if (inner.kind === 'secret') holdsSecret = true
        }
      }
      const encoded = Buffer.from(raw, 'utf8').toString('base64')
      if (holdsSecret) derivedSecrets.push(encoded)
      text += escape(encoded, '{{base64:…}}')
      return
    }
    text += escape(resolve(part), placeholderText(part))
  })
  return { text, derivedSecrets }
}

// ── escapes ──────────────────────────────────────────────────────────────────────────────

export const raw: Escape = (value) => value

/** Inside a JSON string: JSON's own escaping, without the surrounding quotes. */
export const jsonStringContent: Escape = (value) => JSON.stringify(value).slice(1, -1)

function wellFormed(value: string, placeholder: string): string {
  // encodeURIComponent throws on a lone surrogate; say which placeholder instead.
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value)) {
    throw new AppError('RECIPE_INVALID', `The value of ${placeholder} is not valid text (it contains a broken Unicode character), so it cannot be percent-encoded.`)
  }
  return value
}

/** URL path or query, and form bodies: every byte outside A-Z a-z 0-9 - _ . ! ~ * ' ( ) as %XX (UTF-8). */
export const percentEncoded: Escape = (value, placeholder) => encodeURIComponent(wellFormed(value, placeholder))

const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }
export const xmlEscaped: Escape = (value) => value.replace(/[&<>"']/g, (char) => XML_ENTITIES[char] ?? char)

/**
 * Header values are byte strings without line breaks: a CR or LF would let a value start a
 * new header (or a body), so it is refused, as is anything else HTTP forbids in a value.
 */
export function headerSafe(headerName: string): Escape {
  return (value, placeholder) => {
    if (/[\r\n]/.test(value)) {
      throw new AppError('RECIPE_INVALID', `The value of ${placeholder} contains a line break, which cannot go into the ${headerName} header. Remove it from the stored value.`, {
        field: 'headers'
      })
    }
    if (/[^\t\x20-\x7e\x80-\xff]/.test(value)) {
      throw new AppError(
        'RECIPE_INVALID',
        `The value of ${placeholder} contains a control character or a character outside Latin-1, which cannot go into the ${headerName} header.`,
        { field: 'headers' }
      )
    }
    return value
  }
}
