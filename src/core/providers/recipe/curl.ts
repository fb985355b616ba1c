import { parse, type ParseEntry } from 'shell-quote'
import { AppError } from '../../../shared/errors'
import type { FieldValues, SecretValues } from '../../../shared/model'
import { DEFAULT_HEADER_NAME, DEFAULT_HEADER_PREFIX, DEFAULT_TOKEN_FROM, RECIPE_ACCOUNT_FIELDS, RECIPE_METHODS } from './spec'

/**
 * "Import from curl": a pasted curl command line → recipe fields. Credentials found in it
 * (auth headers, -u passwords, password/secret/token fields of the body or query) become
 * `{{secret:name}}` placeholders and are returned separately as secrets, so the recipe text
 * itself never holds one. Anything curl would do that a recipe will not is a warning.
 */

export interface CurlImport {
  fields: FieldValues
  secrets: SecretValues
  warnings: string[]
}

function failed(message: string): AppError {
  return new AppError('CURL_PARSE_FAILED', message)
}

/** Header names whose value is a credential. */
const CREDENTIAL_HEADER = /^(authorization|proxy-authorization)$|api[-_]?key|token|secret|password|passwd/i
/** Body and query field names whose value is a credential (the name ends like one). */
const CREDENTIAL_FIELD = /(password|passwd|passphrase|secret|token|api[-_]?key|apikey|access[-_]?key|private[-_]?key)$|^(pass|pwd)$/i

const RESERVED_NAMES = new Set(RECIPE_ACCOUNT_FIELDS.map((spec) => spec.name))
const DROPPED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection'])

/** Flags that change nothing for a recipe (output, progress, verbosity). */
const IGNORED_FLAGS = new Set([
  '-s', '--silent', '-S', '--show-error', '-v', '--verbose', '-i', '--include', '--compressed', '-f', '--fail',
  '--fail-with-body', '--no-progress-meter', '-#', '--progress-bar', '--http1.1', '--http2', '--http2-prior-knowledge',
  '--basic', '-N', '--no-buffer', '--globoff', '-g'
])
const IGNORED_FLAGS_WITH_VALUE = new Set(['-o', '--output', '-w', '--write-out', '--stderr', '--trace', '--trace-ascii', '-D', '--dump-header'])
const DEADLINE_FLAGS = new Set([
  '-m', '--max-time', '--connect-timeout', '--retry', '--retry-delay', '--retry-max-time', '-y', '--speed-time', '-Y', '--speed-limit'
])
/** Flags whose value we skip with a warning (curl would use it; a recipe cannot). */
const UNSUPPORTED_WITH_VALUE: Record<string, string> = {
  '-x': 'a proxy (TokenDesk uses the system proxy settings)',
  '--proxy': 'a proxy (TokenDesk uses the system proxy settings)',
  '--cacert': 'a CA certificate file',
  '--capath': 'a CA certificate folder',
  '-E': 'a client certificate',
  '--cert': 'a client certificate',
  '--key': 'a client key',
  '-F': 'multipart form data',
  '--form': 'multipart form data',
  '-T': 'an uploaded file',
  '--upload-file': 'an uploaded file',
  '-c': 'a cookie jar',
  '--cookie-jar': 'a cookie jar',
  '--resolve': 'a fixed host address',
  '--connect-to': 'a redirected connection',
  // The rest of curl's short options that take a value (src/tool_getparam.c), so that a bundle such
  // as -sKfile is split where curl splits it and the value is never read as the URL.
  '-K': 'a config file',
  '--config': 'a config file',
  '-C': 'a resumed transfer',
  '--continue-at': 'a resumed transfer',
  '-r': 'a byte range',
  '--range': 'a byte range',
  '-z': 'a time condition',
  '--time-cond': 'a time condition',
  '-U': 'a proxy user',
  '--proxy-user': 'a proxy user',
  '-P': 'an FTP port',
  '--ftp-port': 'an FTP port',
  '-Q': 'an FTP command',
  '--quote': 'an FTP command',
  '-t': 'a telnet option',
  '--telnet-option': 'a telnet option'
}

