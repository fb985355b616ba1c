import { AppError } from '../../../shared/errors'
import type { FieldSpec, FieldValues } from '../../../shared/model'
import { baseUrlField, INSECURE_HTTP_FIELD, stringField } from '../common'
import { parseLocator, type Locator } from './extract'
import { PLACEHOLDER_NAME, parseTemplate, refsOf, placeholderText, type Template } from './template'

/**
 * A recipe account's fields ARE the recipe, so the generic form edits it. This module holds
 * the field specs and turns stored field values into a checked `Recipe`.
 */

export const RECIPE_METHODS = ['GET', 'POST', 'PUT', 'PATCH'] as const
export type RecipeMethod = (typeof RECIPE_METHODS)[number]

export const EXPIRY_FORMATS = ['auto', 'seconds', 'hours', 'epoch-seconds', 'epoch-ms', 'iso-date', 'jwt-exp'] as const
export type ExpiryFormat = (typeof EXPIRY_FORMATS)[number]

export const DEFAULT_TOKEN_FROM = 'json:/access_token'
export const DEFAULT_HEADER_NAME = 'Authorization'
export const DEFAULT_HEADER_PREFIX = 'Bearer'

const LOCATOR_PATTERN = '^(json:(/.*)?|header:[!#$%&\'*+.^_`|~0-9A-Za-z-]+|body)$'
const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

export const RECIPE_ACCOUNT_FIELDS: FieldSpec[] = [
  {
    ...baseUrlField(
      'https://api.example.com',
      'The server. The URL below uses it as {{field:baseUrl}}; leave it empty if the URL is written out in full.'
    ),
    required: false
  },
  {
    name: 'method',
    label: 'Method',
    kind: 'choice',
    required: true,
    default: 'POST',
    choices: RECIPE_METHODS.map((method) => ({ value: method, label: method })),
    help: 'The HTTP method of the login request.'
  },
  {
    name: 'url',
    label: 'URL',
    kind: 'text',
    required: true,
    default: '{{field:baseUrl}}/',
    placeholder: '{{field:baseUrl}}/api/auth/session',
    help: 'Where the login request goes. {{field:name}} and {{secret:name}} are filled in and percent-encoded, except a value at the very start, which is the base URL itself.',
    validation: {
      pattern: '^(https?://|\\{\\{(field|secret):)',
      patternMessage: 'URL must start with https:// (or http:// for a local server) or with a placeholder such as {{field:baseUrl}}.',
      maxLength: 4096
    }
  },
  {
    name: 'headers',
    label: 'Headers',
    kind: 'text',
    required: false,
    multiline: true,
    placeholder: 'Authorization: Bearer {{secret:masterToken}}\nAccept: application/json',
    help: 'One "Name: value" per line; lines starting with # are ignored. Values may use placeholders; a value with a line break is refused.',
    validation: {
      pattern: '^([ \\t\\r]*(#[^\\n]*|[!#$%&\'*+.^_`|~0-9A-Za-z-]+[ \\t]*:[^\\n]*)?(\\n|$))*$',
      patternMessage: 'Write one header per line as Name: value.',
      maxLength: 16 * 1024
    }
  },
  {
    name: 'body',
    label: 'Body',
    kind: 'text',
    required: false,
    multiline: true,
    placeholder: '{"username": "{{field:username}}", "password": "{{secret:password}}"}',
    help: 'The request body. Values are escaped for its Content-Type: inside JSON strings for JSON, percent-encoded for forms. Without a Content-Type header, a body starting with { or [ is sent as JSON, name=value&… as a form, anything else as plain text.',
    validation: { maxLength: 64 * 1024 }
  },
  {
    name: 'tokenFrom',
    label: 'Token from',
    kind: 'text',
    required: true,
    default: DEFAULT_TOKEN_FROM,
    placeholder: DEFAULT_TOKEN_FROM,
    help: 'Where the token is in the answer: json:/path/to/value (a JSON pointer), header:Name, or body for the whole answer.',
    validation: { pattern: LOCATOR_PATTERN, patternMessage: 'Write json:/path, header:Name or body.', maxLength: 500 }
  },
  {
    name: 'expiryFrom',
    label: 'Expiry from',
    kind: 'text',
    required: false,
    placeholder: 'json:/expires_in',
    help: 'Where the answer says when the token expires: json:/path or header:Name. Empty: from the token itself if it is a JWT, else unknown.',
    validation: { pattern: '^(json:(/.*)?|header:[!#$%&\'*+.^_`|~0-9A-Za-z-]+)?$', patternMessage: 'Write json:/path or header:Name, or leave it empty.', maxLength: 500 }
  },
  {
    name: 'expiryFormat',
    label: 'Expiry format',
    kind: 'choice',
    required: true,
    default: 'auto',
    choices: [
      { value: 'auto', label: 'Automatic' },
      { value: 'seconds', label: 'Seconds from now' },
      { value: 'hours', label: 'Hours from now' },
      { value: 'epoch-seconds', label: 'Unix time (seconds)' },
      { value: 'epoch-ms', label: 'Unix time (milliseconds)' },
      { value: 'iso-date', label: 'Date (ISO 8601 or HTTP date)' },
      { value: 'jwt-exp', label: 'JWT exp claim' }
    ],
    help: 'Automatic: a number below 10^9 is seconds from now, below 10^12 Unix seconds, else Unix milliseconds; text is read as a date (UTC when it has no zone).',
    advanced: true
  },
  {
    name: 'headerName',
    label: 'Token header',
    kind: 'text',
    required: true,
    default: DEFAULT_HEADER_NAME,
    placeholder: DEFAULT_HEADER_NAME,
    help: 'The header the token goes in when you copy it as a header.',
    validation: { pattern: HTTP_TOKEN.source, patternMessage: 'A header name: letters, digits and - only.', maxLength: 100 },
    advanced: true
  },
  {
    name: 'headerPrefix',
    label: 'Token prefix',
    kind: 'text',
    required: false,
    default: DEFAULT_HEADER_PREFIX,
    placeholder: DEFAULT_HEADER_PREFIX,
    help: 'Written before the token, followed by one space (Bearer → "Authorization: Bearer <token>"). Empty: the bare token.',
    validation: { pattern: '^[^\\r\\n]*$', patternMessage: 'The prefix is one line.', maxLength: 100 },
    advanced: true
  },
  {
    name: 'variables',
    label: 'Variables',
    kind: 'text',
    required: false,
    multiline: true,
    placeholder: 'clientId=1001\nusername=alice',
    help: 'Non-secret values, one name=value per line, used as {{field:name}}.',
    validation: {
      pattern: '^([ \\t\\r]*(#[^\\n]*|[A-Za-z_][A-Za-z0-9_.-]{0,63}[ \\t]*=[^\\n]*)?(\\n|$))*$',
      patternMessage: 'Write one variable per line as name=value.',
      maxLength: 16 * 1024
    }
  },
  INSECURE_HTTP_FIELD
]

