import { describe, expect, it } from 'vitest'
import { AppError } from '../../../shared/errors'
import type { HttpResponse } from '../../http/client'
import { describeToken, isJwt, locate, parseLocator, readExpiry, resolvePointer, tokenAt, type Locator } from './extract'

/** Edge cases of where a recipe looks in an answer and how it reads what it finds there (extract.test.ts has the main cases). */

function answer(body: string, headers: Record<string, string> = {}): HttpResponse {
  return { status: 200, headers, body, url: 'https://x/', sentAt: 0, receivedAt: 0, skewMs: null, json: () => JSON.parse(body) as unknown }
}

function failure(run: () => unknown): AppError {
  try {
    run()
  } catch (error) {
    if (error instanceof AppError) return error
    throw error
  }
  throw new Error('expected an AppError')
}

const json = (pointer: string): Locator => parseLocator(`json:${pointer}`, 'tokenFrom', false)
const jwtWith = (claims: Record<string, unknown>): string => {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.c2ln`
}

describe('locators', () => {
  it('a json: locator that is not a pointer, a header: without a header name, or an unknown place is RECIPE_INVALID naming the field', () => {
    for (const source of ['json:access_token', 'header:X Token', 'header:X-Token:', 'header:(X-Token', 'header:', 'cookie:sid']) {
      const error = failure(() => parseLocator(source, 'tokenFrom', true))
      expect(error.code, source).toBe('RECIPE_INVALID')
      expect(error.details, source).toEqual({ field: 'tokenFrom' })
    }
    expect(failure(() => parseLocator('body', 'expiryFrom', false)).message).toBe('"body" is not a place in the answer: write json:/path, header:Name.')
  })

  it('header names are trimmed; body is a place only where allowed', () => {
    expect(parseLocator('header: X-Token ', 'tokenFrom', true)).toEqual({ kind: 'header', name: 'X-Token' })
    expect(parseLocator('body', 'tokenFrom', true)).toEqual({ kind: 'body' })
  })

  it('array indexes are whole numbers of any length, never "length"; null is not walked through', () => {
    const list = Array.from({ length: 150 }, (_, i) => `v${i}`)
    expect(resolvePointer(list, ['12'])).toBe('v12')
    expect(resolvePointer(list, ['123'])).toBe('v123')
    expect(resolvePointer(list, ['length'])).toBeUndefined()
    expect(resolvePointer({ a: null }, ['a', 'b'])).toBeUndefined()
    expect(resolvePointer({ a: null }, ['a'])).toBeNull()
  })
})

describe('finding the token', () => {
  it('body: the whole answer, trimmed; an empty answer is named', () => {
    const body: Locator = { kind: 'body' }
    expect(tokenAt(answer('  tok-123  '), body)).toBe('tok-123')
    expect(failure(() => tokenAt(answer('   '), body)).message).toBe('The answer is empty, so body holds no token.')
  })

  it('a header that is not there lists the headers the answer has: none, up to 20, names cut at 40 characters', () => {
    const where: Locator = { kind: 'header', name: 'X-Token' }
    expect(failure(() => tokenAt(answer('', {}), where)).message).toBe('The answer has no header X-Token; it has: nothing.')
    expect(tokenAt(answer('', { 'x-token': ' abc ' }), where)).toBe('abc')
    const many = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`h${i}`, 'v']))
    expect(failure(() => tokenAt(answer('', many), where)).message).toBe(
      `The answer has no header X-Token; it has: ${Array.from({ length: 20 }, (_, i) => `h${i}`).join(', ')}, and 5 more.`
    )
    const twenty = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`h${i}`, 'v']))
    expect(failure(() => tokenAt(answer('', twenty), where)).message).not.toContain('more')
    const long = { ['n'.repeat(40)]: 'v', ['m'.repeat(41)]: 'v' }
    expect(failure(() => tokenAt(answer('', long), where)).message).toBe(`The answer has no header X-Token; it has: ${'n'.repeat(40)}, ${'m'.repeat(40)}….`)
  })

  it('a JSON place in an answer that is a single value or not JSON says what the answer is', () => {
    expect(failure(() => tokenAt(answer('"just text"'), json('/access_token'))).message).toBe('The answer has no value at json:/access_token; it has: a single string.')
    expect(failure(() => tokenAt(answer('null'), json('/access_token'))).message).toBe('The answer has no value at json:/access_token; it has: a single null.')
    expect(failure(() => tokenAt(answer('<html>', { 'content-type': 'text/html; charset=utf-8' }), json('/t'))).message).toBe(
      'The answer is not JSON (it is text/html), so json:/t cannot be read. Use header:Name or body instead.'
    )
    expect(failure(() => tokenAt(answer('<html>'), json('/t'))).message).toBe('The answer is not JSON, so json:/t cannot be read. Use header:Name or body instead.')
    expect(failure(() => tokenAt(answer('<html>', { 'content-type': `text/${'x'.repeat(100)}` }), json('/t'))).message).toContain(`(it is text/${'x'.repeat(55)})`)
  })

  it('a token that is true/false is named as such', () => {
    expect(failure(() => tokenAt(answer('{"t": true}'), json('/t'))).message).toBe('The value at json:/t is true/false, not a token (text).')
  })

  it('locate hands back the raw value found', () => {
    expect(locate(answer('{"t": {"a": 1}}'), json('/t'), 'tokenFrom')).toEqual({ a: 1 })
  })

  it('a JWT is one that decodes; anything else is an opaque value', () => {
    const token = jwtWith({ exp: 1 })
    expect(isJwt(token)).toBe(true)
    expect(isJwt('aaaa.bbbb.cccc')).toBe(false)
    expect(isJwt('opaque')).toBe(false)
    expect(describeToken(token)).toBe(`a JWT, ${token.length} characters`)
    expect(describeToken('opaque')).toBe('an opaque value, 6 characters')
  })
})

describe('reading the expiry: edges', () => {
  const TOKEN = 'opaque-token-value'
  const read = (value: unknown, format: Parameters<typeof readExpiry>[3]): ReturnType<typeof readExpiry> =>
    readExpiry(answer(JSON.stringify({ e: value })), TOKEN, json('/e'), format)

  it('0 is a lifetime of nothing and the Unix epoch, not an error; below 0 is', () => {
    expect(read(0, 'seconds').expiry).toEqual({ source: 'recipe', kind: 'seconds', seconds: 0 })
    expect(read(0, 'auto').expiry).toEqual({ source: 'recipe', kind: 'seconds', seconds: 0 })
    expect(read(0, 'epoch-seconds').expiry).toEqual({ source: 'recipe', kind: 'server-time', atMs: 0 })
    for (const format of ['seconds', 'auto', 'epoch-seconds'] as const) expect(failure(() => read(-1, format)).code).toBe('RECIPE_INVALID')
  })

  it('a list holding a number is not a number; a number is not a JWT', () => {
    expect(failure(() => read([300], 'seconds')).message).toBe('The value at json:/e is a list, which is not a number of seconds. Check Expiry from and Expiry format.')
    expect(failure(() => read(300, 'jwt-exp')).message).toBe('The value at json:/e is "300", which is not a JWT with an exp claim. Check Expiry from and Expiry format.')
  })

  it('what the reading says quotes short plain values and names the kind of anything else', () => {
    expect(read('  300  ', 'seconds').said).toBe('json:/e → 300')
    expect(read(300, 'seconds').said).toBe('json:/e → 300')
    expect(read('2030-01-02', 'iso-date').said).toBe('json:/e → 2030-01-02')
    const jwt = jwtWith({ exp: 1_900_000_000 })
    expect(read(jwt, 'jwt-exp').said).toBe('json:/e exp → 1900000000')
    expect(failure(() => read('x'.repeat(41), 'seconds')).message).toBe('The value at json:/e is a long text, which is not a number of seconds. Check Expiry from and Expiry format.')
    expect(failure(() => read('12:00 tomorrow', 'seconds')).message).toContain('is "12:00 tomorrow", which')
    expect(failure(() => read('abc"def', 'seconds')).message).toContain('is a long text, which')
    expect(failure(() => read(true, 'seconds')).message).toContain('is "true", which')
  })

  it('a JWT found with surrounding spaces is read in automatic mode too, with a numeric nbf only', () => {
    const jwt = jwtWith({ exp: 1_900_000_000, nbf: 'soon' })
    const reading = read(` ${jwt} `, 'auto')
    expect(reading.expiry).toEqual({ source: 'jwt-exp', kind: 'server-time', atMs: 1_900_000_000_000 })
    expect(reading.notBeforeMs).toBeNull()
  })
})
