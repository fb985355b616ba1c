import { describe, expect, it } from 'vitest'
import { SecretStoreHealthSchema } from '../../shared/contract'
import { MemorySecretStore } from './memory-store'

describe('MemorySecretStore', () => {
  it('reports itself usable but session-only, with the way to keep secrets', async () => {
    const before = Date.now()
    const health = await new MemorySecretStore().health()
    expect(SecretStoreHealthSchema.parse(health)).toEqual(health)
    expect(health).toMatchObject({ backend: 'memory', status: 'ok', ephemeral: true, location: expect.stringContaining('memory') })
    expect(health.reason).toMatch(/vanish/)
    expect(health.fix).toMatch(/keychain|vault/)
    expect(health.checkedAt).toBeGreaterThanOrEqual(before)
    expect(health.checkedAt).toBeLessThanOrEqual(Date.now())
  })

  it('stores, answers null for what it never stored, and says whether a delete removed something', async () => {
    const store = new MemorySecretStore()
    expect(await store.get('credential/a/password')).toBeNull()
    await store.set('credential/a/password', '')
    expect(await store.get('credential/a/password')).toBe('')
    expect(await store.delete('credential/a/password')).toBe(true)
    expect(await store.delete('credential/a/password')).toBe(false)
    expect(await store.get('credential/a/password')).toBeNull()
  })

  it('lists keys sorted, whatever order they were stored in', async () => {
    const store = new MemorySecretStore()
    for (const key of ['token-cache/key', 'credential/b/apiKey', 'credential/a/password']) await store.set(key, 'v')
    expect(await store.keys()).toEqual(['credential/a/password', 'credential/b/apiKey', 'token-cache/key'])
  })

  it.each(['', '#index', '.probe', 'has space', 'x'.repeat(201)])('refuses the item name %j on every call', async (key) => {
    const store = new MemorySecretStore()
    await expect(store.set(key, 'v')).rejects.toMatchObject({ code: 'SECRET_KEY_INVALID' })
    await expect(store.get(key)).rejects.toMatchObject({ code: 'SECRET_KEY_INVALID' })
    await expect(store.delete(key)).rejects.toMatchObject({ code: 'SECRET_KEY_INVALID' })
    expect(await store.keys()).toEqual([])
  })

  it('forgets every secret when disposed', async () => {
    const store = new MemorySecretStore()
    await store.set('credential/a/password', 'session-secret')
    await store.dispose()
    expect(await store.get('credential/a/password')).toBeNull()
    expect(await store.keys()).toEqual([])
  })
})