const RECIPE_FIELD_NAMES = new Set(RECIPE_ACCOUNT_FIELDS.map((spec) => spec.name))

/** Headers TokenDesk sets itself (or that would break the request's framing). */
const RESERVED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection'])

export interface RecipeHeader {
  name: string
  value: Template
}

export interface Recipe {
  method: RecipeMethod
  url: Template
  urlSource: string
  headers: RecipeHeader[]
  body: Template | null
  tokenFrom: Locator
  expiryFrom: Locator | null
  expiryFormat: ExpiryFormat
  header: { name: string; prefix: string }
  variables: Record<string, string>
  /** Every {{secret:name}} in the URL, headers and body, in order of first use. */
  secretNames: string[]
}

function invalid(message: string, field: string): AppError {
  return new AppError('RECIPE_INVALID', message, { field })
}

function withDefault(fields: FieldValues, name: string, fallback: string): string {
  const value = stringField(fields, name).trim()
  return value === '' ? fallback : value
}

function parseVariables(source: string): Record<string, string> {
  const variables: Record<string, string> = {}
  source.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim()
    if (trimmed === '' || trimmed.startsWith('#')) return
    const equals = trimmed.indexOf('=')
    const name = equals === -1 ? trimmed : trimmed.slice(0, equals).trim()
    if (equals === -1 || !PLACEHOLDER_NAME.test(name)) {
      throw invalid(`Variables line ${index + 1} is not name=value (a name of letters, digits, _ . or -, starting with a letter).`, 'variables')
    }
    if (RECIPE_FIELD_NAMES.has(name)) throw invalid(`Variables line ${index + 1}: "${name}" is a recipe field; choose another name.`, 'variables')
    if (name in variables) throw invalid(`Variables: "${name}" is defined twice.`, 'variables')
    variables[name] = trimmed.slice(equals + 1).trim()
  })
  return variables
}

function parseHeaders(source: string): RecipeHeader[] {
  const headers: RecipeHeader[] = []
  source.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim()
    if (trimmed === '' || trimmed.startsWith('#')) return
    const colon = trimmed.indexOf(':')
    const name = colon === -1 ? '' : trimmed.slice(0, colon).trim()
    if (colon === -1 || !HTTP_TOKEN.test(name)) {
      throw invalid(`Headers line ${index + 1} is not "Name: value" (a name of letters, digits and -, then a colon).`, 'headers')
    }
    if (RESERVED_HEADERS.has(name.toLowerCase())) throw invalid(`Headers line ${index + 1}: TokenDesk sets ${name} itself; remove that line.`, 'headers')
    headers.push({ name, value: parseTemplate(trimmed.slice(colon + 1).trim(), `Headers line ${index + 1}`, 'headers') })
  })
  return headers
}

