/**
 * Properties over every parser in src/core/secrets (security.md §6 row 25, goal G15): the
 * encrypted-file reader, the keychain value codec, the keychain error classifier and the secret
 * key rule. 1,000 runs each; fast-check prints the seed and path of a failure for replay.
 * Whatever the input, the answer is a value or our typed error, never another exception.
 */
import { createHash, randomBytes } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AppError } from '../../shared/errors'
import { createFileKey, openItems, sealItems } from './encrypted-file'
import { classifyKeychainMessage } from './keychain-errors'
import { assertSecretKey, SECRET_KEY_PATTERN } from './port'
import { canStoreVerbatim, CHUNK_CHARS, chunkAccount, decodeChunks, encodeValue, ENCODED_MARK, parseMain, type EncodedHeader } from './value-codec'

/** 1,000 per property; `npm run mutation` lowers it (TD_PROPERTY_RUNS) so each mutant runs in seconds. */
const RUNS = { numRuns: Number(process.env.TD_PROPERTY_RUNS) || 1000 }
const RAW = { kind: 'raw' as const, key: randomBytes(32) }
const VAULT_CODES = /^VAULT_(CORRUPT|TOO_NEW|WRONG_PASSPHRASE)$/

function expectTyped(error: unknown, codes: RegExp): void {
  expect(error).toBeInstanceOf(AppError)
  expect((error as AppError).code).toMatch(codes)
  expect((error as AppError).message).not.toMatch(/\n\s+at /)
}

async function openOutcome(bytes: Buffer): Promise<'opened' | 'typed-error'> {
  try {
    await openItems(bytes, 'token-cache', RAW, '/x/token-cache.tdv')
    return 'opened'
  } catch (error) {
    expectTyped(error, VAULT_CODES)
    return 'typed-error'
  }
}

function prefixed(headerBytes: Buffer, version: number, body: Buffer): Buffer {
  const prefix = Buffer.alloc(9)
  prefix.write('TDEF', 0, 'ascii')
  prefix.writeUInt8(version, 4)
  prefix.writeUInt32BE(headerBytes.length, 5)
  return Buffer.concat([prefix, headerBytes, createHash('sha256').update(headerBytes).digest(), body])
}

describe('encrypted-file reader', () => {
  it('arbitrary bytes (with and without the TDEF magic) are refused with a typed error', async () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 600 }),
      fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.uint8Array({ maxLength: 600 })).map(([version, length, rest]) => {
        const prefix = Buffer.alloc(9)
        prefix.write('TDEF', 0, 'ascii')
        prefix.writeUInt8(version, 4)
        prefix.writeUInt32BE(length, 5)
        return Buffer.concat([prefix, Buffer.from(rest)])
      })
    )
    await fc.assert(
      fc.asyncProperty(bytes, async (value) => {
        expect(await openOutcome(Buffer.from(value))).toBe('typed-error')
      }),
      RUNS
    )
  })

  it('any JSON header with a matching digest (hostile KDF values included) is a typed error, never a crash', async () => {
    const leaf = fc.oneof(fc.anything(), fc.constantFrom(0, -1, 1, 2 ** 10, 2 ** 20, 2 ** 31, 1e308, null, '', 'scrypt', 'raw'))
    const kdf = fc.record(
      { name: fc.oneof(fc.constantFrom('scrypt', 'raw', 'argon2'), leaf), N: leaf, r: leaf, p: leaf, salt: fc.oneof(fc.base64String(), leaf) },
      { requiredKeys: [] }
    )
    const header = fc.record(
      {
        format: fc.oneof(fc.constant('tokendesk-encrypted-file'), leaf),
        version: fc.oneof(fc.constantFrom(0, 1, 2), leaf),
        kind: fc.oneof(fc.constantFrom('token-cache', 'vault'), leaf),
        kdf: fc.oneof(kdf, leaf),
        cipher: fc.oneof(fc.constant('aes-256-gcm'), leaf),
        iv: fc.oneof(fc.base64String(), leaf),
        keyCheck: fc.oneof(fc.base64String(), leaf)
      },
      { requiredKeys: [] }
    )
    await fc.assert(
      fc.asyncProperty(fc.oneof(header, fc.jsonValue()), fc.uint8Array({ maxLength: 100 }), fc.constantFrom(0, 1, 2), async (value, body, version) => {
        let json: string
        try {
          json = JSON.stringify(value) ?? 'null'
        } catch {
          json = '"not serialisable"'
        }
        expect(await openOutcome(prefixed(Buffer.from(json, 'utf8'), version, Buffer.from(body)))).toBe('typed-error')
      }),
      RUNS
    )
  })

  it('a real file cut anywhere or extended by anything is refused; only the exact bytes open', async () => {
    const sealed = sealItems('token-cache', await createFileKey(RAW), new Map([['tok', 'v'.repeat(100)]]))
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: sealed.length }), fc.uint8Array({ maxLength: 64 }), async (cut, tail) => {
        const changed = Buffer.concat([sealed.subarray(0, cut), Buffer.from(tail)])
        const outcome = await openOutcome(changed)
        expect(outcome).toBe(changed.equals(sealed) ? 'opened' : 'typed-error')
      }),
      RUNS
    )
  })

  it('round-trips any item map through seal/open (1,000 maps)', async () => {
    const key = await createFileKey(RAW)
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 300 }), { maxKeys: 8 }), async (record) => {
        const items = new Map(Object.entries(record))
        expect((await openItems(sealItems('token-cache', key, items), 'token-cache', RAW, '/x')).items).toEqual(items)
      }),
      RUNS
    )
  })
})

