/**
 * The keychain value codec's stored format, pinned: items a keychain holds today were written by
 * this version and must decode in every later build (golden literals below), and the codec's
 * boundaries and header checks each have an exact case.
 */
import { describe, expect, it } from 'vitest'
import { canStoreVerbatim, CHUNK_CHARS, chunkAccount, decodeChunks, encodeValue, ENCODED_MARK, MAX_VERBATIM_BYTES, parseMain } from './value-codec'

const MARK = '\u0001TD1'
const PERIOD = 'w6nDqcOp' // base64 of "éé" (6 UTF-8 bytes)

/** Items exactly as TokenDesk 0.1.0 stores them in a keychain (main item, then chunk items). */
const GOLDEN: ReadonlyArray<{ value: string; generation: string; main: string; chunks: string[] }> = [
  { value: 'a\u0000b', generation: 'gen1', main: `${MARK}{"e":"u8","n":1,"g":"gen1","d":"e6ed7e6cf9cbe764"}\nYQBi`, chunks: [] },
  { value: 'x\ud800', generation: 'gen2', main: `${MARK}{"e":"u16","n":1,"g":"gen2","d":"ecd0240267e84dd5"}\neAAA2A==`, chunks: [] },
  {
    value: '\u00e9'.repeat(1500),
    generation: 'gen3',
    main: `${MARK}{"e":"u8","n":3,"g":"gen3","d":"cfdfa8d140efbd3d"}\n${PERIOD.repeat(225)}`,
    chunks: [PERIOD.repeat(225), PERIOD.repeat(50)]
  },
  { value: 'hunter2', generation: 'gen4', main: 'hunter2', chunks: [] }
]

describe('value codec: stored format of TokenDesk 0.1.0 (golden)', () => {
  it('the constants the format depends on', () => {
    expect(ENCODED_MARK).toBe(MARK)
    expect(MAX_VERBATIM_BYTES).toBe(2000)
    expect(CHUNK_CHARS).toBe(1800)
    expect(chunkAccount('credential/a/password', 'k3x', 2)).toBe('credential/a/password#k3x.2')
  })

  it.each(GOLDEN.map((g) => [JSON.stringify(g.value).slice(0, 40), g] as const))('decodes %s from its stored items', (_name, golden) => {
    const parsed = parseMain(golden.main)
    if (parsed.kind === 'verbatim') {
      expect(parsed.value).toBe(golden.value)
      return
    }
    expect(decodeChunks(parsed.header, parsed.firstChunk, golden.chunks)).toBe(golden.value)
  })

  it.each(GOLDEN.map((g) => [JSON.stringify(g.value).slice(0, 40), g] as const))('encodes %s to exactly those items', (_name, golden) => {
    const encoded = encodeValue(golden.value, golden.generation)
    expect(encoded.main).toBe(golden.main)
    expect(encoded.chunks).toEqual(golden.chunks)
  })
})

describe('value codec: boundaries', () => {
  it('verbatim up to exactly 2,000 UTF-8 bytes, encoded from 2,001', () => {
    expect(canStoreVerbatim('a'.repeat(2000))).toBe(true)
    expect(canStoreVerbatim('a'.repeat(2001))).toBe(false)
    expect(canStoreVerbatim('\u00e9'.repeat(1000))).toBe(true) // 2,000 bytes
    expect(canStoreVerbatim(`${'\u00e9'.repeat(1000)}a`)).toBe(false)
    expect(encodeValue('a'.repeat(2000), 'g').main).toBe('a'.repeat(2000))
    expect(encodeValue('a'.repeat(2001), 'g').header).toMatchObject({ e: 'u8', n: 2 })
  })

  it('a value that starts with the mark is encoded, so it is never mistaken for a header', () => {
    const tricky = `${MARK}{"e":"u8","n":1,"g":"g","d":"0"}\nQUJD`
    expect(canStoreVerbatim(tricky)).toBe(false)
    const encoded = encodeValue(tricky, 'g9')
    expect(encoded.main).not.toBe(tricky)
    const parsed = parseMain(encoded.main)
    if (parsed.kind !== 'encoded') throw new Error('expected encoded')
    expect(decodeChunks(parsed.header, parsed.firstChunk, encoded.chunks)).toBe(tricky)
    // A value that merely contains the mark later on is ordinary.
    expect(canStoreVerbatim(`x${MARK}`)).toBe(true)
  })

  it('the empty value is encoded as one empty chunk and decodes back to ""', () => {
    const encoded = encodeValue('', 'g0')
    expect(encoded.header).toEqual({ e: 'u8', n: 1, g: 'g0', d: 'e3b0c44298fc1c14' })
    expect(encoded.main).toBe(`${MARK}{"e":"u8","n":1,"g":"g0","d":"e3b0c44298fc1c14"}\n`)
    const parsed = parseMain(encoded.main)
    if (parsed.kind !== 'encoded') throw new Error('expected encoded')
    expect(decodeChunks(parsed.header, parsed.firstChunk, [])).toBe('')
  })

  it('chunks are exactly CHUNK_CHARS long except the last', () => {
    const encoded = encodeValue('\u00e9'.repeat(3000), 'g')
    const all = [encoded.main.slice(encoded.main.indexOf('\n') + 1), ...encoded.chunks]
    expect(all.slice(0, -1).every((c) => c.length === CHUNK_CHARS)).toBe(true)
    expect(all.at(-1)!.length).toBeGreaterThan(0)
    expect(all.at(-1)!.length).toBeLessThanOrEqual(CHUNK_CHARS)
    expect(all.join('')).toBe(Buffer.from('\u00e9'.repeat(3000)).toString('base64'))
  })
})

