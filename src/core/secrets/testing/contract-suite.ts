import { expect, it } from 'vitest'
import type { SecretStore } from '../port'
import { ENCODED_MARK } from '../value-codec'

export interface ContractSuiteOptions {
  /** A fresh, empty store for each test. */
  create: () => Promise<SecretStore>
  dispose?: (store: SecretStore) => Promise<void>
}

/** Values keytar cannot hold verbatim, and ordinary ones: every backend must return them identical. */
export const AWKWARD_VALUES: ReadonlyArray<[string, string]> = [
  ['plain', 'hunter2-plain'],
  ['empty', ''],
  ['NUL inside', 'ab\0cd'],
  ['only NUL', '\0'],
  ['lone high surrogate', 'a\uD800b'],
  ['lone low surrogate at the end', 'x\uDC00'],
  ['emoji and accents', 'pässwörd 🔑 密码'],
  ['looks like an encoded value', `${ENCODED_MARK}{"e":"u8","n":1,"g":"x","d":"0"}\nabc`],
  ['2,001 ASCII bytes', 'a'.repeat(2001)],
  ['2,560 bytes of 3-byte characters', '€'.repeat(854)],
  ['200 KB', 'x'.repeat(100 * 1024) + '\0' + 'é'.repeat(50 * 1024)],
  ['newlines and control characters', 'line1\nline2\r\n\t\u0001\u001f']
]

/** One contract, every backend: call inside a describe block. */
export function secretStoreContract(options: ContractSuiteOptions): void {
  const withStore = (test: (store: SecretStore) => Promise<void>) => async () => {
    const store = await options.create()
    try {
      await test(store)
    } finally {
      await options.dispose?.(store)
    }
  }

  it(
    'reports ok health',
    withStore(async (store) => {
      expect((await store.health()).status).toBe('ok')
    })
  )

  it(
    'answers null for a key never stored',
    withStore(async (store) => {
      expect(await store.get('credential/none/password')).toBeNull()
    })
  )

  it(
    'stores, overwrites, lists and deletes',
    withStore(async (store) => {
      await store.set('credential/a/password', 'one')
      await store.set('credential/b/apiKey', 'two')
      await store.set('credential/a/password', 'three')
      expect(await store.get('credential/a/password')).toBe('three')
      expect(await store.keys()).toEqual(['credential/a/password', 'credential/b/apiKey'])
      expect(await store.delete('credential/a/password')).toBe(true)
      expect(await store.delete('credential/a/password')).toBe(false)
      expect(await store.get('credential/a/password')).toBeNull()
      expect(await store.keys()).toEqual(['credential/b/apiKey'])
    })
  )

  it.each(AWKWARD_VALUES)('round-trips a value: %s', async (_label, value) => {
    const store = await options.create()
    try {
      await store.set('credential/odd/value', value)
      expect(await store.get('credential/odd/value')).toBe(value)
      // Shrinking and growing again must not leave stale chunks behind or mix them in.
      await store.set('credential/odd/value', 'short')
      expect(await store.get('credential/odd/value')).toBe('short')
      await store.set('credential/odd/value', value)
      expect(await store.get('credential/odd/value')).toBe(value)
      expect(await store.keys()).toEqual(['credential/odd/value'])
      expect(await store.delete('credential/odd/value')).toBe(true)
      expect(await store.get('credential/odd/value')).toBeNull()
    } finally {
      await options.dispose?.(store)
    }
  })

  it(
    'refuses invalid item names with SECRET_KEY_INVALID',
    withStore(async (store) => {
      for (const key of ['', '.index', 'a#b', '/leading', 'x'.repeat(201), 'sp ace']) {
        await expect(store.set(key, 'v')).rejects.toMatchObject({ code: 'SECRET_KEY_INVALID' })
        await expect(store.get(key)).rejects.toMatchObject({ code: 'SECRET_KEY_INVALID' })
      }
    })
  )

  it(
    'keeps every value under concurrent writes',
    withStore(async (store) => {
      const keys = Array.from({ length: 12 }, (_, i) => `credential/c${i}/secret`)
      await Promise.all(keys.map((key, i) => store.set(key, `value-${i}-${'z'.repeat(i * 400)}`)))
      expect(await store.keys()).toEqual([...keys].sort())
      for (const [i, key] of keys.entries()) expect(await store.get(key)).toBe(`value-${i}-${'z'.repeat(i * 400)}`)
      // Racing writers on one key: the last one wins and the value is never a mix.
      const racers = Array.from({ length: 8 }, (_, i) => `racer-${i}-${String(i).repeat(3000)}`)
      await Promise.all(racers.map((value) => store.set('credential/race/secret', value)))
      expect(racers).toContain(await store.get('credential/race/secret'))
      expect(await store.get('credential/race/secret')).toBe(racers.at(-1))
    })
  )
}