interface Collected {
  method: string | null
  url: string | null
  extraUrls: number
  headers: Array<{ name: string; value: string }>
  data: string[]
  json: string[]
  user: string | null
  get: boolean
  head: boolean
  bearer: string | null
  warnings: string[]
}

/** A shell prompt pasted with the command, and the shell it belongs to. */
const PROMPTS: ReadonlyArray<{ pattern: RegExp; shell: Shell }> = [
  { pattern: /^\$\s+/, shell: 'posix' },
  // PowerShell: "PS C:\Users\me> " or "PS> ".
  { pattern: /^PS(?: [^>\r\n]*)?>\s*/, shell: 'windows' }
]

type Shell = 'posix' | 'windows'

/** A program that only Windows runs: curl.exe, or a path from a drive letter (C:\tools\curl). */
const WINDOWS_PROGRAM = /\.exe$|^[A-Za-z]:[\\/]/i

interface Tokenized {
  words: string[]
  /** Names of VAR=value assignments before curl (a POSIX shell passes them to curl's environment). */
  assigned: string[]
}

function tokenize(command: string, variables: Set<string>): Tokenized {
  // Which shell the line was written for, from what only that shell uses. A backslash before a line
  // break continues a POSIX line, cmd's ^ and PowerShell's ` a Windows one.
  const posixContinued = /\\\r?\n/.test(command)
  const windowsContinued = /[\^`]\r?\n/.test(command)
  // Line continuations are spaces.
  const joined = command.replace(/\\\r?\n/g, ' ').replace(/[\^`]\r?\n/g, ' ').trim()
  const prompt = PROMPTS.find((candidate) => candidate.pattern.test(joined))
  const { program, assigned, rest } = splitProgram(prompt ? joined.replace(prompt.pattern, '') : joined)
  const shell: Shell = prompt?.shell ?? (posixContinued ? 'posix' : windowsContinued || WINDOWS_PROGRAM.test(program) ? 'windows' : 'posix')
  return { words: [program, ...(shell === 'windows' ? windowsWords(rest, variables) : posixWords(rest, variables))], assigned }
}

function posixWords(text: string, variables: Set<string>): string[] {
  if (!quotesBalanced(text)) throw failed('The command line could not be read: a quote is never closed.')
  let entries: ParseEntry[]
  try {
    entries = parse(text, (name: string) => {
      variables.add(name)
      return `\${${name}}`
    })
  } catch {
    throw failed('The command line could not be read: check its quotes.')
  }
  const words: string[] = []
  for (const entry of entries) {
    if (typeof entry === 'string') words.push(entry)
    else if ('op' in entry && entry.op === 'glob') words.push(entry.pattern)
    else break // an operator (|, &&, ;, &) or a comment ends the curl command
  }
  return words
}

