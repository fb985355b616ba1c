import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AppError } from '../../../shared/errors'
import type { FieldValues, SecretValues } from '../../../shared/model'
import { bodyKindOf, buildRequest, inferContentType, type RecipeRequest } from './request'
import { validateFields } from '../../../shared/fields'
import { RECIPE_PRESETS } from './presets'
import { RECIPE_ACCOUNT_FIELDS, readRecipe, secretFieldsOf } from './spec'
import { parseTemplate } from './template'

function build(fields: FieldValues, secrets: SecretValues = {}): RecipeRequest {
  return buildRequest(readRecipe(fields), { id: 'a', name: 'Mine', fields, secrets })
}

function recipeError(run: () => unknown): AppError {
  try {
    run()
  } catch (error) {
    if (error instanceof AppError) return error
    throw error
  }
  throw new Error('expected an AppError')
}

const BASE = 'https://api.example.com'
/** Any JS string: lone surrogates, control characters, quotes, braces. */
const anyString = fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }), fc.constantFrom('"', '\\', '{{secret:x}}', '\u2028', '\ud800'))
const wellFormedString = anyString.filter((value) => value.isWellFormed())

describe('template syntax', () => {
  it('reads text, secrets, fields and a base64 of both', () => {
    expect(parseTemplate('Basic {{base64:{{field:user}}:{{secret:pw}}}}!', 'Headers', 'headers')).toEqual([
      { kind: 'text', text: 'Basic ' },
      { kind: 'base64', parts: [{ kind: 'field', name: 'user' }, { kind: 'text', text: ':' }, { kind: 'secret', name: 'pw' }] },
      { kind: 'text', text: '!' }
    ])
    expect(parseTemplate('{"a":{"b":"{{secret:x}}"}}', 'Body', 'body')).toEqual([
      { kind: 'text', text: '{"a":{"b":"' },
      { kind: 'secret', name: 'x' },
      { kind: 'text', text: '"}}' }
    ])
  })

  it.each([
    ['{"a": "{{secret:x"}', 'Body: the placeholder starting "{{secret:x"}" is never closed with }}.'],
    ['{{env:HOME}}', 'Body: unknown placeholder {{env:HOME}}. Use {{secret:name}}, {{field:name}} or {{base64:…}}.'],
    ['{{secret}}', 'Body: {{secret}} needs a name of letters, digits, _ . or - (starting with a letter), like {{secret:apiKey}}.'],
    ['{{secret:two words}}', 'Body: {{secret:two words}} needs a name of letters, digits, _ . or - (starting with a letter), like {{secret:apiKey}}.'],
    ['{{base64:{{base64:x}}}}', 'Body: unknown placeholder {{base64:x}}. Use {{secret:name}}, {{field:name}} or {{base64:…}} (base64 cannot be nested).']
  ])('refuses %s with a sentence naming it', (source, message) => {
    const error = recipeError(() => parseTemplate(source, 'Body', 'body'))
    expect(error.code).toBe('RECIPE_INVALID')
    expect(error.message).toBe(message)
    expect(error.details).toEqual({ field: 'body' })
  })
})

