import { randomBytes } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createFileKey, openItems, sealItems } from './encrypted-file'

const RAW = { kind: 'raw' as const, key: randomBytes(32) }

describe('encrypted file format', () => {
  it('round-trips arbitrary item maps (any strings, NUL and lone surrogates included)', async () => {
    const key = await createFileKey(RAW)
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }), fc.string({ unit: 'binary' }), { maxKeys: 20 }), async (record) => {
        const items = new Map(Object.entries(record))
        const opened = await openItems(sealItems('token-cache', key, items), 'token-cache', RAW, '/x')
        expect(opened.items).toEqual(items)
      }),
      { numRuns: 300 }
    )
  })

  it('any single flipped bit is detected as damage or a wrong key, never accepted', async () => {
    const key = await createFileKey(RAW)
    const sealed = sealItems('token-cache', key, new Map([['tok', 'value-that-must-not-change']]))
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: sealed.length * 8 - 1 }), async (bit) => {
        const damaged = Buffer.from(sealed)
        damaged[bit >> 3]! ^= 1 << (bit & 7)
        await expect(openItems(damaged, 'token-cache', RAW, '/x')).rejects.toMatchObject({
          code: expect.stringMatching(/^VAULT_(CORRUPT|TOO_NEW|WRONG_PASSPHRASE)$/)
        })
      }),
      { numRuns: 300 }
    )
  })

  it('a token cache file is not accepted as a vault (and vice versa)', async () => {
    const sealed = sealItems('token-cache', await createFileKey(RAW), new Map())
    await expect(openItems(sealed, 'vault', { kind: 'passphrase', passphrase: 'x' }, '/x')).rejects.toMatchObject({ code: 'VAULT_CORRUPT' })
  })

  it('a different raw key is reported as a key mismatch, not as damage', async () => {
    const sealed = sealItems('token-cache', await createFileKey(RAW), new Map([['a', 'b']]))
    await expect(openItems(sealed, 'token-cache', { kind: 'raw', key: randomBytes(32) }, '/x')).rejects.toMatchObject({ code: 'VAULT_WRONG_PASSPHRASE' })
  })
})
