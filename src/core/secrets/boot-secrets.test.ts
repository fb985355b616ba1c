/**
 * The secret store through the whole core: bootCore → dispatch → handlers → backends → files.
 * Includes the canary test: known secret values go through every path, then none of them may
 * appear in the settings file, the log, any other file under the data directory (the encrypted
 * vault and token cache included, as bytes) or any command response.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EventName } from '../../shared/api'
import { bootCore } from '../boot'
import type { Core } from '../core'
import { createMemoryLogger } from '../log'
import { dataPaths } from '../paths'
import { KeychainSecretStore } from './keychain-store'
import { IN_KEYRING } from './testing/keyring-env'

let dataDir: string
const cores: Core[] = []
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'td-boot-'))
})
afterEach(async () => {
  for (const core of cores.splice(0)) await core.dispose()
  rmSync(dataDir, { recursive: true, force: true })
})

const brokenKeychain = (): KeychainSecretStore =>
  new KeychainSecretStore({
    log: createMemoryLogger(),
    loadKeytar: async () => ({
      getPassword: async () => {
        throw new Error('The name org.freedesktop.secrets was not provided by any .service files')
      },
      setPassword: async () => {
        throw new Error('The name org.freedesktop.secrets was not provided by any .service files')
      },
      deletePassword: async () => {
        throw new Error('The name org.freedesktop.secrets was not provided by any .service files')
      }
    })
  })

async function boot(createKeychain: () => KeychainSecretStore = brokenKeychain): Promise<Core> {
  const core = await bootCore({ host: 'browser', dataDir, version: '0.0.0-test', runtime: 'Node test', createKeychain })
  cores.push(core)
  return core
}

async function call<T = unknown>(core: Core, command: string, request: unknown = {}): Promise<T> {
  const result = await core.dispatch(command, request)
  if (!result.ok) throw Object.assign(new Error(result.error.message), result.error)
  return result.value as T
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
}

describe('secret store through bootCore and the contract', () => {
  it('without a Secret Service: starts, says why and how to fix it, and works with the vault', async () => {
    const core = await boot()
    const diagnostics = await call<{ secretStore: Record<string, unknown>; settings: { status: string } }>(core, 'app.diagnostics')
    expect(diagnostics.secretStore).toMatchObject({
      backend: 'keychain',
      status: 'unavailable',
      errorCode: 'KEYCHAIN_NO_SECRET_SERVICE',
      reason: expect.stringContaining('Secret Service'),
      fix: expect.stringContaining('vault')
    })
    expect(diagnostics.settings.status).toBe('ok')
    const status = await call<{ backendChosen: boolean; vault: { state: string } }>(core, 'secrets.status', { probeAlternatives: true })
    expect(status).toMatchObject({ backendChosen: false, vault: { state: 'absent' } })

    const seen: EventName[] = []
    core.events.subscribe((name) => seen.push(name))
    await call(core, 'vault.create', { passphrase: 'first run passphrase' })
    const chosen = await call<{ moved: number; status: { active: { backend: string; status: string } } }>(core, 'secrets.chooseBackend', {
      backend: 'vault',
      moveSecrets: false
    })
    expect(chosen).toMatchObject({ moved: 0, status: { active: { backend: 'vault', status: 'ok' } } })
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(seen).toContain('secrets.statusChanged')
    expect(seen).toContain('app.diagnosticsChanged')
  })

  it('refuses to switch to an unhealthy keychain with its typed error, and moves nothing', async () => {
    const core = await boot()
    await call(core, 'vault.create', { passphrase: 'first run passphrase' })
    // Moving out of an unreadable keychain is refused with the reason; switching without moving works.
    expect(await core.dispatch('secrets.chooseBackend', { backend: 'vault' })).toMatchObject({
      ok: false,
      error: { code: 'SECRET_MIGRATION_FAILED', details: { cause: 'KEYCHAIN_NO_SECRET_SERVICE', fix: expect.stringContaining('without moving') } }
    })
    await call(core, 'secrets.chooseBackend', { backend: 'vault', moveSecrets: false })
    const result = await core.dispatch('secrets.chooseBackend', { backend: 'keychain' })
    expect(result).toMatchObject({ ok: false, error: { code: 'KEYCHAIN_NO_SECRET_SERVICE', details: { fix: expect.any(String) } } })
    expect((await call<{ active: { backend: string } }>(core, 'secrets.status')).active.backend).toBe('vault')
  })

  it('validates passphrase requests: strings, bounded, never echoed back', async () => {
    const core = await boot()
    for (const request of [{ passphrase: 12345678 }, { passphrase: 'x'.repeat(1025) }, { passphrase: 'short' }, {}]) {
      const result = await core.dispatch('vault.create', request)
      expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
    }
    await call(core, 'vault.create', { passphrase: 'the real passphrase' })
    const wrong = await core.dispatch('vault.unlock', { passphrase: 'not-the-passphrase-canary' })
    expect(wrong).toMatchObject({ ok: false, error: { code: 'VAULT_WRONG_PASSPHRASE' } })
    expect(JSON.stringify(wrong)).not.toContain('canary')
  })

  it('survives a restart: the chosen backend and vault contents persist, the vault comes back locked', async () => {
    const first = await boot()
    await call(first, 'vault.create', { passphrase: 'restart passphrase' })
    await call(first, 'secrets.chooseBackend', { backend: 'vault', moveSecrets: false })
    await first.secrets.store.set('credential/r/password', 'kept-across-restart')
    await first.dispose()
    cores.splice(cores.indexOf(first), 1)
    const second = await boot()
    expect(await call(second, 'secrets.status')).toMatchObject({ active: { backend: 'vault', status: 'locked', errorCode: 'VAULT_LOCKED' }, backendChosen: true })
    await call(second, 'vault.unlock', { passphrase: 'restart passphrase' })
    expect(await second.secrets.store.get('credential/r/password')).toBe('kept-across-restart')
  })

  it('canary: secrets through every path appear nowhere under the data dir, in logs or in responses', async () => {
    const canary = (name: string): string => `CANARY-${name}-${randomBytes(6).toString('hex')}`
    const values = {
      passphrase: canary('passphrase'),
      nextPassphrase: canary('next-passphrase'),
      vaultSecret: canary('vault-secret'),
      memorySecret: canary('memory-secret'),
      keychainSecret: canary('keychain-secret'),
      bigSecret: canary('big') + 'B'.repeat(5000),
      nulSecret: `${canary('nul')}\0tail`,
      token: canary('issued-token')
    }
    const service = `TokenDesk-test-${randomBytes(4).toString('hex')}`
    const keychain = IN_KEYRING ? () => new KeychainSecretStore({ log: createMemoryLogger(), service }) : brokenKeychain
    const core = await boot(keychain)
    const responses: unknown[] = []
    const record = async (command: string, request: unknown = {}): Promise<void> => {
      responses.push(await core.dispatch(command, request))
    }
    const secrets = core.secrets.store

    // memory → vault → keychain (when a real one runs here), with values and a token cache along the way.
    await record('secrets.chooseBackend', { backend: 'memory', moveSecrets: false })
    await secrets.set('credential/m/password', values.memorySecret)
    await secrets.set('credential/n/password', values.nulSecret)
    const cache = await core.secrets.tokenCache()
    cache.set('tok-1', values.token)
    await cache.flush()
    await record('vault.create', { passphrase: values.passphrase })
    await record('vault.unlock', { passphrase: values.passphrase + 'x' })
    await record('secrets.chooseBackend', { backend: 'vault', moveSecrets: true })
    await secrets.set('credential/v/password', values.vaultSecret)
    await secrets.set('credential/big/secret', values.bigSecret)
    await record('vault.changePassphrase', { current: values.passphrase, next: values.nextPassphrase })
    await record('vault.lock')
    await record('vault.unlock', { passphrase: values.nextPassphrase })
    if (IN_KEYRING) {
      await record('secrets.chooseBackend', { backend: 'keychain', moveSecrets: true })
      await secrets.set('credential/k/password', values.keychainSecret)
      expect(await secrets.get('credential/big/secret')).toBe(values.bigSecret)
    }
    await record('secrets.status', { probeAlternatives: true })
    await record('app.diagnostics')
    expect(await secrets.get('credential/n/password')).toBe(values.nulSecret)
    expect((await core.secrets.tokenCache()).get('tok-1')).toBe(values.token)
    await core.dispose()
    cores.splice(cores.indexOf(core), 1)

    const needles = Object.values(values).map((value) => value.slice(0, 24))
    const files = filesUnder(dataDir)
    expect(files).toContain(dataPaths(dataDir).settingsFile)
    expect(files).toContain(dataPaths(dataDir).logFile)
    for (const file of files) {
      const bytes = readFileSync(file)
      for (const needle of needles) {
        expect(bytes.includes(needle), `${needle} found in ${file}`).toBe(false)
        expect(bytes.includes(Buffer.from(needle, 'utf16le')), `${needle} (UTF-16) found in ${file}`).toBe(false)
      }
      if (/\.tdv(\.bak)?$/.test(file) || file.endsWith('settings.json')) expect(statSync(file).mode & 0o777).toBe(0o600)
    }
    const serialized = JSON.stringify(responses)
    for (const needle of needles) expect(serialized).not.toContain(needle)

    if (IN_KEYRING) {
      const cleanup = new KeychainSecretStore({ log: createMemoryLogger(), service })
      for (const key of await cleanup.keys()) await cleanup.delete(key)
    }
  })
})
