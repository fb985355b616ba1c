import { describe, expect, it } from 'vitest'
import type { FieldValues } from '../../../shared/model'
import { failure } from '../../testing/app-error'
import { readRecipe, RECIPE_ACCOUNT_FIELDS, secretFieldsOf } from './spec'

/** A recipe account's fields read as a checked recipe: defaults, and every refusal naming its field. */

const URL_ONLY = { url: 'https://api.example.test/login' }

async function refusal(fields: FieldValues) {
  return failure(Promise.resolve().then(() => readRecipe(fields)))
}

describe('defaults', () => {
  it('a recipe with only a URL: POST, token from json:/access_token, expiry automatic, Authorization: Bearer', () => {
    const recipe = readRecipe(URL_ONLY)
    expect(recipe).toMatchObject({
      method: 'POST',
      urlSource: 'https://api.example.test/login',
      headers: [],
      body: null,
      tokenFrom: { kind: 'json' },
      expiryFrom: null,
      expiryFormat: 'auto',
      header: { name: 'Authorization', prefix: 'Bearer ' },
      variables: {},
      secretNames: []
    })
  })

  it('blank fields take their defaults too; the method is case-blind; an empty prefix is no prefix', () => {
    const recipe = readRecipe({ ...URL_ONLY, method: ' get ', tokenFrom: '  ', expiryFormat: ' ', headerName: '', headerPrefix: '  ', body: '  \n' })
    expect(recipe).toMatchObject({ method: 'GET', body: null, expiryFormat: 'auto', header: { name: 'Authorization', prefix: '' } })
    expect(readRecipe({ ...URL_ONLY, headerPrefix: ' Token ' }).header.prefix).toBe('Token ')
  })
})

describe('refusals name the field', () => {
  it.each([
    [{ ...URL_ONLY, method: 'DELETE' }, 'method', 'Method must be one of GET, POST, PUT, PATCH.'],
    [{ url: '   ' }, 'url', 'The recipe has no URL.'],
    [{}, 'url', 'The recipe has no URL.'],
    [{ ...URL_ONLY, method: 'GET', body: 'x=1' }, 'body', 'A GET request has no body: choose POST (or PUT, PATCH), or clear Body.'],
    [{ ...URL_ONLY, expiryFormat: 'fortnights' }, 'expiryFormat', 'Expiry format must be one of auto, seconds, hours, epoch-seconds, epoch-ms, iso-date, jwt-exp.'],
    [{ ...URL_ONLY, expiryFormat: 'seconds' }, 'expiryFrom', 'Expiry format "seconds" needs Expiry from (where the answer says it); or set the format to Automatic.'],
    [{ ...URL_ONLY, headerName: 'X Token' }, 'headerName', 'Token header must be a header name: letters, digits and - only.'],
    [{ ...URL_ONLY, headerPrefix: 'Bearer\nX' }, 'headerPrefix', 'Token prefix must be one line.'],
    [{ ...URL_ONLY, headerPrefix: 'Bearer\rX' }, 'headerPrefix', 'Token prefix must be one line.'],
    [{ ...URL_ONLY, headers: 'Accept application/json' }, 'headers', 'Headers line 1 is not "Name: value" (a name of letters, digits and -, then a colon).'],
    [{ ...URL_ONLY, headers: '# comment\n\nBad Name: x' }, 'headers', 'Headers line 3 is not "Name: value" (a name of letters, digits and -, then a colon).'],
    [{ ...URL_ONLY, headers: ': x' }, 'headers', 'Headers line 1 is not "Name: value" (a name of letters, digits and -, then a colon).'],
    [{ ...URL_ONLY, headers: 'Accept: x\r\nHost: evil.test' }, 'headers', 'Headers line 2: TokenDesk sets Host itself; remove that line.'],
    [{ ...URL_ONLY, headers: 'Content-Length: 5' }, 'headers', 'Headers line 1: TokenDesk sets Content-Length itself; remove that line.'],
    [{ ...URL_ONLY, headers: 'transfer-encoding: chunked' }, 'headers', 'Headers line 1: TokenDesk sets transfer-encoding itself; remove that line.'],
    [{ ...URL_ONLY, headers: 'Connection: close' }, 'headers', 'Headers line 1: TokenDesk sets Connection itself; remove that line.'],
    [{ ...URL_ONLY, headers: '# c\nX-A: {{field:' }, 'headers', 'Headers line 2: the placeholder starting "{{field:" is never closed with }}.'],
    [{ ...URL_ONLY, variables: 'tenant' }, 'variables', 'Variables line 1 is not name=value (a name of letters, digits, _ . or -, starting with a letter).'],
    [{ ...URL_ONLY, variables: '# c\n1abc=2' }, 'variables', 'Variables line 2 is not name=value (a name of letters, digits, _ . or -, starting with a letter).'],
    [{ ...URL_ONLY, variables: 'method=GET' }, 'variables', 'Variables line 1: "method" is a recipe field; choose another name.'],
    [{ ...URL_ONLY, variables: 'a=1\r\na=2' }, 'variables', 'Variables: "a" is defined twice.'],
    [{ url: 'https://api.example.test/{{secret:url}}' }, 'url', '{{secret:url}}: "url" is a recipe field; give the secret another name.'],
    [{ ...URL_ONLY, headers: 'X-Key: {{secret:body}}' }, 'headers', '{{secret:body}}: "body" is a recipe field; give the secret another name.'],
    [{ ...URL_ONLY, body: '{{secret:method}}' }, 'body', '{{secret:method}}: "method" is a recipe field; give the secret another name.'],
    [{ url: 'https://api.example.test/{{field:tenant}}' }, 'url', '{{field:tenant}} names no field or variable. Add a line "tenant=…" to Variables.'],
    [{ ...URL_ONLY, body: 'x={{field:user}}' }, 'body', '{{field:user}} names no field or variable. Add a line "user=…" to Variables.'],
    [{ ...URL_ONLY, variables: 'key=1', body: 'k={{secret:key}}' }, 'variables', '"key" is both a variable and a secret; rename one of them.']
  ])('%j → %s', async (fields, field, message) => {
    expect(await refusal(fields as FieldValues)).toMatchObject({ code: 'RECIPE_INVALID', message, details: { field } })
  })
})