describe('reading a recipe', () => {
  it.each<[string, FieldValues, string]>([
    ['an unknown field', { url: `${BASE}/{{field:tenant}}` }, '{{field:tenant}} names no field or variable. Add a line "tenant=…" to Variables.'],
    ['a secret named like a recipe field', { url: BASE, body: 'a={{secret:body}}' }, '{{secret:body}}: "body" is a recipe field; give the secret another name.'],
    ['a GET with a body', { method: 'GET', url: BASE, body: 'x' }, 'A GET request has no body: choose POST (or PUT, PATCH), or clear Body.'],
    ['a header line without a colon', { url: BASE, headers: 'Accept: x\nnot a header' }, 'Headers line 2 is not "Name: value" (a name of letters, digits and -, then a colon).'],
    ['a header TokenDesk sets', { url: BASE, headers: 'Content-Length: 3' }, 'Headers line 1: TokenDesk sets Content-Length itself; remove that line.'],
    ['a bad variable line', { url: BASE, variables: 'a=1\n2b=3' }, 'Variables line 2 is not name=value (a name of letters, digits, _ . or -, starting with a letter).'],
    ['a variable twice', { url: BASE, variables: 'a=1\na=2' }, 'Variables: "a" is defined twice.'],
    ['a variable shadowing a field', { url: BASE, variables: 'url=x' }, 'Variables line 1: "url" is a recipe field; choose another name.'],
    ['a name both variable and secret', { url: `${BASE}/{{secret:k}}`, variables: 'k=1' }, '"k" is both a variable and a secret; rename one of them.'],
    ['a bad JSON pointer', { url: BASE, tokenFrom: 'json:token' }, '"json:token" is not a JSON pointer: write json:/key/nested (with ~1 for a / and ~0 for a ~ inside a key).'],
    ['body as an expiry place', { url: BASE, expiryFrom: 'body' }, '"body" is not a place in the answer: write json:/path, header:Name.'],
    ['a relative format without a place', { url: BASE, expiryFormat: 'seconds' }, 'Expiry format "seconds" needs Expiry from (where the answer says it); or set the format to Automatic.'],
    ['an unknown method', { url: BASE, method: 'DELETE' }, 'Method must be one of GET, POST, PUT, PATCH.'],
    ['no URL', { url: '  ' }, 'The recipe has no URL.'],
    ['an unknown expiry format', { url: BASE, expiryFormat: 'minutes' }, 'Expiry format must be one of auto, seconds, hours, epoch-seconds, epoch-ms, iso-date, jwt-exp.'],
    ['a token header that is not a header name', { url: BASE, headerName: 'X Token' }, 'Token header must be a header name: letters, digits and - only.'],
    ['a token prefix of two lines', { url: BASE, headerPrefix: 'Bearer\nX-Injected: 1' }, 'Token prefix must be one line.'],
    ['a header name with a space', { url: BASE, headers: 'X Key: 1' }, 'Headers line 1 is not "Name: value" (a name of letters, digits and -, then a colon).'],
    ['a variable line without =', { url: BASE, variables: '# comment\nname' }, 'Variables line 2 is not name=value (a name of letters, digits, _ . or -, starting with a letter).']
  ])('refuses %s', (_, fields, message) => {
    const error = recipeError(() => readRecipe(fields))
    expect(error.code).toBe('RECIPE_INVALID')
    expect(error.message).toBe(message)
  })

  it('names the field to fix in every refusal', () => {
    const fieldOf = (fields: FieldValues): unknown => recipeError(() => readRecipe(fields)).details?.field
    expect(fieldOf({ url: BASE, method: 'DELETE' })).toBe('method')
    expect(fieldOf({ url: '' })).toBe('url')
    expect(fieldOf({ url: BASE, method: 'GET', body: 'x' })).toBe('body')
    expect(fieldOf({ url: BASE, expiryFormat: 'minutes' })).toBe('expiryFormat')
    expect(fieldOf({ url: BASE, expiryFormat: 'hours' })).toBe('expiryFrom')
    expect(fieldOf({ url: BASE, headerName: 'X Token' })).toBe('headerName')
    expect(fieldOf({ url: BASE, headerPrefix: 'a\nb' })).toBe('headerPrefix')
    expect(fieldOf({ url: BASE, headers: 'X: {{field:nope}}' })).toBe('headers')
    expect(fieldOf({ url: BASE, body: '{{field:nope}}' })).toBe('body')
    expect(fieldOf({ url: BASE, headers: 'X: {{secret:method}}' })).toBe('headers')
    expect(fieldOf({ url: `${BASE}/{{secret:k}}`, variables: 'k=1' })).toBe('variables')
  })

  it('reads what a person writes: a lower-case method, comments, blank and CRLF lines, spaces around =, account fields as placeholders', () => {
    const recipe = readRecipe({
      url: `${BASE}/{{field:tenant}}/{{secret:key}}`,
      method: 'put',
      tenant: 't1',
      headers: '# the key twice\r\nX-A: {{secret:key}}\r\n\r\nX-B: {{secret:other}}',
      variables: '# none yet\r\n\r\n  user = alice  \r\nempty=',
      expiryFormat: 'jwt-exp'
    })
    expect(recipe.method).toBe('PUT')
    expect(recipe.variables).toEqual({ user: 'alice', empty: '' })
    expect(recipe.headers.map((header) => header.name)).toEqual(['X-A', 'X-B'])
    expect(recipe.secretNames).toEqual(['key', 'other'])
    expect(recipe.expiryFrom).toBeNull()
  })

  it('applies the defaults: POST, json:/access_token, auto expiry, Authorization: Bearer <token>', () => {
    const recipe = readRecipe({ url: BASE })
    expect(recipe).toMatchObject({ method: 'POST', tokenFrom: { kind: 'json', pointer: '/access_token' }, expiryFrom: null, expiryFormat: 'auto', header: { name: 'Authorization', prefix: 'Bearer ' } })
    expect(readRecipe({ url: BASE, headerPrefix: '' }).header.prefix).toBe('')
    expect(readRecipe({ url: BASE, headerName: 'X-Session', headerPrefix: 'Token' }).header).toEqual({ name: 'X-Session', prefix: 'Token ' })
  })

  it('the form\'s own validation accepts both presets and says what is wrong with a bad line', () => {
    for (const preset of RECIPE_PRESETS) {
      const specs = [...RECIPE_ACCOUNT_FIELDS, ...secretFieldsOf(preset.fields)]
      const secrets = Object.fromEntries(secretFieldsOf(preset.fields).map((spec) => [spec.name, 'value']))
      expect(validateFields(specs, { ...preset.fields, baseUrl: BASE }, secrets)).toEqual({})
    }
    expect(validateFields(RECIPE_ACCOUNT_FIELDS, { url: BASE, headers: 'Accept: a\nnot a header' }, {})).toEqual({ headers: 'Write one header per line as Name: value.' })
    expect(validateFields(RECIPE_ACCOUNT_FIELDS, { url: BASE, variables: 'a=1\n=2' }, {})).toEqual({ variables: 'Write one variable per line as name=value.' })
    expect(validateFields(RECIPE_ACCOUNT_FIELDS, { url: BASE, tokenFrom: 'jsonpath:$.a' }, {})).toEqual({ tokenFrom: 'Write json:/path, header:Name or body.' })
    expect(validateFields(RECIPE_ACCOUNT_FIELDS, { url: 'api.example.com/x' }, {})).toEqual({
      url: 'URL must start with https:// (or http:// for a local server) or with a placeholder such as {{field:baseUrl}}.'
    })
    // The multi-line patterns run in linear time: thousands of lines and a bad last one answer at once.
    const started = Date.now()
    const many = `${'A: b \t\r\n'.repeat(1500)}\n \n bad`
    expect(validateFields(RECIPE_ACCOUNT_FIELDS, { url: BASE, headers: many }, {}).headers).toBe('Write one header per line as Name: value.')
    expect(Date.now() - started).toBeLessThan(500)
  })
})

