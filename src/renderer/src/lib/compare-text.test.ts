import { afterEach, describe, expect, it, vi } from 'vitest'

const sign = (n: number): number => Math.sign(n)

/** A seeded generator, so a failure names a pair that can be replayed. */
function random(seed: number): () => number {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

async function load(language: string): Promise<typeof import('./compare-text')> {
  vi.resetModules()
  vi.spyOn(navigator, 'language', 'get').mockReturnValue(language)
  return import('./compare-text')
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('compareText', () => {
  it('orders printable ASCII exactly as English localeCompare does, without calling it', async () => {
    const { compareText } = await load('en-US')
    const localeCompare = vi.spyOn(String.prototype, 'localeCompare')
    const next = random(7)
    const printable = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i))
    // Near-misses are where orders differ: shared prefixes, case-only and punctuation differences.
    const alphabet = [...printable, 'a', 'A', 'b', 'B', ' ', '-', '_', '1', 'z', 'Z']
    const word = (): string => Array.from({ length: Math.floor(next() * 6) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('')
    const pairs: Array<[string, string]> = [
      ['acme', 'Acme'],
      ['Acme staging', 'acme-staging'],
      ['a', 'a b'],
      ['item 10', 'item 9'],
      ['', 'x'],
      ['same', 'same']
    ]
    for (let i = 0; i < 20_000; i++) {
      const a = word()
      const b = next() < 0.5 ? word() : a.slice(0, Math.floor(next() * (a.length + 1))) + word()
      pairs.push([a, next() < 0.2 ? (next() < 0.5 ? a.toUpperCase() : a.toLowerCase()) : b])
    }
    const answers = pairs.map(([a, b]) => sign(compareText(a, b)))
    expect(localeCompare).not.toHaveBeenCalled()
    localeCompare.mockRestore()
    const mismatches = pairs.filter(([a, b], i) => answers[i] !== sign(a.localeCompare(b, 'en')))
    expect(mismatches).toEqual([])
  })

  it('sorts a list of names as localeCompare does', async () => {
    const { compareText } = await load('en-GB')
    const names = ['beta', 'Alpha', 'alpha', 'gamma-2', 'gamma 10', 'Gamma_1', '(draft)', 'delta.eu', '42', 'ALPHA']
    expect([...names].sort(compareText)).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en')))
  })

  it('leaves text beyond printable ASCII to localeCompare', async () => {
    const { compareText } = await load('en-US')
    const localeCompare = vi.spyOn(String.prototype, 'localeCompare')
    expect(sign(compareText('Émile', 'Zoe'))).toBe(-1)
    expect(sign(compareText('acme · prod', 'acme · dev'))).toBe(1)
    expect(localeCompare).toHaveBeenCalledTimes(2)
  })

  it('leaves every comparison to localeCompare outside English, whose order may differ (Danish puts aa after z)', async () => {
    const { compareText } = await load('da-DK')
    const localeCompare = vi.spyOn(String.prototype, 'localeCompare')
    compareText('aa', 'z')
    expect(localeCompare).toHaveBeenCalledWith('z')
  })
})
