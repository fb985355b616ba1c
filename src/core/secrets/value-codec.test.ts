import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { canStoreVerbatim, CHUNK_CHARS, chunkAccount, decodeChunks, encodeValue, MAX_VERBATIM_BYTES, parseMain } from './value-codec'

/** What keytar on Linux does to a string: C string (NUL ends it), UTF-8 (lone surrogates → U+FFFD). */
function throughKeytar(value: string): string {
  if (value.length === 0) throw new Error('Password is required.')
  return Buffer.from(value.split('\0')[0]!, 'utf8').toString('utf8')
}

function roundTrip(value: string): string {
  const encoded = encodeValue(value, 'g1')
  const items = new Map<string, string>()
  items.set('k', throughKeytar(encoded.main))
  encoded.chunks.forEach((chunk, i) => items.set(chunkAccount('k', 'g1', i + 1), throughKeytar(chunk)))
  for (const stored of items.values()) expect(Buffer.byteLength(stored, 'utf8')).toBeLessThanOrEqual(2560)
  const parsed = parseMain(items.get('k')!)
  if (parsed.kind === 'verbatim') return parsed.value
  const chunks = Array.from({ length: parsed.header.n - 1 }, (_, i) => items.get(chunkAccount('k', parsed.header.g, i + 1)) ?? null)
  return decodeChunks(parsed.header, parsed.firstChunk, chunks)
}

describe('value codec', () => {
  it('round-trips arbitrary strings through a keytar-like item store, every item ≤ 2,560 bytes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme', maxLength: 2000 }), fc.string({ unit: fc.constantFrom('\0', '\uD800', 'a', '€', '\uDFFF'), maxLength: 3000 })), (value) => {
        expect(roundTrip(value)).toBe(value)
      }),
      { numRuns: 1000 }
    )
  })

  it('stores ordinary values verbatim so other tools show them as typed', () => {
    expect(canStoreVerbatim('hunter2')).toBe(true)
    expect(encodeValue('hunter2', 'g').main).toBe('hunter2')
    expect(canStoreVerbatim('')).toBe(false)
    expect(canStoreVerbatim('a\0b')).toBe(false)
    expect(canStoreVerbatim('a\uD800')).toBe(false)
    expect(canStoreVerbatim('a'.repeat(MAX_VERBATIM_BYTES + 1))).toBe(false)
  })

  it('splits a 200 KB value into chunks and detects a missing or swapped chunk', () => {
    const value = 'q'.repeat(200 * 1024)
    const encoded = encodeValue(value, 'abc')
    expect(encoded.chunks.length).toBe(Math.ceil(Buffer.from(value).toString('base64').length / CHUNK_CHARS) - 1)
    const parsed = parseMain(encoded.main)
    if (parsed.kind !== 'encoded') throw new Error('expected encoded')
    expect(() => decodeChunks(parsed.header, parsed.firstChunk, [...encoded.chunks.slice(0, -1), null])).toThrow(expect.objectContaining({ code: 'SECRET_CORRUPT' }))
    const swapped = [...encoded.chunks]
    swapped[0] = encodeValue('r'.repeat(200 * 1024), 'xyz').chunks[0]!
    expect(() => decodeChunks(parsed.header, parsed.firstChunk, swapped)).toThrow(expect.objectContaining({ code: 'SECRET_CORRUPT' }))
  })
})
