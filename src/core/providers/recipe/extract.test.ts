import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AppError } from '../../../shared/errors'
import type { HttpResponse } from '../../http/client'
import { parseLocator, parsePointer, readExpiry, resolvePointer, tokenAt, type Locator } from './extract'
import type { ExpiryFormat } from './spec'

/** An answer as the HTTP client hands it over (the network part is covered in recipe.test.ts). */
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

const json = (pointer: string): Locator => parseLocator(`json:${pointer}`, 'expiryFrom', false)

function jwtWith(claims: Record<string, unknown>): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.c2ln`
}

describe('JSON pointers (RFC 6901)', () => {
  const document = { foo: ['bar', 'baz'], '': 0, 'a/b': 1, 'c%d': 2, 'e^f': 3, 'g|h': 4, 'i\\j': 5, 'k"l': 6, ' ': 7, 'm~n': 8 }
  it.each<[string, unknown]>([
    ['', document],
    ['/foo', ['bar', 'baz']],
    ['/foo/0', 'bar'],
    ['/', 0],
    ['/a~1b', 1],
    ['/c%d', 2],
    ['/e^f', 3],
    ['/g|h', 4],
    ['/i\\j', 5],
    ['/k"l', 6],
    ['/ ', 7],
    ['/m~0n', 8]
  ])('the RFC\'s example %j', (pointer, expected) => {
    expect(resolvePointer(document, parsePointer(pointer)!)).toEqual(expected)
  })

  it('finds nothing past the end, at "-", through a prototype, or in a string', () => {
    expect(resolvePointer(document, parsePointer('/foo/2')!)).toBeUndefined()
    expect(resolvePointer(document, parsePointer('/foo/-')!)).toBeUndefined()
    expect(resolvePointer(document, parsePointer('/foo/01')!)).toBeUndefined()
    expect(resolvePointer(document, parsePointer('/constructor')!)).toBeUndefined()
    expect(resolvePointer(document, parsePointer('/foo/0/length')!)).toBeUndefined()
  })

  it('refuses pointers that are not RFC 6901', () => {
    expect(parsePointer('foo')).toBeNull()
    expect(parsePointer('/a~2b')).toBeNull()
    expect(parsePointer('/a~')).toBeNull()
  })

  it('any key, escaped, is found again', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 20 }), (outer, inner) => {
        const escape = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1')
        const tokens = parsePointer(`/${escape(outer)}/${escape(inner)}`)
        expect(tokens).toEqual([outer, inner])
        expect(resolvePointer({ [outer]: { [inner]: 'found' } }, tokens!)).toBe('found')
      })
    )
  })
})

describe('the token', () => {
  it('must be text', () => {
    expect(failure(() => tokenAt(answer('{"access_token": 12}'), json('/access_token'))).message).toBe('The value at json:/access_token is a number, not a token (text).')
    expect(failure(() => tokenAt(answer('{"access_token": " "}'), json('/access_token'))).message).toBe('The value at json:/access_token is empty.')
    expect(failure(() => tokenAt(answer('[1,2]'), json('/access_token'))).message).toBe('The answer has no value at json:/access_token; it has: a list of 2 items.')
  })

  it('a missing token lists keys, never values, at most 20 of them', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }).filter((key) => key !== 'access_token'), fc.string({ minLength: 12, maxLength: 30 }), { minKeys: 1, maxKeys: 30 }), (body) => {
        const error = failure(() => tokenAt(answer(JSON.stringify(body)), json('/access_token')))
        for (const value of Object.values(body)) if (!Object.keys(body).some((key) => key.includes(value))) expect(error.message).not.toContain(value)
        const keys = Object.keys(body)
        if (keys.length > 20) expect(error.message).toContain(`and ${keys.length - 20} more.`)
      })
    )
  })
})

describe('expiry', () => {
  const TOKEN = 'opaque-token-value'
  const read = (body: unknown, format: ExpiryFormat, pointer = '/e'): ReturnType<typeof readExpiry> => readExpiry(answer(JSON.stringify({ e: body })), TOKEN, json(pointer), format)

  it.each<[unknown, ExpiryFormat, unknown]>([
    [300, 'auto', { source: 'recipe', kind: 'seconds', seconds: 300 }],
    ['300', 'auto', { source: 'recipe', kind: 'seconds', seconds: 300 }],
    [999_999_999, 'auto', { source: 'recipe', kind: 'seconds', seconds: 999_999_999 }],
    [1_000_000_000, 'auto', { source: 'recipe', kind: 'server-time', atMs: 1_000_000_000_000 }],
    [999_999_999_999, 'auto', { source: 'recipe', kind: 'server-time', atMs: 999_999_999_999_000 }],
    [1_000_000_000_000, 'auto', { source: 'recipe', kind: 'server-time', atMs: 1_000_000_000_000 }],
    ['2030-01-02T03:04:05Z', 'auto', { source: 'recipe', kind: 'server-time', atMs: Date.UTC(2030, 0, 2, 3, 4, 5) }],
    ['2030-01-02T03:04:05+0200', 'auto', { source: 'recipe', kind: 'server-time', atMs: Date.UTC(2030, 0, 2, 1, 4, 5) }],
    ['2030-01-02 03:04:05', 'iso-date', { source: 'recipe', kind: 'server-time', atMs: Date.UTC(2030, 0, 2, 3, 4, 5) }],
    ['2030-01-02', 'iso-date', { source: 'recipe', kind: 'server-time', atMs: Date.UTC(2030, 0, 2) }],
    ['Wed, 02 Jan 2030 03:04:05 GMT', 'auto', { source: 'recipe', kind: 'server-time', atMs: Date.UTC(2030, 0, 2, 3, 4, 5) }],
    [24, 'hours', { source: 'recipe', kind: 'seconds', seconds: 86_400 }],
    [1.5, 'seconds', { source: 'recipe', kind: 'seconds', seconds: 1.5 }],
    [42, 'epoch-seconds', { source: 'recipe', kind: 'server-time', atMs: 42_000 }],
    ['1700000000123', 'epoch-ms', { source: 'recipe', kind: 'server-time', atMs: 1_700_000_000_123 }],
    [jwtWith({ exp: 1_900_000_000 }), 'jwt-exp', { source: 'jwt-exp', kind: 'server-time', atMs: 1_900_000_000_000 }],
    [jwtWith({ exp: 1_900_000_000 }), 'auto', { source: 'jwt-exp', kind: 'server-time', atMs: 1_900_000_000_000 }],
    // A date-time without a zone is UTC, whatever the machine's zone; lower-case t and z are ISO too.
    ['2030-01-02T03:04', 'iso-date', { source: 'recipe', kind: 'server-time', atMs: Date.UTC(2030, 0, 2, 3, 4) }],
    ['2030-01-02t03:04:05.250z', 'iso-date', { source: 'recipe', kind: 'server-time', atMs: Date.UTC(2030, 0, 2, 3, 4, 5, 250) }],
    ['2030-01-02T03:04:05-05:30', 'iso-date', { source: 'recipe', kind: 'server-time', atMs: Date.UTC(2030, 0, 2, 8, 34, 5) }],
    [' 2030-01-02T03:04:05Z ', 'iso-date', { source: 'recipe', kind: 'server-time', atMs: Date.UTC(2030, 0, 2, 3, 4, 5) }],
    ['Wed, 02 Jan 2030 03:04:05 GMT', 'iso-date', { source: 'recipe', kind: 'server-time', atMs: Date.UTC(2030, 0, 2, 3, 4, 5) }],
    [' 2.5 ', 'hours', { source: 'recipe', kind: 'seconds', seconds: 9000 }],
    [1_700_000_000.4, 'epoch-seconds', { source: 'recipe', kind: 'server-time', atMs: 1_700_000_000_400 }],
    [1_700_000_000_123.6, 'epoch-ms', { source: 'recipe', kind: 'server-time', atMs: 1_700_000_000_124 }],
    [` ${jwtWith({ exp: 1_900_000_000 })} `, 'jwt-exp', { source: 'jwt-exp', kind: 'server-time', atMs: 1_900_000_000_000 }]
  ])('%j read as %s', (value, format, expiry) => {
    expect(read(value, format).expiry).toEqual(expiry)
  })

  it('auto: below 10^9 seconds from now, below 10^12 Unix seconds, else Unix milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 52 }), (n) => {
        const { expiry } = read(n, 'auto')
        if (n < 1e9) expect(expiry).toEqual({ source: 'recipe', kind: 'seconds', seconds: n })
        else if (n < 1e12) expect(expiry).toEqual({ source: 'recipe', kind: 'server-time', atMs: n * 1000 })
        else expect(expiry).toEqual({ source: 'recipe', kind: 'server-time', atMs: n })
      })
    )
  })

  it.each<[unknown, ExpiryFormat, string]>([
    ['soon', 'auto', 'The value at json:/e is "soon", which is not a number, a date or a JWT. Check Expiry from and Expiry format.'],
    [-5, 'auto', 'The value at json:/e is "-5", which is not a lifetime or a time (it is negative). Check Expiry from and Expiry format.'],
    ['March 7', 'iso-date', 'The value at json:/e is "March 7", which is not a date (ISO 8601 or an HTTP date). Check Expiry from and Expiry format.'],
    [{ at: 1 }, 'seconds', 'The value at json:/e is an object, which is not a number of seconds. Check Expiry from and Expiry format.'],
    ['12', 'jwt-exp', 'The value at json:/e is "12", which is not a JWT with an exp claim. Check Expiry from and Expiry format.'],
    ['x'.repeat(50), 'auto', 'The value at json:/e is a long text, which is not a number, a date or a JWT. Check Expiry from and Expiry format.'],
    [-1, 'seconds', 'The value at json:/e is "-1", which is not a lifetime (it is negative). Check Expiry from and Expiry format.'],
    ['soon', 'hours', 'The value at json:/e is "soon", which is not a number of hours. Check Expiry from and Expiry format.'],
    [-1, 'epoch-seconds', 'The value at json:/e is "-1", which is not a Unix time in seconds. Check Expiry from and Expiry format.'],
    [true, 'epoch-ms', 'The value at json:/e is "true", which is not a Unix time in milliseconds. Check Expiry from and Expiry format.'],
    [null, 'auto', 'The value at json:/e is null, which is not a number, a date or a JWT. Check Expiry from and Expiry format.'],
    [[1], 'iso-date', 'The value at json:/e is a list, which is not a date (ISO 8601 or an HTTP date). Check Expiry from and Expiry format.'],
    ['2030-13-45T99:99:99Z', 'iso-date', 'The value at json:/e is "2030-13-45T99:99:99Z", which is not a date (ISO 8601 or an HTTP date). Check Expiry from and Expiry format.'],
    // Letters in a run of 12 or more look like a credential: never quoted.
    ['abcdefghijkl', 'auto', 'The value at json:/e is a long text, which is not a number, a date or a JWT. Check Expiry from and Expiry format.'],
    [jwtWith({ sub: 'x' }), 'jwt-exp', 'The value at json:/e is a long text, which is not a JWT with an exp claim. Check Expiry from and Expiry format.']
  ])('refuses %j as %s, quoting only short plain values', (value, format, message) => {
    const error = failure(() => read(value, format))
    expect(error.code).toBe('RECIPE_INVALID')
    expect(error.message).toBe(message)
  })

  it('a missing expiry place is an error that lists what the answer has', () => {
    expect(failure(() => read(1, 'auto', '/expires_in')).message).toBe('The answer has no value at json:/expires_in; it has: e.')
  })

  it('with no place: the token\'s own JWT exp (and nbf), else unknown; never invented', () => {
    const jwt = jwtWith({ exp: 1_900_000_000, nbf: 1_800_000_000 })
    expect(readExpiry(answer('{}'), jwt, null, 'auto')).toEqual({ expiry: { source: 'jwt-exp', kind: 'server-time', atMs: 1_900_000_000_000 }, notBeforeMs: 1_800_000_000_000, said: 'JWT exp → 1900000000' })
    expect(readExpiry(answer('{}'), jwtWith({ sub: 'x' }), null, 'auto').expiry).toEqual({ source: 'unknown', kind: 'unknown' })
    expect(readExpiry(answer('{}'), TOKEN, null, 'auto').expiry).toEqual({ source: 'unknown', kind: 'unknown' })
    expect(failure(() => readExpiry(answer('{}'), TOKEN, null, 'jwt-exp')).message).toBe(
      'Expiry format is "JWT exp claim", but the token is not a JWT with an exp claim. Set Expiry from, or choose Automatic.'
    )
  })

  it('reads a header, whatever its case', () => {
    const reading = readExpiry(answer('{}', { 'x-expires-in': '120' }), TOKEN, parseLocator('header:X-Expires-In', 'expiryFrom', false), 'auto')
    expect(reading.expiry).toEqual({ source: 'recipe', kind: 'seconds', seconds: 120 })
    expect(reading.said).toBe('header:X-Expires-In → 120')
  })
})
