import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { bootCore } from '../boot'
import { createMemoryLogger } from '../log'
import { KEYCHAIN_SERVICE, KeychainSecretStore } from './keychain-store'
import { IN_KEYRING, KEYRING_HINT } from './testing/keyring-env'

const run = promisify(execFile)

describe('keychain backend against the real gnome-keyring', () => {
  if (!IN_KEYRING) {
    it('needs a keyring session', () => {
      throw new Error(KEYRING_HINT)
    })
    return
  }

  it('writes items under service "TokenDesk" that secret-tool finds, and a new instance reads them (app restart)', async () => {
    const key = `credential/st-${randomBytes(4).toString('hex')}/password`
    const store = new KeychainSecretStore({ log: createMemoryLogger() })
    expect(store.service).toBe(KEYCHAIN_SERVICE)
    await store.set(key, 'visible-to-secret-tool')
    try {
      const { stdout, stderr } = await run('secret-tool', ['search', '--all', 'service', 'TokenDesk'])
      const listing = stdout + stderr
      expect(listing).toContain(`attribute.account = ${key}`)
      expect(listing).toContain(`label = TokenDesk/${key}`)
      const { stdout: lookedUp } = await run('secret-tool', ['lookup', 'service', 'TokenDesk', 'account', key])
      expect(lookedUp).toBe('visible-to-secret-tool')
      const restarted = new KeychainSecretStore({ log: createMemoryLogger() })
      expect(await restarted.get(key)).toBe('visible-to-secret-tool')
      expect(await restarted.keys()).toContain(key)
    } finally {
      await store.delete(key)
    }
  })

  it('chunk items are named <key>#<generation>.<i> and disappear with the secret', async () => {
    const service = `TokenDesk-test-${randomBytes(4).toString('hex')}`
    const store = new KeychainSecretStore({ log: createMemoryLogger(), service })
    await store.set('credential/big/secret', 'x'.repeat(10_000))
    const listing = async (): Promise<string> => {
      const { stdout, stderr } = await run('secret-tool', ['search', '--all', 'service', service])
      return stdout + stderr
    }
    const accounts = [...(await listing()).matchAll(/attribute\.account = (.*)/g)].map((m) => m[1]!)
    expect(accounts.filter((a) => /^credential\/big\/secret#[a-z0-9]+\.\d+$/.test(a)).length).toBeGreaterThan(3)
    expect(accounts.some((a) => a.startsWith('.probe.'))).toBe(false)
    await store.delete('credential/big/secret')
    const after = [...(await listing()).matchAll(/attribute\.account = (.*)/g)].map((m) => m[1]!)
    expect(after.filter((a) => a.startsWith('credential/'))).toEqual([])
  })

  it('health probe is fast (write, read back, delete)', async () => {
    const store = new KeychainSecretStore({ log: createMemoryLogger() })
    const samples: number[] = []
    for (let i = 0; i < 10; i++) samples.push((await store.health()).probeMs ?? Number.NaN)
    samples.sort((a, b) => a - b)
    console.info(`keychain probe latency: median ${samples[5]} ms, max ${samples[9]} ms`)
    expect(samples[5]).toBeLessThan(500)
  })

  it('50 concurrent writes across 10 keys from two store instances end consistent', async () => {
    const service = `TokenDesk-test-${randomBytes(4).toString('hex')}`
    const a = new KeychainSecretStore({ log: createMemoryLogger(), service })
    const writes = Array.from({ length: 50 }, (_, i) => a.set(`credential/k${i % 10}/secret`, `v${i}-${'y'.repeat((i % 3) * 2500)}`))
    await Promise.all(writes)
    const b = new KeychainSecretStore({ log: createMemoryLogger(), service })
    for (let k = 0; k < 10; k++) {
      const last = 40 + k
      expect(await b.get(`credential/k${k}/secret`)).toBe(`v${last}-${'y'.repeat((last % 3) * 2500)}`)
    }
    expect((await b.keys()).length).toBe(10)
    for (const key of await b.keys()) await b.delete(key)
  })
})

describe('keychain through the whole app core (bootCore), across a restart', () => {
  if (!IN_KEYRING) return

  it('a credential written through the booted core is in the keyring, and a restarted core reads it and reports the keychain healthy', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'td-boot-keychain-'))
    const key = `credential/boot-${randomBytes(4).toString('hex')}/password`
    const options = { host: 'browser' as const, dataDir, version: '0.0.0-test', runtime: 'test' }
    try {
      const first = await bootCore(options)
      expect((await first.dispatch('app.diagnostics', {})).ok).toBe(true)
      await first.secrets.store.set(key, 'survives-a-restart')
      await first.dispose()

      const { stdout } = await run('secret-tool', ['lookup', 'service', 'TokenDesk', 'account', key])
      expect(stdout).toBe('survives-a-restart')

      const second = await bootCore(options)
      expect(await second.secrets.store.get(key)).toBe('survives-a-restart')
      const diagnostics = await second.dispatch('app.diagnostics', {})
      expect(diagnostics).toMatchObject({ ok: true, value: { secretStore: { backend: 'keychain', status: 'ok' } } })
      await second.secrets.store.delete(key)
      await second.dispose()
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