/** keytar on Linux: a C string (NUL ends it) in UTF-8 (lone surrogates become U+FFFD). */
function throughKeytar(value: string): string {
  if (value.length === 0) throw new Error('Password is required.')
  return Buffer.from(value.split('\0')[0]!, 'utf8').toString('utf8')
}

/** Values that cannot be stored verbatim and need two or more chunks. */
const multiChunkValue = fc
  .tuple(
    fc.string({ unit: fc.constantFrom('a', 'Z', '€', '\u0000', '\ud800', '\udfff', '\u{1f511}', '\n', '"'), minLength: 1400, maxLength: 9000 }),
    fc.constantFrom('', '\u0000', '\ud800')
  )
  .map(([body, poison]) => `${body}${poison}`)
  .filter((value) => !canStoreVerbatim(value))

function store(value: string, generation: string): Map<string, string> {
  const encoded = encodeValue(value, generation)
  const items = new Map<string, string>([['k', throughKeytar(encoded.main)]])
  encoded.chunks.forEach((chunk, i) => items.set(chunkAccount('k', generation, i + 1), throughKeytar(chunk)))
  return items
}

function load(items: ReadonlyMap<string, string>): string {
  const parsed = parseMain(items.get('k')!)
  if (parsed.kind === 'verbatim') return parsed.value
  const chunks = Array.from({ length: parsed.header.n - 1 }, (_, i) => items.get(chunkAccount('k', parsed.header.g, i + 1)) ?? null)
  return decodeChunks(parsed.header, parsed.firstChunk, chunks)
}

