import { describe, expect, it } from 'vitest'
import { createMemoryLogger } from '../log'
import { MemorySecretStore } from './memory-store'
import { migrateSecrets } from './migrate'

/** A keychain's index may name an item a crash never wrote (migrate.test.ts covers the rest of a move). */
class IndexedStore extends MemorySecretStore {
  constructor(private readonly ghosts: string[]) {
    super()
  }

  override async keys(): Promise<string[]> {
    return [...(await super.keys()), ...this.ghosts]
  }
}

describe('migrating secrets: index entries without an item', () => {
  it('are skipped: nothing is written for them, and they are not counted as moved', async () => {
    const from = new IndexedStore(['credential/ghost/secret'])
    await from.set('credential/a/secret', 'real-value-0001')
    const to = new MemorySecretStore()
    const writes: Array<[string, unknown]> = []
    const set = to.set.bind(to)
    to.set = async (key, value) => {
      writes.push([key, value])
      await set(key, value)
    }
    const result = await migrateSecrets(from, to, { log: createMemoryLogger(), commit: async () => undefined })
    expect(result).toEqual({ moved: 1, leftBehind: 0 })
    expect(writes).toEqual([['credential/a/secret', 'real-value-0001']])
    expect(await to.keys()).toEqual(['credential/a/secret'])
  })
})
