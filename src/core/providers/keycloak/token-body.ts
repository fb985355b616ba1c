import { XMLParser } from 'fast-xml-parser'
import { AppError } from '../../../shared/errors'

/**
 * The proxy's `TokenRequest` (seed-apis.md §4.1) written as JSON, DataContract XML or a form, and
 * its answers read back from JSON or XML. Pure: no I/O, so the builders and parsers are
 * property-tested on their own.
 */

export const BODY_FORMATS = ['json', 'xml', 'form'] as const
export type BodyFormat = (typeof BODY_FORMATS)[number]

export const DATA_CONTRACT_NAMESPACE = 'http://schemas.datacontract.org/2004/07/IO.Swagger.Models'
const XML_SCHEMA_INSTANCE_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance'

/**
 * DataContractSerializer order: String.CompareOrdinal, so the uppercase `WindowsAuthentication`
 * comes first. The server silently drops an element that arrives out of this order, so it is fixed
 * here rather than derived from object key order.
 */
export const TOKEN_REQUEST_MEMBER_ORDER = [
  'WindowsAuthentication',
  'client_id',
  'client_secret',
  'grant_type',
  'password',
  'refresh_token',
  'scope',
  'username'
] as const

export type TokenRequestStringMember = Exclude<(typeof TOKEN_REQUEST_MEMBER_ORDER)[number], 'WindowsAuthentication'>

export interface TokenRequest {
  /** A non-nullable bool on the server (false when omitted); always sent. */
  WindowsAuthentication: boolean
  /** Absent members are omitted from every format (the model's EmitDefaultValue=false). */
  members: Partial<Record<TokenRequestStringMember, string>>
}

export interface EncodedBody {
  contentType: string
  body: string
}

/** Characters XML 1.0 cannot carry at all, not even as a character reference. */
// eslint-disable-next-line no-control-regex
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

export function xmlCanCarry(value: string): boolean {
  return !XML_FORBIDDEN.test(value)
}

/** Text content escaping as .NET's XmlWriter does it; CR as a reference so parsers do not fold it into LF. */
function escapeXmlText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;')
}

function presentMembers(request: TokenRequest): [TokenRequestStringMember, string][] {
  const present: [TokenRequestStringMember, string][] = []
  for (const name of TOKEN_REQUEST_MEMBER_ORDER) {
    if (name === 'WindowsAuthentication') continue
    const value = request.members[name]
    if (value !== undefined) present.push([name, value])
  }
  return present
}

/** `fieldLabels` names the form field behind a member, for the sentence when XML cannot carry its value. */
export function encodeTokenRequest(format: BodyFormat, request: TokenRequest, fieldLabels: Partial<Record<TokenRequestStringMember, string>> = {}): EncodedBody {
  const members = presentMembers(request)
  if (format === 'json') {
    const body: Record<string, string | boolean> = { WindowsAuthentication: request.WindowsAuthentication }
    for (const [name, value] of members) body[name] = value
    return { contentType: 'application/json; charset=utf-8', body: JSON.stringify(body) }
  }
  if (format === 'form') {
    const form = new URLSearchParams()
    form.set('WindowsAuthentication', String(request.WindowsAuthentication))
    for (const [name, value] of members) form.set(name, value)
    return { contentType: 'application/x-www-form-urlencoded; charset=utf-8', body: form.toString() }
  }
  let xml = `<TokenRequest xmlns:i="${XML_SCHEMA_INSTANCE_NAMESPACE}" xmlns="${DATA_CONTRACT_NAMESPACE}">`
  xml += `<WindowsAuthentication>${String(request.WindowsAuthentication)}</WindowsAuthentication>`
  for (const [name, value] of members) {
    if (!xmlCanCarry(value)) {
      const label = fieldLabels[name] ?? name
      throw new AppError(
        'VALIDATION_FAILED',
        `The ${label} contains control characters that XML cannot carry. Choose the JSON or form body format for this account, or change the ${label}.`,
        { member: name }
      )
    }
    xml += `<${name}>${escapeXmlText(value)}</${name}>`
  }
  xml += '</TokenRequest>'
  return { contentType: 'application/xml; charset=utf-8', body: xml }
}

const xmlParser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: true,
  isArray: (name) => name === 'KeyValueOfstringstring'
})

/** A flat answer: every member as the server wrote it (JSON keeps its types, XML gives strings). */
export type AnswerMembers = Record<string, unknown>

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Whether the document's root element is `<html>` (any case), after what may come before it: a BOM,
 * whitespace, an XML declaration or other processing instructions, comments. A proxy's or web
 * server's error page often has no DOCTYPE (`<html>Bad Request</html>`) and is well-formed enough to
 * parse; it must still count as a page, not as an empty answer. A linear scan, not a regular
 * expression, so a long run of unclosed `<?`/`<!--` cannot make it backtrack.
 */