describe('value codec: damaged items are SECRET_CORRUPT with the reason', () => {
  const corrupt = (what: string) =>
    expect.objectContaining({ code: 'SECRET_CORRUPT', message: `A stored secret could not be read back intact (${what}).`, details: { fix: 'Enter the secret again; the damaged item will be replaced.' } })

  it.each([
    ['no newline after the header', `${MARK}{"e":"u8","n":1,"g":"g","d":"x"}`, 'header without data'],
    ['a header that is not JSON', `${MARK}{e:u8}\nQQ==`, 'unreadable header'],
    ['n = 0', `${MARK}{"e":"u8","n":0,"g":"g","d":"x"}\n`, 'unexpected header'],
    ['n above 100,000', `${MARK}{"e":"u8","n":100001,"g":"g","d":"x"}\n`, 'unexpected header'],
    ['n fractional', `${MARK}{"e":"u8","n":1.5,"g":"g","d":"x"}\n`, 'unexpected header'],
    ['n a string', `${MARK}{"e":"u8","n":"1","g":"g","d":"x"}\n`, 'unexpected header'],
    ['an unknown encoding', `${MARK}{"e":"latin1","n":1,"g":"g","d":"x"}\n`, 'unexpected header'],
    ['a generation with capitals', `${MARK}{"e":"u8","n":1,"g":"Gen","d":"x"}\n`, 'unexpected header'],
    ['a generation of 33 characters', `${MARK}{"e":"u8","n":1,"g":"${'a'.repeat(33)}","d":"x"}\n`, 'unexpected header'],
    ['an empty generation', `${MARK}{"e":"u8","n":1,"g":"","d":"x"}\n`, 'unexpected header'],
    ['a generation with a separator', `${MARK}{"e":"u8","n":1,"g":"a.b","d":"x"}\n`, 'unexpected header'],
    ['no digest', `${MARK}{"e":"u8","n":1,"g":"g"}\n`, 'unexpected header'],
    ['a header that is null', `${MARK}null\n`, 'unexpected header']
  ])('%s', (_name, stored, what) => {
    expect(() => parseMain(stored)).toThrow(corrupt(what))
  })

  it('the largest allowed header parses (n = 100,000, a 32-character generation)', () => {
    const parsed = parseMain(`${MARK}{"e":"u16","n":100000,"g":"${'z9'.repeat(16)}","d":"x"}\nAA`)
    expect(parsed).toEqual({ kind: 'encoded', header: { e: 'u16', n: 100000, g: 'z9'.repeat(16), d: 'x' }, firstChunk: 'AA' })
  })

  it('too few, too many or missing chunks, and a digest mismatch', () => {
    const golden = GOLDEN[2]!
    const parsed = parseMain(golden.main)
    if (parsed.kind !== 'encoded') throw new Error('expected encoded')
    expect(() => decodeChunks(parsed.header, parsed.firstChunk, golden.chunks.slice(0, 1))).toThrow(corrupt('a chunk is missing'))
    expect(() => decodeChunks(parsed.header, parsed.firstChunk, [...golden.chunks, 'QQ=='])).toThrow(corrupt('a chunk is missing'))
    expect(() => decodeChunks(parsed.header, parsed.firstChunk, [golden.chunks[0]!, null])).toThrow(corrupt('a chunk is missing'))
    expect(() => decodeChunks(parsed.header, parsed.firstChunk, ['A'.repeat(CHUNK_CHARS), golden.chunks[1]!])).toThrow(corrupt('chunks do not match'))
    expect(() => decodeChunks({ ...parsed.header, d: '0000000000000000' }, parsed.firstChunk, golden.chunks)).toThrow(corrupt('chunks do not match'))
  })
})
