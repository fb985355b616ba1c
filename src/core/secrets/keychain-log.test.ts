import { describe, expect, it } from 'vitest'
import { createMemoryLogger } from '../log'
import { KeychainSecretStore, type KeytarApi } from './keychain-store'

/** A keytar whose every call fails like libsecret without a session bus, until `healed`. */
function brokenKeytar(state: { healed: boolean }): KeytarApi {
  const items = new Map<string, string>()
  const fail = (): never => {
    throw new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')
  }
  return {
    getPassword: async (_s, account) => (state.healed ? (items.get(account) ?? null) : fail()),
    setPassword: async (_s, account, password) => {
      if (!state.healed) fail()
      items.set(account, password)
    },
    deletePassword: async (_s, account) => (state.healed ? items.delete(account) : fail())
  }
}

describe('keychain log lines', () => {
  it('a keychain that stays broken is logged once however often it is probed; recovery once; a new failure again', async () => {
    const state = { healed: false }
    const log = createMemoryLogger()
    const store = new KeychainSecretStore({ log, loadKeytar: async () => brokenKeytar(state) })
    for (let i = 0; i < 40; i++) expect((await store.health()).status).toBe('unavailable')
    expect(log.lines.filter((line) => line.startsWith('warn'))).toHaveLength(1)
    state.healed = true
    expect((await store.health()).status).toBe('ok')
    expect(log.lines.filter((line) => line.includes('works again'))).toHaveLength(1)
    state.healed = false
    await store.health()
    expect(log.lines.filter((line) => line.startsWith('warn'))).toHaveLength(2)
  })
})