describe('keychain value codec', () => {
  it('multi-chunk values (2+ chunks, UTF-8 and UTF-16 encodings) round-trip intact, every item within 2,560 bytes', () => {
    let maxChunks = 0
    fc.assert(
      fc.property(multiChunkValue, fc.stringMatching(/^[a-z0-9]{1,32}$/), (value, generation) => {
        const encoded = encodeValue(value, generation)
        expect(encoded.header).not.toBeNull()
        expect(encoded.header!.n).toBeGreaterThanOrEqual(2)
        expect(encoded.header!.n).toBe(encoded.chunks.length + 1)
        expect(encoded.header!.e).toBe(value.isWellFormed() ? 'u8' : 'u16')
        expect(encoded.main.startsWith(ENCODED_MARK)).toBe(true)
        for (const chunk of encoded.chunks) expect(chunk.length).toBeLessThanOrEqual(CHUNK_CHARS)
        maxChunks = Math.max(maxChunks, encoded.header!.n)
        const items = store(value, generation)
        for (const stored of items.values()) expect(Buffer.byteLength(stored, 'utf8')).toBeLessThanOrEqual(2560)
        expect(load(items)).toBe(value)
      }),
      RUNS
    )
    expect(maxChunks).toBeGreaterThanOrEqual(3)
  })

  it('a multi-chunk value with a chunk dropped, swapped, altered or reordered is SECRET_CORRUPT, never a wrong value', () => {
    fc.assert(
      fc.property(multiChunkValue, fc.nat(), fc.constantFrom('drop', 'alter', 'reorder', 'extra', 'first'), (value, at, damage) => {
        const encoded = encodeValue(value, 'g1')
        const parsed = parseMain(encoded.main)
        if (parsed.kind !== 'encoded') throw new Error('expected an encoded value')
        const chunks: Array<string | null> = [...encoded.chunks]
        const i = at % chunks.length
        let first = parsed.firstChunk
        if (damage === 'drop') chunks[i] = null
        if (damage === 'alter') chunks[i] = `${chunks[i]!.slice(0, -1)}${chunks[i]!.endsWith('A') ? 'B' : 'A'}`
        if (damage === 'reorder') {
          if (chunks[i] === first) return // identical chunks: swapping changes nothing
          ;[first, chunks[i]] = [chunks[i]!, first]
        }
        if (damage === 'extra') chunks.push('AAAA')
        if (damage === 'first') first = first.slice(1)
        expect(() => decodeChunks(parsed.header, first, chunks)).toThrow(expect.objectContaining({ code: 'SECRET_CORRUPT' }))
      }),
      RUNS
    )
  })

  it('parseMain of any stored string: verbatim (unchanged) without the mark, else encoded or SECRET_CORRUPT', () => {
    const stored = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({ unit: 'binary' }).map((rest) => `${ENCODED_MARK}${rest}`),
      fc.tuple(fc.jsonValue(), fc.string()).map(([header, rest]) => `${ENCODED_MARK}${JSON.stringify(header)}\n${rest}`),
      fc
        .record({ e: fc.oneof(fc.constantFrom('u8', 'u16'), fc.anything()), n: fc.oneof(fc.integer(), fc.anything()), g: fc.oneof(fc.stringMatching(/^[a-z0-9]{1,32}$/), fc.anything()), d: fc.oneof(fc.string(), fc.anything()) }, { requiredKeys: [] })
        .map((header) => `${ENCODED_MARK}${JSON.stringify(header)}\nQUJD`)
    )
    fc.assert(
      fc.property(stored, (value) => {
        let parsed: ReturnType<typeof parseMain>
        try {
          parsed = parseMain(value)
        } catch (error) {
          expectTyped(error, /^SECRET_CORRUPT$/)
          expect(value.startsWith(ENCODED_MARK)).toBe(true)
          return
        }
        if (!value.startsWith(ENCODED_MARK)) expect(parsed).toEqual({ kind: 'verbatim', value })
        else {
          expect(parsed.kind).toBe('encoded')
          if (parsed.kind !== 'encoded') return
          expect(['u8', 'u16']).toContain(parsed.header.e)
          expect(Number.isInteger(parsed.header.n) && parsed.header.n >= 1 && parsed.header.n <= 100_000).toBe(true)
          expect(parsed.header.g).toMatch(/^[a-z0-9]{1,32}$/)
        }
      }),
      RUNS
    )
  })

  it('decodeChunks of any header and chunks: the value whose digest matches, or SECRET_CORRUPT', () => {
    const input = fc
      .record({
        e: fc.constantFrom<EncodedHeader['e']>('u8', 'u16'),
        g: fc.stringMatching(/^[a-z0-9]{1,8}$/),
        first: fc.oneof(fc.base64String({ maxLength: 40 }), fc.string({ maxLength: 10 })),
        chunks: fc.array(fc.option(fc.oneof(fc.base64String({ maxLength: 40 }), fc.string({ maxLength: 10 }))), { maxLength: 5 }),
        nOffset: fc.constantFrom(0, 0, 0, -1, 1),
        digest: fc.oneof(fc.constant('real'), fc.stringMatching(/^[0-9a-f]{16}$/), fc.string())
      })
      .map(({ e, g, first, chunks, nOffset, digest }) => {
        const payload = first + chunks.map((c) => c ?? '').join('')
        const real = createHash('sha256').update(payload).digest('hex').slice(0, 16)
        const header: EncodedHeader = { e, g, n: Math.max(1, chunks.length + 1 + nOffset), d: digest === 'real' ? real : digest }
        return { header, first, chunks }
      })
    let decoded = 0
    fc.assert(
      fc.property(input, ({ header, first, chunks }) => {
        try {
          const value = decodeChunks(header, first, chunks)
          decoded += 1
          expect(chunks.length).toBe(header.n - 1)
          expect(chunks.every((c) => c !== null)).toBe(true)
          const payload = first + chunks.join('')
          expect(createHash('sha256').update(payload).digest('hex').slice(0, 16)).toBe(header.d)
          expect(value).toBe(Buffer.from(payload, 'base64').toString(header.e === 'u8' ? 'utf8' : 'utf16le'))
        } catch (error) {
          expectTyped(error, /^SECRET_CORRUPT$/)
        }
      }),
      RUNS
    )
    expect(decoded).toBeGreaterThan(0)
  })
})