describe('building the request', () => {
  it('writes a leading base URL as is (one slash before the path) and percent-encodes the rest', () => {
    const request = build(
      { baseUrl: `${BASE}/v1/`, url: '{{field:baseUrl}}/session/{{field:tenant}}?key={{secret:k}}', variables: 'tenant=a b/c' },
      { k: 'x&y=z' }
    )
    expect(request.url).toBe(`${BASE}/v1/session/a%20b%2Fc?key=x%26y%3Dz`)
    expect(request.secrets).toEqual(['x&y=z'])
  })

  it('escapes by the body\'s Content-Type: JSON strings, forms, XML, plain text', () => {
    const secret = 'a"b&c<d'
    const json = build({ url: BASE, headers: 'Content-Type: application/json; charset=utf-8', body: '{"p":"{{secret:p}}"}' }, { p: secret })
    expect(json.body).toBe('{"p":"a\\"b&c<d"}')
    const form = build({ url: BASE, headers: 'Content-Type: application/x-www-form-urlencoded', body: 'p={{secret:p}}' }, { p: secret })
    expect(form.body).toBe('p=a%22b%26c%3Cd')
    const xml = build({ url: BASE, headers: 'Content-Type: text/xml', body: '<p>{{secret:p}}</p>' }, { p: secret })
    expect(xml.body).toBe('<p>a&quot;b&amp;c&lt;d</p>')
    const text = build({ url: BASE, headers: 'Content-Type: text/plain', body: 'p {{secret:p}}' }, { p: secret })
    expect(text.body).toBe('p a"b&c<d')
  })

  it('labels a body without Content-Type by its look: JSON, form, else plain text', () => {
    expect(build({ url: BASE, body: ' {"a":"{{secret:p}}"}' }, { p: 'x' }).headers['content-type']).toBe('application/json')
    expect(build({ url: BASE, body: 'a=1&b={{secret:p}}' }, { p: 'x' }).headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(build({ url: BASE, body: 'hello {{secret:p}}' }, { p: 'x' }).headers['content-type']).toBe('text/plain; charset=utf-8')
    expect(inferContentType(parseTemplate('[1]', 'Body', 'body'))).toBe('application/json')
  })

  it('builds HTTP Basic from a variable and a secret, and redacts the encoded pair too', () => {
    const request = build({ url: BASE, headers: 'Authorization: Basic {{base64:{{field:username}}:{{secret:password}}}}', variables: 'username=alice' }, { password: 'pä:ss' })
    const encoded = Buffer.from('alice:pä:ss', 'utf8').toString('base64')
    expect(request.headers.authorization).toBe(`Basic ${encoded}`)
    expect(request.secrets).toEqual(['pä:ss', encoded])
  })

  it('combines repeated header lines and skips comments', () => {
    const request = build({ url: BASE, headers: '# a comment\nAccept: a\n\naccept: b' })
    expect(request.headers).toEqual({ accept: 'a, b' })
  })

  it('never reads a substituted value as a template (one pass)', () => {
    const request = build({ url: BASE, headers: 'X-A: {{secret:a}}' }, { a: '{{secret:b}}' })
    expect(request.headers['x-a']).toBe('{{secret:b}}')
  })

  it('the body\'s media type decides its escaping, parameters and case ignored (RFC 6839 +json and +xml too)', () => {
    expect(['application/json', 'TEXT/JSON', 'application/vnd.api+json; charset=utf-8', 'application/problem+json'].map(bodyKindOf)).toEqual(['json', 'json', 'json', 'json'])
    expect(['application/xml', 'text/xml; charset=utf-8', 'application/soap+xml', 'Application/Atom+XML'].map(bodyKindOf)).toEqual(['xml', 'xml', 'xml', 'xml'])
    expect(bodyKindOf(' application/x-www-form-urlencoded ; charset=utf-8')).toBe('form')
    expect(['text/plain', 'application/jsonx', 'application/json+xml/x', 'x-application/json', 'multipart/form-data'].map(bodyKindOf)).toEqual(['text', 'text', 'text', 'text', 'text'])
  })

  it('a form is only name=value pairs joined by &; anything else without a Content-Type is plain text', () => {
    const looks = (body: string): string => inferContentType(parseTemplate(body, 'Body', 'body'))
    expect(looks('grant_type=password&username={{field:u}}&password={{secret:p}}')).toBe('application/x-www-form-urlencoded')
    expect(looks('a=')).toBe('application/x-www-form-urlencoded')
    expect(looks('a=1&b')).toBe('text/plain; charset=utf-8')
    expect(looks('a b=1')).toBe('text/plain; charset=utf-8')
    expect(looks('=1')).toBe('text/plain; charset=utf-8')
    expect(looks('x a=1')).toBe('text/plain; charset=utf-8')
    expect(looks('{{secret:p}}')).toBe('text/plain; charset=utf-8')
  })

  it('a leading value not followed by a path keeps its slashes; a variable wins over an account field of the same name', () => {
    expect(build({ url: '{{field:baseUrl}}?q=1', baseUrl: `${BASE}/v1/` }).url).toBe(`${BASE}/v1/?q=1`)
    expect(build({ url: `${BASE}/{{field:tenant}}`, tenant: 'from-field', variables: 'tenant=from-variable' }).url).toBe(`${BASE}/from-variable`)
  })

  it('a secret that is not stored → VALIDATION_FAILED naming it, before any request', () => {
    const missing = recipeError(() => build({ url: BASE, headers: 'X-Key: {{secret:apiKey}}' }))
    expect(missing.code).toBe('VALIDATION_FAILED')
    expect(missing.details).toEqual({ fields: { apiKey: 'apiKey is required.' } })
  })

  it('says which address is wrong without showing secrets', () => {
    const error = recipeError(() => build({ url: '{{secret:host}}/x' }, { host: 'not a url at all' }))
    expect(error.message).toBe('The URL {{secret:host}}/x does not give a valid address. Check Base URL and the URL.')
    const scheme = recipeError(() => build({ url: '{{field:baseUrl}}/x', baseUrl: 'ftp://h' }))
    expect(scheme.message).toBe('The URL {{field:baseUrl}}/x must give an https:// (or local http://) address.')
  })
})

describe('escaping properties', () => {
  it('any secret round-trips through a JSON body template and parses back identical', () => {
    fc.assert(
      fc.property(anyString, anyString, (password, other) => {
        const request = build({ url: BASE, body: '{"user": "{{field:user}}", "password": "{{secret:pw}}", "nested": {"x": ["{{secret:pw}}"]}}', variables: 'user=alice' }, { pw: password, other })
        const parsed = JSON.parse(request.body!) as { user: string; password: string; nested: { x: string[] } }
        expect(parsed.password).toBe(password)
        expect(parsed.nested.x[0]).toBe(password)
        expect(parsed.user).toBe('alice')
      })
    )
  })

  it('any well-formed value round-trips through a form body and the URL query and path', () => {
    fc.assert(
      fc.property(wellFormedString, (value) => {
        const form = build({ url: BASE, body: 'grant_type=password&password={{secret:pw}}' }, { pw: value })
        expect(new URLSearchParams(form.body).get('password')).toBe(value)
        const query = new URL(build({ url: `${BASE}/p?v={{secret:pw}}` }, { pw: value }).url)
        expect(query.searchParams.get('v')).toBe(value)
        if (value === '.' || value === '..') return // a whole path segment refuses them (below)
        const url = new URL(build({ url: `${BASE}/p/{{secret:pw}}/q?v={{secret:pw}}` }, { pw: value }).url)
        expect(url.searchParams.get('v')).toBe(value)
        expect(decodeURIComponent(url.pathname.split('/')[2]!)).toBe(value)
      })
    )
  })

  it.each([
    ['/tenants/{{secret:pw}}/token', '..'],
    ['/tenants/{{secret:pw}}/token', '.'],
    ['/tenants/{{secret:pw}}', '..'],
    ['/tenants/{{secret:pw}}?x=1', '..'],
    ['/tenants/{{secret:pw}}#top', '.']
  ])('a dot segment filling a whole path segment (%s with %s) is refused, not silently dropped', (path, value) => {
    const error = recipeError(() => build({ url: `${BASE}${path}` }, { pw: value }))
    expect(error.code).toBe('RECIPE_INVALID')
    expect(error.details?.field).toBe('url')
    expect(error.message).toBe(
      'The value of {{secret:pw}} is a dot segment (. or ..) filling a whole URL path segment: the address would silently lose it or go up one level, so TokenDesk does not send it. Check the stored value.'
    )
  })

  it.each([
    ['/v{{secret:pw}}/token', '.', '/v./token'],
    ['/{{secret:pw}}x/token', '..', '/..x/token'],
    ['/tenants/{{secret:pw}}/token', '...', '/tenants/.../token'],
    ['/tenants?next=/{{secret:pw}}/', '..', '/tenants']
  ])('dots that are not a whole path segment are sent as they are (%s with %s)', (path, value, pathname) => {
    expect(new URL(build({ url: `${BASE}${path}` }, { pw: value }).url).pathname).toBe(`${new URL(BASE).pathname.replace(/\/$/, '')}${pathname}`)
  })

  it('a value that is not well-formed text cannot be percent-encoded: a sentence, not a crash', () => {
    const error = recipeError(() => build({ url: `${BASE}/?v={{secret:pw}}` }, { pw: 'a\ud800' }))
    expect(error.message).toBe('The value of {{secret:pw}} is not valid text (it contains a broken Unicode character), so it cannot be percent-encoded.')
  })

  it('no header injection: a value with CR or LF is refused; any other Latin-1 text arrives unchanged', () => {
    fc.assert(
      fc.property(anyString, fc.constantFrom('\r', '\n', '\r\n'), anyString, (before, lineBreak, after) => {
        const error = recipeError(() => build({ url: BASE, headers: 'X-Key: {{secret:k}}' }, { k: `${before}${lineBreak}${after}` }))
        expect(error.code).toBe('RECIPE_INVALID')
        expect(error.message).toContain('contains a line break')
      })
    )
    const latin1Text = fc.string({ minLength: 1, unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff })).map((code) => String.fromCharCode(code)) })
    fc.assert(
      fc.property(latin1Text, (value) => {
        const request = build({ url: BASE, headers: 'X-Key: pre {{secret:k}}' }, { k: value })
        expect(request.headers['x-key']).toBe(`pre ${value}`)
        expect(Object.keys(request.headers)).toEqual(['x-key'])
      })
    )
  })

  it('refuses control characters and characters outside Latin-1 in header values', () => {
    expect(recipeError(() => build({ url: BASE, headers: 'X-Key: {{secret:k}}' }, { k: 'a\u0000b' })).message).toBe(
      'The value of {{secret:k}} contains a control character or a character outside Latin-1, which cannot go into the X-Key header.'
    )
    expect(recipeError(() => build({ url: BASE, headers: 'X-Key: {{secret:k}}' }, { k: '🙂' })).code).toBe('RECIPE_INVALID')
  })
})