/**
 * Reads and checks a recipe from an account's field values (defaults applied here too, so a
 * draft that has not been normalised reads the same). Every problem is RECIPE_INVALID naming
 * the field; unknown {{field:…}} names and secrets that shadow a recipe field are caught here,
 * before any request.
 */
export function readRecipe(fields: FieldValues): Recipe {
  const method = withDefault(fields, 'method', 'POST').toUpperCase()
  if (!(RECIPE_METHODS as readonly string[]).includes(method)) throw invalid(`Method must be one of ${RECIPE_METHODS.join(', ')}.`, 'method')
  const urlSource = stringField(fields, 'url').trim()
  if (urlSource === '') throw invalid('The recipe has no URL.', 'url')
  const url = parseTemplate(urlSource, 'URL', 'url')
  const headers = parseHeaders(stringField(fields, 'headers'))
  const bodySource = stringField(fields, 'body')
  const body = bodySource.trim() === '' ? null : parseTemplate(bodySource, 'Body', 'body')
  if (body !== null && method === 'GET') throw invalid('A GET request has no body: choose POST (or PUT, PATCH), or clear Body.', 'body')

  const tokenFrom = parseLocator(withDefault(fields, 'tokenFrom', DEFAULT_TOKEN_FROM), 'tokenFrom', true)
  const expirySource = stringField(fields, 'expiryFrom').trim()
  const expiryFrom = expirySource === '' ? null : parseLocator(expirySource, 'expiryFrom', false)
  const expiryFormat = withDefault(fields, 'expiryFormat', 'auto') as ExpiryFormat
  if (!EXPIRY_FORMATS.includes(expiryFormat)) throw invalid(`Expiry format must be one of ${EXPIRY_FORMATS.join(', ')}.`, 'expiryFormat')
  if (expiryFrom === null && expiryFormat !== 'auto' && expiryFormat !== 'jwt-exp') {
    throw invalid(`Expiry format "${expiryFormat}" needs Expiry from (where the answer says it); or set the format to Automatic.`, 'expiryFrom')
  }

  const headerName = withDefault(fields, 'headerName', DEFAULT_HEADER_NAME)
  if (!HTTP_TOKEN.test(headerName)) throw invalid('Token header must be a header name: letters, digits and - only.', 'headerName')
  // Stored text fields are trimmed, so the space after the prefix is ours to add.
  const prefixSource = fields.headerPrefix === undefined ? DEFAULT_HEADER_PREFIX : stringField(fields, 'headerPrefix').trim()
  if (/[\r\n]/.test(prefixSource)) throw invalid('Token prefix must be one line.', 'headerPrefix')
  const prefix = prefixSource === '' ? '' : `${prefixSource} `

  const variables = parseVariables(stringField(fields, 'variables'))

  const secretNames: string[] = []
  const templates: Array<[Template, string]> = [[url, 'url'], ...headers.map((h): [Template, string] => [h.value, 'headers'])]
  if (body !== null) templates.push([body, 'body'])
  for (const [template, field] of templates) {
    for (const ref of refsOf(template)) {
      if (ref.kind === 'secret') {
        if (RECIPE_FIELD_NAMES.has(ref.name)) throw invalid(`${placeholderText(ref)}: "${ref.name}" is a recipe field; give the secret another name.`, field)
        if (!secretNames.includes(ref.name)) secretNames.push(ref.name)
      } else if (!RECIPE_FIELD_NAMES.has(ref.name) && !(ref.name in variables) && !(ref.name in fields)) {
        throw invalid(`${placeholderText(ref)} names no field or variable. Add a line "${ref.name}=…" to Variables.`, field)
      }
    }
  }
  for (const name of secretNames) {
    if (name in variables) throw invalid(`"${name}" is both a variable and a secret; rename one of them.`, 'variables')
  }

  return { method: method as RecipeMethod, url, urlSource, headers, body, tokenFrom, expiryFrom, expiryFormat, header: { name: headerName, prefix }, variables, secretNames }
}

/** One secret field per distinct {{secret:name}}, for the account form and the secret store. */
export function secretFieldsOf(fields: FieldValues): FieldSpec[] {
  return readRecipe(fields).secretNames.map((name) => ({
    name,
    label: name,
    kind: 'secret',
    required: true,
    help: `Used by the recipe as {{secret:${name}}}. Stored in the secret store, never in the recipe.`
  }))
}
