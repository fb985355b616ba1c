import { describe, expect, it } from 'vitest'
import { createMemoryLogger } from '../log'
import { PROVIDERS } from '../providers/registry'
import { MemorySecretStore } from '../secrets/memory-store'
import type { SecretStore } from '../secrets/port'
import { createMemorySettingsStore } from '../settings/memory-settings-store'
import { AccountsService, SECRET_CACHE_MS } from './service'

/**
 * Credentials are read from the secret store once per SECRET_CACHE_MS for issuing and renewing:
 * a keychain read is a D-Bus round trip per secret (the bench measured 6–15 ms added per issue).
 */
function setup() {
  let now = 1_000_000
  const inner = new MemorySecretStore()
  const reads: string[] = []
  let store: SecretStore = {
    backend: 'memory',
    health: () => inner.health(),
    get: (key) => {
      reads.push(key)
      return inner.get(key)
    },
    set: (key, value) => inner.set(key, value),
    delete: (key) => inner.delete(key),
    keys: () => inner.keys()
  }
  const accounts = new AccountsService({
    settings: createMemorySettingsStore(),
    secrets: () => store,
    providers: PROVIDERS,
    log: createMemoryLogger(),
    now: () => now,
    redact: () => {}
  })
  return {
    accounts,
    reads,
    inner,
    advance: (ms: number) => (now += ms),
    swapStore: (next: SecretStore) => (store = next)
  }
}

async function pocketpaw(accounts: AccountsService) {
  return accounts.createAccount({ providerId: 'pocketpaw', name: 'Paw', fields: { baseUrl: 'http://127.0.0.1:1/pocketpaw' }, secrets: { masterToken: 'master-1' } })
}

describe('credential cache', () => {
  it('reads each secret once for repeated issues, then again after the TTL', async () => {
    const { accounts, reads, advance } = setup()
    const account = await pocketpaw(accounts)
    for (let i = 0; i < 5; i++) expect((await accounts.flowInput(account.id, null)).account.secrets).toEqual({ masterToken: 'master-1' })
    expect(reads).toHaveLength(1)
    advance(SECRET_CACHE_MS - 1)
    await accounts.flowInput(account.id, null)
    expect(reads).toHaveLength(1)
    advance(1)
    await accounts.flowInput(account.id, null)
    expect(reads).toHaveLength(2)
  })

  it('sees a changed secret at once (update, replaced secrets) and never hands out its cached object', async () => {
    const { accounts, reads } = setup()
    const account = await pocketpaw(accounts)
    const first = await accounts.flowInput(account.id, null)
    first.account.secrets.masterToken = 'mutated by a caller'
    expect((await accounts.flowInput(account.id, null)).account.secrets.masterToken).toBe('master-1')
    await accounts.updateAccount(account.id, { secrets: { masterToken: 'master-2' } })
    expect((await accounts.flowInput(account.id, null)).account.secrets.masterToken).toBe('master-2')
    await accounts.replaceAccountSecrets(account.id, { masterToken: 'master-3' })
    expect((await accounts.flowInput(account.id, null)).account.secrets.masterToken).toBe('master-3')
    expect(reads).toHaveLength(3)
  })

  it('reads again after forgetCachedSecrets (vault locked, backend switched) and from a new store', async () => {
    const { accounts, reads, inner, swapStore } = setup()
    const account = await pocketpaw(accounts)
    await accounts.flowInput(account.id, null)
    accounts.forgetCachedSecrets()
    await accounts.flowInput(account.id, null)
    expect(reads).toHaveLength(2)
    // A different backend object: what it holds (or lacks) is what counts.
    const empty = new MemorySecretStore()
    swapStore(empty)
    await expect(accounts.flowInput(account.id, null)).rejects.toMatchObject({ code: 'SECRET_NOT_FOUND' })
    swapStore(inner)
  })

  it('a removed account leaves nothing behind to issue with', async () => {
    const { accounts } = setup()
    const account = await pocketpaw(accounts)
    await accounts.flowInput(account.id, null)
    await accounts.removeAccount(account.id)
    await expect(accounts.flowInput(account.id, null)).rejects.toMatchObject({ code: 'ACCOUNT_NOT_FOUND' })
  })
})

describe('credential cache races', () => {
  it('does not cache a read that a write overtook', async () => {
    const { accounts, inner, swapStore } = setup()
    const account = await pocketpaw(accounts)
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    swapStore({
      backend: 'memory',
      health: () => inner.health(),
      get: async (key) => {
        const value = await inner.get(key)
        await gate
        return value
      },
      set: (key, value) => inner.set(key, value),
      delete: (key) => inner.delete(key),
      keys: () => inner.keys()
    })
    const slow = accounts.flowInput(account.id, null)
    await accounts.updateAccount(account.id, { secrets: { masterToken: 'master-2' } })
    release()
    expect((await slow).account.secrets.masterToken).toBe('master-1')
    expect((await accounts.flowInput(account.id, null)).account.secrets.masterToken).toBe('master-2')
  })
})