const WINDOWS_VARIABLE = /\$(?:env:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/y
const BACKSLASHES = /\\+/y

/**
 * The arguments as cmd or PowerShell hand them to curl.exe. Backslashes are literal
 * (--cacert C:\certs\ca.pem, -u CORP\alice), except before a double quote, where the C runtime's
 * rule applies: 2n backslashes and a quote are n backslashes and a quote that opens or closes, 2n+1
 * are n and a literal quote, so the "{\"a\":1}" of Windows docs reads {"a":1}. '…' quotes as in
 * PowerShell ('' inside is one '). $NAME, ${NAME} and $env:NAME outside '…' are kept as ${NAME}, as
 * the POSIX reading keeps a variable. |, &, ;, < or > outside quotes ends the curl command.
 */
function windowsWords(text: string, variables: Set<string>): string[] {
  const words: string[] = []
  let word = ''
  let started = false
  let quote: '"' | "'" | null = null
  let at = 0
  while (at < text.length) {
    const char = text[at]!
    if (quote === "'") {
      if (char === "'" && text[at + 1] === "'") {
        word += "'"
        at += 2
      } else {
        if (char === "'") quote = null
        else word += char
        at++
      }
      continue
    }
    if (char === '\\') {
      BACKSLASHES.lastIndex = at
      const run = BACKSLASHES.exec(text)![0].length
      started = true
      if (text[at + run] !== '"') {
        word += text.slice(at, at + run)
        at += run
      } else {
        word += '\\'.repeat(Math.floor(run / 2))
        // An odd run escapes the quote; an even one leaves it to open or close.
        if (run % 2 === 1) word += '"'
        at += run + (run % 2)
      }
      continue
    }
    if (char === '$') {
      WINDOWS_VARIABLE.lastIndex = at
      const variable = WINDOWS_VARIABLE.exec(text)
      if (variable) {
        const name = (variable[1] ?? variable[2] ?? variable[3])!
        variables.add(name)
        word += `\${${name}}`
        started = true
        at = WINDOWS_VARIABLE.lastIndex
        continue
      }
    }
    at++
    if (char === '"') {
      quote = quote === null ? '"' : null
      started = true
    } else if (quote !== null) word += char
    else if (/\s/.test(char)) {
      if (started) words.push(word)
      word = ''
      started = false
    } else if (char === "'") {
      quote = "'"
      started = true
    } else if (/[|&;<>]/.test(char)) {
      break
    } else {
      word += char
      started = true
    }
  }
  if (quote !== null) throw failed('The command line could not be read: a quote is never closed.')
  if (started) words.push(word)
  return words
}

const SPACE = /\s*/y

function skipSpace(text: string, at: number): number {
  SPACE.lastIndex = at
  SPACE.exec(text)
  return SPACE.lastIndex
}

/** One word from `at`: quotes dropped, backslashes kept (a Windows path), ending at the first space outside quotes. */
function readWord(text: string, at: number): { word: string; end: number } {
  let word = ''
  let quote: string | null = null
  let index = at
  for (; index < text.length; index++) {
    const char = text[index]!
    if (quote !== null) {
      if (char === quote) quote = null
      else word += char
    } else if (char === '"' || char === "'") quote = char
    else if (/\s/.test(char)) break
    else word += char
  }
  if (quote !== null) throw failed('The command line could not be read: a quote is never closed.')
  return { word, end: index }
}

/**
 * The program word, read apart from the rest: on Windows it is a path whose backslashes are
 * separators (C:\Windows\System32\curl.exe), which a POSIX reading would take for escapes and
 * mangle. Quotes in it are dropped ("C:\Program Files\curl\bin\curl.exe"), backslashes kept; the
 * word ends at the first space outside quotes. PowerShell's call operator before a quoted path
 * (`& "C:\…\curl.exe"`) is dropped. Before the program, what changes nothing a recipe sends is
 * skipped: `sudo` with its options, and VAR=value assignments (their names are returned).
 */
function splitProgram(text: string): { program: string; assigned: string[]; rest: string } {
  const assigned: string[] = []
  let at = /^&\s*(?=["'])/.exec(text)?.[0].length ?? 0
  for (;;) {
    const { word, end } = readWord(text, at)
    const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(word)
    if (assignment) {
      assigned.push(assignment[1]!)
      at = skipSpace(text, end)
    } else if (word === 'sudo') {
      at = afterSudoOptions(text, skipSpace(text, end))
    } else {
      return { program: word, assigned, rest: text.slice(end) }
    }
  }
}

/** sudo's options that take a value (sudo(8)); -h is left out, as alone it is --help. */
const SUDO_VALUE_LETTERS = new Set(['C', 'D', 'g', 'p', 'R', 'r', 't', 'T', 'U', 'u'])
const SUDO_VALUE_OPTIONS = new Set(['--chdir', '--close-from', '--group', '--prompt', '--chroot', '--role', '--type', '--command-timeout', '--other-user', '--user'])

/** Where the command after sudo's options starts (-E, -u deploy, -Eu deploy, -udeploy, --user=deploy, --). */
function afterSudoOptions(text: string, at: number): number {
  for (;;) {
    const { word, end } = readWord(text, at)
    if (!word.startsWith('-')) return at
    at = skipSpace(text, end)
    if (word === '--') return at
    // In a bundle the first letter that takes a value takes the rest of the word, or the next word.
    const valueAt = word.startsWith('--') ? -1 : [...word.slice(1)].findIndex((letter) => SUDO_VALUE_LETTERS.has(letter)) + 1
    const takesNext = word.startsWith('--') ? SUDO_VALUE_OPTIONS.has(word) : valueAt === word.length - 1
    if (takesNext) at = skipSpace(text, readWord(text, at).end)
  }
}

/** shell-quote reads an unclosed quote to the end of the line; a pasted command cut short should say so. */
function quotesBalanced(text: string): boolean {
  let state: 'none' | 'single' | 'double' | 'ansi' = 'none'
  for (let index = 0; index < text.length; index++) {
    const char = text[index]
    if (state === 'single') {
      if (char === "'") state = 'none'
    } else if (state === 'double' || state === 'ansi') {
      if (char === '\\') index++
      else if (char === (state === 'double' ? '"' : "'")) state = 'none'
    } else if (char === '\\') index++
    else if (char === '$' && text[index + 1] === "'") {
      state = 'ansi'
      index++
    } else if (char === "'") state = 'single'
    else if (char === '"') state = 'double'
  }
  return state === 'none'
}

/** curl when the program's file name (after the last / or \) is curl or curl.exe, in any case. */
function isCurl(word: string | undefined): boolean {
  return word !== undefined && /^curl(\.exe)?$/i.test(word.split(/[/\\]/).pop() ?? '')
}

/** `--data=x` and `-dx` spellings → flag + value. */
const VALUE_FLAGS = new Set([
  '-X', '--request', '-H', '--header', '-d', '--data', '--data-raw', '--data-binary', '--data-ascii', '--data-urlencode', '--json',
  '-u', '--user', '--url', '-A', '--user-agent', '-e', '--referer', '-b', '--cookie', '--oauth2-bearer',
  ...IGNORED_FLAGS_WITH_VALUE, ...DEADLINE_FLAGS, ...Object.keys(UNSUPPORTED_WITH_VALUE)
])

function collect(words: string[]): Collected {
  const found: Collected = { method: null, url: null, extraUrls: 0, headers: [], data: [], json: [], user: null, get: false, head: false, bearer: null, warnings: [] }
  const warn = (text: string): void => {
    if (!found.warnings.includes(text)) found.warnings.push(text)
  }
  let index = 1
  let flagsEnded = false
  const takeValue = (flag: string): string => {
    const value = words[index++]
    if (value === undefined) throw failed(`${flag} needs a value after it.`)
    return value
  }
  const apply = (word: string, inline: string | null): void => {
    const value = (): string => (inline !== null ? inline : takeValue(word))
    switch (word) {
      case '-X':
      case '--request':
        found.method = value().toUpperCase()
        break
      case '-H':
      case '--header': {
        const line = value()
        const colon = line.indexOf(':')
        if (colon <= 0) {
          warn(`Left out the header "${line.slice(0, 40)}": it is not "Name: value".`)
          break
        }
        found.headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() })
        break
      }
      case '-d':
      case '--data':
      case '--data-ascii':
      case '--data-binary':
      case '--data-raw': {
        const data = value()
        if (word !== '--data-raw' && data.startsWith('@')) {
          warn(`${word} ${data.slice(0, 60)} reads a file, which a recipe cannot; paste the file's content into Body.`)
          break
        }
        found.data.push(data)
        break
      }
      case '--data-urlencode': {
        const encoded = urlencodeData(value())
        if (encoded === null) warn('--data-urlencode with @file reads a file, which a recipe cannot; paste the content into Body.')
        else found.data.push(encoded)
        break
      }
      case '--json':
        found.json.push(value())
        break
      case '-u':
      case '--user':
        found.user = value()
        break
      case '--oauth2-bearer':
        found.bearer = value()
        break
      case '--url':
        if (found.url === null) found.url = value()
        else {
          value()
          found.extraUrls++
        }
        break
      case '-A':
      case '--user-agent':
        found.headers.push({ name: 'User-Agent', value: value() })
        break
      case '-e':
      case '--referer':
        found.headers.push({ name: 'Referer', value: value() })
        break
      case '-b':
      case '--cookie': {
        const cookie = value()
        if (cookie.includes('=')) found.headers.push({ name: 'Cookie', value: cookie })
        else warn(`-b ${cookie.slice(0, 60)} reads cookies from a file, which a recipe cannot; add a Cookie header instead.`)
        break
      }
      case '-G':
      case '--get':
        found.get = true
        break
      case '-I':
      case '--head':
        found.head = true
        break
      case '-k':
      case '--insecure':
        warn('-k (--insecure) was left out: TokenDesk never turns off TLS certificate checks.')
        break
      case '-L':
      case '--location':
        warn('-L (--location) was left out: TokenDesk never follows redirects, because every request carries a credential. Use the final address.')
        break
      case '--digest':
      case '--ntlm':
      case '--negotiate':
        warn(`${word} authentication is not supported by recipes; only headers and the body are sent.`)
        break
      default:
        if (IGNORED_FLAGS.has(word)) break
        if (IGNORED_FLAGS_WITH_VALUE.has(word)) {
          value()
          break
        }
        if (DEADLINE_FLAGS.has(word)) {
          value()
          warn(`${word} was left out: TokenDesk uses its own deadlines and retries.`)
          break
        }
        if (word in UNSUPPORTED_WITH_VALUE) {
          value()
          warn(`${word} (${UNSUPPORTED_WITH_VALUE[word]}) was left out: a recipe cannot use it.`)
          break
        }
        warn(`Ignored the unknown option ${word.slice(0, 40)}.`)
    }
  }
  while (index < words.length) {
    const word = words[index++]!
    if (flagsEnded || !word.startsWith('-') || word === '-') {
      if (found.url === null) found.url = word
      else found.extraUrls++
      continue
    }
    if (word === '--') {
      flagsEnded = true
      continue
    }
    if (word.startsWith('--')) {
      const equals = word.indexOf('=')
      if (equals !== -1 && VALUE_FLAGS.has(word.slice(0, equals))) apply(word.slice(0, equals), word.slice(equals + 1))
      else apply(word, null)
      continue
    }
    // One dash: short options, bundled as curl reads them (-sSL). Each character is an option; the
    // first one that takes a value takes the rest of the word (-XPUT, -sSXPUT, -dfoo, -Hname: value)
    // or, when nothing is left of it, the next word (-sSX PUT).
    for (let at = 1; at < word.length; at++) {
      const flag = `-${word[at]}`
      if (VALUE_FLAGS.has(flag)) {
        apply(flag, at + 1 < word.length ? word.slice(at + 1) : null)
        break
      }
      apply(flag, null)
    }
  }
  return found
}

/** curl's --data-urlencode forms: "content", "=content", "name=content"; @file forms are refused (null). */
function urlencodeData(spec: string): string | null {
  const equals = spec.indexOf('=')
  const at = spec.indexOf('@')
  if (at !== -1 && (equals === -1 || at < equals)) return null
  if (equals === -1) return encodeURIComponent(spec)
  const name = spec.slice(0, equals)
  const content = encodeURIComponent(spec.slice(equals + 1))
  return name === '' ? content : `${name}=${content}`
}

class SecretNamer {
  readonly secrets: SecretValues = {}
  /** A placeholder for `value` under a name derived from `wanted` (made unique, never a recipe field). */
  placeholder(wanted: string, value: string): string {
    let base = wanted.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^[^A-Za-z_]+/, '')
    if (base === '') base = 'secret'
    base = base.slice(0, 60)
    let name = base
    for (let n = 2; RESERVED_NAMES.has(name) || (name in this.secrets && this.secrets[name] !== value); n++) name = `${base}_${n}`
    this.secrets[name] = value
    return `{{secret:${name}}}`
  }
}

