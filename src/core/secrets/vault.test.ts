import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryLogger } from '../log'
import { DEFAULT_SCRYPT, ENCRYPTED_FILE_VERSION } from './encrypted-file'
import { TEST_SCRYPT } from './testing/keyring-env'
import { VaultSecretStore } from './vault-store'

let dir: string
let file: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'td-vault-'))
  file = join(dir, 'vault.tdv')
})
afterEach(() => {
  vi.useRealTimers()
  rmSync(dir, { recursive: true, force: true })
})

const PASS = 'correct horse battery'
const vault = (autoLockMs = 0): VaultSecretStore => new VaultSecretStore({ file, log: createMemoryLogger(), scrypt: TEST_SCRYPT, autoLockMs })

async function filledVault(): Promise<VaultSecretStore> {
  const v = vault()
  await v.create(PASS)
  await v.set('credential/a/password', 'canary-vault-secret-1')
  await v.set('credential/b/apiKey', 'canary-vault-secret-2')
  return v
}

describe('vault file', () => {
  it('is 0600, keeps the previous version as .bak, and holds no plaintext', async () => {
    await filledVault()
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(statSync(`${file}.bak`).mode & 0o777).toBe(0o600)
    for (const name of readdirSync(dir)) {
      const bytes = readFileSync(join(dir, name))
      expect(bytes.includes('canary-vault-secret')).toBe(false)
      expect(bytes.includes('credential/a/password')).toBe(false)
    }
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([])
  })

  it('records the scrypt parameters in its header and reopens with them', async () => {
    await filledVault()
    const header = readFileSync(file).toString('latin1')
    expect(header).toContain('"name":"scrypt","N":1024,"r":8,"p":1')
    const reopened = vault()
    expect(reopened.state()).toBe('locked')
    await reopened.unlock(PASS)
    expect(await reopened.get('credential/a/password')).toBe('canary-vault-secret-1')
  })

  it('wrong passphrase: VAULT_WRONG_PASSPHRASE, file untouched', async () => {
    await filledVault()
    const before = readFileSync(file)
    await expect(vault().unlock('not the passphrase')).rejects.toMatchObject({ code: 'VAULT_WRONG_PASSPHRASE' })
    expect(readFileSync(file).equals(before)).toBe(true)
  })

  it.each([
    ['a flipped ciphertext byte', (b: Buffer) => { b[b.length - 20]! ^= 0x01 }, 'VAULT_CORRUPT'],
    ['a flipped tag byte', (b: Buffer) => { b[b.length - 1]! ^= 0x80 }, 'VAULT_CORRUPT'],
    ['a flipped header byte (salt)', (b: Buffer) => { const at = b.indexOf('"salt":"') + 9; b[at] = b[at] === 0x41 ? 0x42 : 0x41 }, 'VAULT_CORRUPT'],
    ['a flipped magic byte', (b: Buffer) => { b[0] = 0x58 }, 'VAULT_CORRUPT'],
    ['a newer format version', (b: Buffer) => { b[4] = ENCRYPTED_FILE_VERSION + 1 }, 'VAULT_TOO_NEW']
  ])('%s: %s, file untouched, vault stays locked', async (_label, damage, code) => {
    await filledVault()
    const bytes = readFileSync(file)
    damage(bytes)
    writeFileSync(file, bytes)
    const v = vault()
    await expect(v.unlock(PASS)).rejects.toMatchObject({ code })
    expect(readFileSync(file).equals(bytes)).toBe(true)
    expect(v.state()).toBe('locked')
    await expect(v.set('credential/x/y', 'z')).rejects.toMatchObject({ code: 'VAULT_LOCKED' })
    expect(readFileSync(file).equals(bytes)).toBe(true)
    await expect(v.create(PASS)).rejects.toMatchObject({ code: 'VAULT_ALREADY_EXISTS' })
  })

  it.each([0, 3, 9, 40, 200])('truncated to %i bytes: VAULT_CORRUPT', async (length) => {
    await filledVault()
    const bytes = readFileSync(file)
    writeFileSync(file, bytes.subarray(0, Math.min(length, bytes.length - 1)))
    await expect(vault().unlock(PASS)).rejects.toMatchObject({ code: 'VAULT_CORRUPT', details: { fix: expect.stringContaining('.bak') } })
  })

  it('truncated by one byte: VAULT_CORRUPT, and the .bak still opens', async () => {
    await filledVault()
    const bytes = readFileSync(file)
    writeFileSync(file, bytes.subarray(0, bytes.length - 1))
    await expect(vault().unlock(PASS)).rejects.toMatchObject({ code: 'VAULT_CORRUPT' })
    const backup = new VaultSecretStore({ file: `${file}.bak`, log: createMemoryLogger() })
    await backup.unlock(PASS)
    expect(await backup.get('credential/a/password')).toBe('canary-vault-secret-1')
  })

  it('a failed write (folder gone) is VAULT_IO and memory keeps the last value that reached the disk', async () => {
    const v = await filledVault()
    rmSync(dir, { recursive: true, force: true })
    await expect(v.set('credential/a/password', 'never-persisted')).rejects.toMatchObject({ code: 'VAULT_IO' })
    expect(await v.get('credential/a/password')).toBe('canary-vault-secret-1')
  })

  it('missing file: VAULT_NOT_INITIALIZED; locked: VAULT_LOCKED', async () => {
    const v = vault()
    expect(v.state()).toBe('absent')
    await expect(v.get('credential/a/b')).rejects.toMatchObject({ code: 'VAULT_NOT_INITIALIZED' })
    await expect(v.unlock(PASS)).rejects.toMatchObject({ code: 'VAULT_NOT_INITIALIZED' })
    await v.create(PASS)
    v.lock()
    await expect(v.get('credential/a/b')).rejects.toMatchObject({ code: 'VAULT_LOCKED' })
    expect((await v.health()).status).toBe('locked')
  })

  it('changes the passphrase: old one refused, new one opens, values intact', async () => {
    const v = await filledVault()
    await expect(v.changePassphrase('wrong-current', 'new passphrase 2')).rejects.toMatchObject({ code: 'VAULT_WRONG_PASSPHRASE' })
    await v.changePassphrase(PASS, 'new passphrase 2')
    await expect(vault().unlock(PASS)).rejects.toMatchObject({ code: 'VAULT_WRONG_PASSPHRASE' })
    const reopened = vault()
    await reopened.unlock('new passphrase 2')
    expect(await reopened.get('credential/b/apiKey')).toBe('canary-vault-secret-2')
  })

  it('refuses a passphrase shorter than 8 characters', async () => {
    await expect(vault().create('short')).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
    expect(existsSync(file)).toBe(false)
  })

  it('locks itself after the idle time and tells listeners', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const v = vault(60_000)
    const states: string[] = []
    v.onStateChange((s) => states.push(s))
    await v.create(PASS)
    await v.set('credential/a/b', 'c')
    vi.advanceTimersByTime(59_000)
    expect(await v.get('credential/a/b')).toBe('c') // use resets the idle timer
    vi.advanceTimersByTime(59_000)
    expect(v.state()).toBe('unlocked')
    vi.advanceTimersByTime(2_000)
    expect(v.state()).toBe('locked')
    expect(states).toEqual(['unlocked', 'locked'])
  })

  it('the default scrypt cost unlocks in reasonable time', async () => {
    const v = new VaultSecretStore({ file, log: createMemoryLogger(), scrypt: DEFAULT_SCRYPT })
    await v.create(PASS)
    const started = performance.now()
    await new VaultSecretStore({ file, log: createMemoryLogger() }).unlock(PASS)
    const ms = performance.now() - started
    console.info(`vault unlock with scrypt N=2^16,r=8,p=1: ${Math.round(ms)} ms`)
    expect(ms).toBeLessThan(5000)
  })
})
