import { describe, expect, it } from 'vitest'
import { inspectValue } from './service'

/** tokens.inspect: what a token is, from its value alone (the service's exported inspectValue). */

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')
const jwt = (header: unknown, claims: unknown, signature = 'c2ln'): string => `${b64url(header)}.${b64url(claims)}.${signature}`

describe('inspectValue', () => {
  it('a JWT: header and claims decoded, iat/nbf/exp as ISO times in that order, signature not verified', () => {
    const value = jwt({ alg: 'HS256', typ: 'JWT' }, { sub: 'u1', exp: 1_900_000_100, nbf: 1_900_000_000, iat: 1_899_999_990 })
    expect(inspectValue(value)).toEqual({
      format: 'jwt',
      length: value.length,
      jwtHeader: { alg: 'HS256', typ: 'JWT' },
      jwtClaims: { sub: 'u1', exp: 1_900_000_100, nbf: 1_900_000_000, iat: 1_899_999_990 },
      notes: [
        `iat ${new Date(1_899_999_990_000).toISOString()}`,
        `nbf ${new Date(1_900_000_000_000).toISOString()}`,
        `exp ${new Date(1_900_000_100_000).toISOString()}`,
        'signed with HS256; TokenDesk does not verify the signature'
      ]
    })
  })

  it('a JWT without time claims or alg, and an unsigned one (empty signature part)', () => {
    const noAlg = jwt({ typ: 'JWT' }, { sub: 'u1', exp: 'soon' }, '')
    expect(inspectValue(noAlg)).toMatchObject({ format: 'jwt', notes: ['signed with an unknown algorithm; TokenDesk does not verify the signature'] })
  })

  it('three dot-separated parts that do not decode are opaque, with a note saying so', () => {
    const value = 'abc.def.ghi'
    expect(inspectValue(value)).toEqual({
      format: 'opaque',
      length: 11,
      notes: ['looks like a JWT but does not decode; treated as opaque', 'opaque: the server alone knows what it means']
    })
  })

  it('only the whole value counts as a JWT: extra text around it makes it opaque', () => {
    const value = jwt({ alg: 'HS256' }, { exp: 1 })
    for (const wrapped of [`Bearer ${value}`, `${value}.more`, `${value} `]) expect(inspectValue(wrapped).format, wrapped).toBe('opaque')
  })

  it('a PocketPaw session token: expiry from its own prefix, with or without "session:"', () => {
    const signature = 'ab'.repeat(32)
    for (const value of [`1900000000:${signature}`, `session:1900000000:${signature}`]) {
      expect(inspectValue(value)).toEqual({
        format: 'pocketpaw',
        length: value.length,
        pocketpaw: { expiresAt: 1_900_000_000_000, signatureHexLength: 64 },
        notes: [`expires ${new Date(1_900_000_000_000).toISOString()} (from the token's own prefix)`, 'HMAC-SHA256 signature, verified only by the server']
      })
    }
  })

  it('PocketPaw look-alikes are opaque: short or non-hex signatures, extra text, too many digits', () => {
    for (const value of [
      `1900000000:${'a'.repeat(15)}`,
      `1900000000:${'g'.repeat(16)}`,
      `1900000000:${'a'.repeat(129)}`,
      `x1900000000:${'a'.repeat(16)}`,
      `1900000000:${'a'.repeat(16)}x`,
      `1234567890123:${'a'.repeat(16)}`,
      `:${'a'.repeat(16)}`
    ]) {
      expect(inspectValue(value).format, value).toBe('opaque')
    }
    expect(inspectValue(`1:${'A'.repeat(128)}`).format).toBe('pocketpaw')
  })

  it('anything else is opaque', () => {
    expect(inspectValue('some-random-api-key')).toEqual({ format: 'opaque', length: 19, notes: ['opaque: the server alone knows what it means'] })
  })
})