describe('keychain error classifier and secret key rule', () => {
  const CODES = ['KEYCHAIN_NO_DBUS', 'KEYCHAIN_NO_SECRET_SERVICE', 'KEYCHAIN_LOCKED', 'KEYCHAIN_TIMEOUT', 'KEYCHAIN_ACCESS_DENIED', 'KEYCHAIN_VALUE_REJECTED', 'KEYCHAIN_UNAVAILABLE']

  it('classifies any message (known phrases embedded in noise included) as one keychain code', () => {
    const phrase = fc.constantFrom(
      'Cannot autolaunch D-Bus without X11 $DISPLAY',
      'The name org.freedesktop.secrets was not provided by any .service files',
      'Cannot create an item in a locked collection',
      'Password is required.',
      "Couldn't access platform storage: AccessDenied",
      'Object does not exist at path "/org/freedesktop/secrets/collection/login"'
    )
    const message = fc.oneof(fc.string({ unit: 'binary', maxLength: 2000 }), fc.tuple(fc.string(), phrase, fc.string()).map(([a, p, b]) => `${a}${p}${b}`))
    fc.assert(
      fc.property(message, (value) => {
        expect(CODES).toContain(classifyKeychainMessage(value))
      }),
      RUNS
    )
    // No catastrophic backtracking on long messages (a bound generous enough for a loaded CI box).
    const started = performance.now()
    for (const long of [`Object does not exist at path ${'/org'.repeat(50_000)}`, 'x'.repeat(200_000), `${'Could not connect'.repeat(10_000)}`]) {
      classifyKeychainMessage(long)
    }
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('assertSecretKey accepts exactly the documented pattern and otherwise throws SECRET_KEY_INVALID', () => {
    const key = fc.oneof(fc.string({ unit: 'binary', maxLength: 220 }), fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:@/#-]{0,205}$/))
    fc.assert(
      fc.property(key, (value) => {
        let threw: unknown = null
        try {
          assertSecretKey(value)
        } catch (error) {
          threw = error
        }
        if (SECRET_KEY_PATTERN.test(value)) expect(threw).toBeNull()
        else expectTyped(threw, /^SECRET_KEY_INVALID$/)
        // Bookkeeping items are never a caller's key.
        if (value.includes('#') || value.startsWith('.')) expect(threw).not.toBeNull()
      }),
      RUNS
    )
  })
})