describe('what is accepted', () => {
  it('headers: comments and blank lines skipped, values trimmed, templates parsed', () => {
    const recipe = readRecipe({ ...URL_ONLY, headers: '  # note\n\nAccept:  application/json  \r\nX-Key: {{secret:key}}' })
    expect(recipe.headers.map((h) => h.name)).toEqual(['Accept', 'X-Key'])
    expect(recipe.headers[0]!.value).toEqual([{ kind: 'text', text: 'application/json' }])
    expect(recipe.secretNames).toEqual(['key'])
  })

  it('variables: comments and blank lines skipped, names and values trimmed, a value may hold =', () => {
    expect(readRecipe({ ...URL_ONLY, variables: '# c\n\n tenant = acme \r\nq=a=b' }).variables).toEqual({ tenant: 'acme', q: 'a=b' })
  })

  it('field placeholders may name recipe fields, variables or other account fields', () => {
    const recipe = readRecipe({ url: '{{field:baseUrl}}/{{field:tenant}}/{{field:region}}', baseUrl: 'https://api.example.test', variables: 'tenant=acme', region: 'eu' })
    expect(recipe.urlSource).toBe('{{field:baseUrl}}/{{field:tenant}}/{{field:region}}')
  })

  it('secret names in order of first use, each once, from URL, headers and body', () => {
    const recipe = readRecipe({ url: 'https://api.example.test/?a={{secret:a}}', headers: 'X-B: {{secret:b}}\nX-A: {{secret:a}}', body: '{{secret:c}}{{secret:b}}' })
    expect(recipe.secretNames).toEqual(['a', 'b', 'c'])
    expect(secretFieldsOf({ url: 'https://api.example.test/?a={{secret:a}}', body: 'x={{secret:c}}' })).toEqual([
      { name: 'a', label: 'a', kind: 'secret', required: true, help: 'Used by the recipe as {{secret:a}}. Stored in the secret store, never in the recipe.' },
      { name: 'c', label: 'c', kind: 'secret', required: true, help: 'Used by the recipe as {{secret:c}}. Stored in the secret store, never in the recipe.' }
    ])
  })

  it('an expiry format other than automatic is allowed without Expiry from only for jwt-exp; with it, any', () => {
    expect(readRecipe({ ...URL_ONLY, expiryFormat: 'jwt-exp' }).expiryFormat).toBe('jwt-exp')
    expect(readRecipe({ ...URL_ONLY, expiryFormat: 'hours', expiryFrom: 'json:/expires_in_hours' })).toMatchObject({ expiryFormat: 'hours', expiryFrom: { kind: 'json' } })
    expect(readRecipe({ ...URL_ONLY, expiryFrom: ' header:X-Expires ' }).expiryFrom).toMatchObject({ kind: 'header' })
  })

  it('PUT and PATCH carry a body', () => {
    expect(readRecipe({ ...URL_ONLY, method: 'put', body: 'x=1' }).method).toBe('PUT')
    expect(readRecipe({ ...URL_ONLY, method: 'PATCH', body: 'x=1' }).body).not.toBeNull()
  })

  it('the form declares every recipe field once, the URL required', () => {
    const names = RECIPE_ACCOUNT_FIELDS.map((f) => f.name)
    expect(new Set(names).size).toBe(names.length)
    expect(RECIPE_ACCOUNT_FIELDS.find((f) => f.name === 'url')).toMatchObject({ required: true })
  })
})