const VARIABLE_REF = /\$\{[A-Za-z_][A-Za-z0-9_]*\}/

function formDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '))
  } catch {
    return text
  }
}

/** name=value&… with credential-named values replaced; the rest kept byte for byte. */
function secretizeForm(text: string, namer: SecretNamer): string {
  return text
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=')
      if (equals === -1) return pair
      const name = formDecode(pair.slice(0, equals))
      if (!CREDENTIAL_FIELD.test(name) || pair.slice(equals + 1) === '') return pair
      return `${pair.slice(0, equals + 1)}${namer.placeholder(name, formDecode(pair.slice(equals + 1)))}`
    })
    .join('&')
}

/** JSON with credential-named string values replaced, at any depth; null if it is not JSON. */
function secretizeJson(text: string, namer: SecretNamer): string | null {
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch {
    return null
  }
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk)
    if (value === null || typeof value !== 'object') return value
    const out: Record<string, unknown> = {}
    for (const [key, inner] of Object.entries(value)) {
      out[key] = typeof inner === 'string' && inner !== '' && CREDENTIAL_FIELD.test(key) ? namer.placeholder(key, inner) : walk(inner)
    }
    return out
  }
  return JSON.stringify(walk(document), null, 2)
}

function isJsonText(text: string): boolean {
  if (!/^\s*[{[]/.test(text)) return false
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

function basicCredentials(user: string): { username: string; password: string | null } {
  const colon = user.indexOf(':')
  return colon === -1 ? { username: user, password: null } : { username: user.slice(0, colon), password: user.slice(colon + 1) }
}

function normalizeUrl(raw: string, warn: (text: string) => void): URL {
  let text = raw.trim()
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text)) {
    const host = text.split(/[/:?#]/)[0] ?? ''
    const local = /^(localhost|127\.|\[::1\])/.test(host)
    text = `${local ? 'http' : 'https'}://${text}`
    if (!local) warn('The URL had no scheme; it now starts with https:// (curl would have used http://).')
  }
  try {
    return new URL(text)
  } catch {
    throw failed(`"${raw.slice(0, 80)}" is not a URL curl could call.`)
  }
}

export function recipeFromCurl(command: string): CurlImport {
  const variables = new Set<string>()
  const { words, assigned } = tokenize(command, variables)
  if (!isCurl(words[0])) throw failed('This is not a curl command: paste a line that starts with curl.')
  const found = collect(words)
  const warnings = found.warnings
  const warn = (text: string): void => {
    if (!warnings.includes(text)) warnings.push(text)
  }
  // Named, never quoted: a value set there may be a credential. curl reads some (HTTPS_PROXY, CURL_CA_BUNDLE).
  if (assigned.length > 0) warn(`The environment settings before curl (${assigned.slice(0, 5).join(', ')}) were left out: a recipe does not use them.`)
  if (found.url === null) throw failed('The curl command has no URL: add the address it calls.')
  if (found.extraUrls > 0) warn('The command names more than one URL; the recipe uses the first.')

  const namer = new SecretNamer()
  const headerLines: string[] = []
  const variableLines: string[] = []
  const hasHeader = (name: string): boolean => found.headers.some((header) => header.name.toLowerCase() === name.toLowerCase())

  // Data: -d parts join with &, --json parts concatenate (as curl does).
  let body = found.json.length > 0 ? found.json.join('') : found.data.join('&')
  if (found.json.length > 0 && found.data.length > 0) warn('Both --json and -d were given; the recipe keeps the --json data.')
  if (found.json.length > 0) {
    if (!hasHeader('Content-Type')) found.headers.push({ name: 'Content-Type', value: 'application/json' })
    if (!hasHeader('Accept')) found.headers.push({ name: 'Accept', value: 'application/json' })
  } else if (found.data.length > 0 && !found.get && !hasHeader('Content-Type')) {
    // curl labels -d data as a form even when it is JSON; a recipe escapes by the label, so say JSON.
    if (isJsonText(body)) {
      found.headers.push({ name: 'Content-Type', value: 'application/json' })
      warn('The data is JSON but had no Content-Type (curl would have called it a form); the recipe sends it as application/json.')
    } else {
      found.headers.push({ name: 'Content-Type', value: 'application/x-www-form-urlencoded' })
    }
  }

  const url = normalizeUrl(found.url, warn)
  if (url.username !== '' || url.password !== '') {
    found.user ??= `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`
    url.username = ''
    url.password = ''
  }
  if (found.get && body !== '') {
    url.search = url.search === '' ? `?${body}` : `${url.search}&${body}`
    body = ''
  }

  let method = found.method ?? (found.head ? 'HEAD' : body !== '' ? 'POST' : 'GET')
  if (!(RECIPE_METHODS as readonly string[]).includes(method)) {
    throw failed(`A recipe sends ${RECIPE_METHODS.join(', ')}; this command uses ${method.slice(0, 20)}.`)
  }
  if (method === 'GET' && body !== '') {
    warn('curl sends a body with GET here; the recipe uses POST instead (a GET recipe has no body).')
    method = 'POST'
  }

  // Credentials in headers.
  if (found.bearer !== null) found.headers.push({ name: 'Authorization', value: `Bearer ${found.bearer}` })
  for (const header of found.headers) {
    if (DROPPED_HEADERS.has(header.name.toLowerCase())) {
      warn(`Left out the ${header.name} header: TokenDesk sets it itself.`)
      continue
    }
    let value = header.value
    if (/^authorization$/i.test(header.name)) {
      const [scheme, ...rest] = value.split(' ')
      const credential = rest.join(' ').trim()
      if (/^basic$/i.test(scheme ?? '') && found.user === null) {
        const decoded = Buffer.from(credential, 'base64').toString('utf8')
        if (decoded.includes(':') && Buffer.from(decoded, 'utf8').toString('base64') === credential) {
          found.user = decoded
          continue
        }
      }
      value = credential !== '' ? `${scheme} ${namer.placeholder(header.name, credential)}` : namer.placeholder(header.name, value)
    } else if (CREDENTIAL_HEADER.test(header.name) && value !== '') {
      value = namer.placeholder(header.name, value)
    } else if (/^cookie$/i.test(header.name)) {
      warn('The Cookie header was kept as plain text; if it holds a session, move it into a {{secret:…}}.')
    }
    headerLines.push(`${header.name}: ${value}`)
  }
  if (found.user !== null) {
    const { username, password } = basicCredentials(found.user)
    variableLines.push(`username=${username}`)
    headerLines.unshift(`Authorization: Basic {{base64:{{field:username}}:${namer.placeholder('password', password ?? '')}}}`)
    if (password === null) warn('-u gave no password (curl would ask for it); enter it in the password secret.')
  }

  // Credentials in the body and the query.
  const contentType = found.headers.find((header) => header.name.toLowerCase() === 'content-type')?.value.toLowerCase() ?? ''
  if (body !== '') {
    const asJson = contentType.includes('json') || /^\s*[{[]/.test(body) ? secretizeJson(body, namer) : null
    body = asJson ?? (/^[^\s=&]+=/.test(body) ? secretizeForm(body, namer) : body)
  }
  const query = url.search === '' ? '' : `?${secretizeForm(url.search.slice(1), namer)}`

  for (const [name, value] of Object.entries(namer.secrets)) {
    if (VARIABLE_REF.test(value)) {
      namer.secrets[name] = ''
      warn(`The value for {{secret:${name}}} is a shell variable (${VARIABLE_REF.exec(value)![0]}); enter the real value.`)
    }
  }
  if (variables.size > 0) warn(`The command uses shell variables (${[...variables].slice(0, 5).map((name) => `$${name}`).join(', ')}); they were kept as written.`)
  if (/\{\{/.test(body)) {
    // A literal {{ from the command would be read as a placeholder; say so rather than guess.
    const placeholders = body.match(/\{\{(secret|field):[^}]*\}\}/g)?.length ?? 0
    if ((body.match(/\{\{/g)?.length ?? 0) > placeholders) warn('The body contains "{{", which a recipe reads as a placeholder; check Body.')
  }

  const oauth = /(^|&|")grant_type("?\s*[:=])/.test(body)
  const fields: FieldValues = {
    baseUrl: url.origin,
    method,
    url: `{{field:baseUrl}}${url.pathname}${query}`,
    headers: headerLines.join('\n'),
    body,
    tokenFrom: DEFAULT_TOKEN_FROM,
    expiryFrom: oauth ? 'json:/expires_in' : '',
    expiryFormat: oauth ? 'seconds' : 'auto',
    headerName: DEFAULT_HEADER_NAME,
    headerPrefix: DEFAULT_HEADER_PREFIX,
    variables: variableLines.join('\n')
  }
  if (!oauth) warn('Check Token from: it says where the token is in the answer (now json:/access_token).')
  return { fields, secrets: namer.secrets, warnings }
}