export function hasHtmlRoot(text: string): boolean {
  // \s covers the BOM (U+FEFF) too.
  const space = /\s*/y
  let at = 0
  for (;;) {
    space.lastIndex = at
    space.exec(text)
    at = space.lastIndex
    const close = text.startsWith('<?', at) ? '?>' : text.startsWith('<!--', at) ? '-->' : null
    if (close === null) break
    // Past the opener, so `<?>` and `<!-->` do not close themselves.
    const end = text.indexOf(close, at + (close === '?>' ? 2 : 4))
    if (end === -1) return false
    at = end + close.length
  }
  return /^<html(?=[\s/>]|$)/i.test(text.slice(at, at + 6))
}

/**
 * Whether an answer is an HTML page: markup labelled text/html (or XHTML), or markup that starts as a
 * page does (a DOCTYPE html, an `<html>` root) whatever its label says, as a proxy's or a single
 * sign-on's login page may come as text/plain. A body that is not markup (empty, JSON, plain words)
 * is no page, even labelled text/html.
 */
export function isHtmlPage(contentType: string | undefined, body: string): boolean {
  // trimStart drops a BOM too.
  if (!body.trimStart().startsWith('<')) return false
  return /^\s*(text\/html|application\/xhtml\+xml)\s*(;|$)/i.test(contentType ?? '') || /^\s*<!DOCTYPE\s+html(?=[\s>])/i.test(body) || hasHtmlRoot(body)
}

/**
 * Reads a DataContract XML document into its members: `<AccessTokenResponse>` / `<TokenRequest>` /
 * `<Error>` as element → text, and the `Dictionary<string,string>` Keycloak errors come in as
 * Key → Value. Null when it is not XML we understand, and for an HTML page (with or without a
 * DOCTYPE), so that callers say "not the proxy" rather than read the page as an empty answer.
 */
export function readXmlMembers(xml: string): { root: string; members: Record<string, string> } | null {
  // DTDs are refused by .NET for these bodies; refusing them here rules out entity expansion too.
  if (/<!DOCTYPE/i.test(xml) || !xml.trimStart().startsWith('<') || hasHtmlRoot(xml)) return null
  let parsed: unknown
  try {
    parsed = xmlParser.parse(xml, true)
  } catch {
    return null
  }
  if (!isRecord(parsed)) return null
  const rootEntry = Object.entries(parsed).find(([name]) => name !== '#text' && name !== '#comment')
  if (!rootEntry) return null
  const [root, content] = rootEntry
  // An XHTML page with a namespace prefix on its root (`<h:html>`): the parser drops the prefix.
  if (root.toLowerCase() === 'html') return null
  const members: Record<string, string> = {}
  if (!isRecord(content)) return { root, members }
  if (root === 'ArrayOfKeyValueOfstringstring') {
    const pairs = content.KeyValueOfstringstring
    if (Array.isArray(pairs)) {
      for (const pair of pairs) {
        if (isRecord(pair) && typeof pair.Key === 'string') members[pair.Key] = typeof pair.Value === 'string' ? pair.Value : ''
      }
    }
    return { root, members }
  }
  for (const [name, value] of Object.entries(content)) {
    if (typeof value === 'string') members[name] = value
  }
  return { root, members }
}

/** A TokenRequest read back from its XML (the round-trip check of the builder). Null: not a TokenRequest. */
export function decodeXmlTokenRequest(xml: string): TokenRequest | null {
  const read = readXmlMembers(xml)
  if (!read || read.root !== 'TokenRequest') return null
  const request: TokenRequest = { WindowsAuthentication: read.members.WindowsAuthentication === 'true', members: {} }
  for (const name of TOKEN_REQUEST_MEMBER_ORDER) {
    if (name === 'WindowsAuthentication') continue
    const value = read.members[name]
    if (value !== undefined) request.members[name] = value
  }
  return request
}

/**
 * The answer's members from its body, whatever format the server chose: JSON (asked for), or XML
 * when the server insists. Null: neither (an HTML error page, a proxy's text, an empty body).
 */
export function readAnswer(contentType: string | undefined, body: string): AnswerMembers | null {
  const trimmed = body.trim()
  const saysXml = /xml/i.test(contentType ?? '')
  if (!saysXml && (trimmed.startsWith('{') || /json/i.test(contentType ?? ''))) {
    try {
      const parsed: unknown = JSON.parse(trimmed)
      return isRecord(parsed) ? parsed : null
    } catch {
      return null
    }
  }
  if (trimmed.startsWith('<')) return readXmlMembers(trimmed)?.members ?? null
  return null
}

/** A string member, or undefined when missing or empty. */
export function stringMember(answer: AnswerMembers, name: string): string | undefined {
  const value = answer[name]
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** A whole-number member (XML carries numbers as text), or undefined. */
export function integerMember(answer: AnswerMembers, name: string): number | undefined {
  const value = answer[name]
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : Number.NaN
  return Number.isSafeInteger(number) ? number : undefined
}
