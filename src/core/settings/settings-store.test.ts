import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createMemoryLogger } from '../log'
import { defaultSettings, SETTINGS_VERSION } from './schema'
import { openSettingsStore } from './settings-store'

let dir: string
let file: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'td-settings-'))
  file = join(dir, 'settings.json')
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const open = () => openSettingsStore({ file, log: createMemoryLogger() })

describe('settings store (conf)', () => {
  it('creates the file with defaults, mode 0600', () => {
    const store = open()
    expect(store.get()).toEqual(defaultSettings())
    expect(store.status()).toEqual({ path: file, status: 'ok' })
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ schemaVersion: SETTINGS_VERSION, accounts: [], apps: [] })
  })

  it('persists updates and validates them', () => {
    open().update((s) => ({ ...s, secrets: { ...s.secrets, backend: 'vault', chosenByUser: true } }))
    expect(open().get().secrets).toMatchObject({ backend: 'vault', chosenByUser: true })
    expect(() => open().update((s) => ({ ...s, preferences: { ...s.preferences, clipboardClearSeconds: -1 } }))).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }))
    expect(open().get().preferences.clipboardClearSeconds).toBe(30)
  })

  it('migrates a version-0 file forward, keeping what it had', () => {
    writeFileSync(file, JSON.stringify({ preferences: { clipboardClearSeconds: 45 } }))
    const store = open()
    expect(store.get()).toMatchObject({ schemaVersion: SETTINGS_VERSION, preferences: { clipboardClearSeconds: 45, expiringSeconds: 60, notifications: true }, accounts: [] })
    expect(JSON.parse(readFileSync(file, 'utf8')).schemaVersion).toBe(SETTINGS_VERSION)
    expect(statSync(file).mode & 0o777).toBe(0o600)
  })

  it('migrates a version-1 file to version 2: token placeholders leave settings, preferences gain their new defaults', () => {
    writeFileSync(
      file,
      JSON.stringify({ schemaVersion: 1, secrets: { backend: 'vault', chosenByUser: true, vaultAutoLockMinutes: 5 }, preferences: { clipboardClearSeconds: 20 }, accounts: [], apps: [], tokens: [] })
    )
    const settings = open().get()
    expect(settings).toEqual({
      schemaVersion: 2,
      secrets: { backend: 'vault', chosenByUser: true, vaultAutoLockMinutes: 5 },
      preferences: { clipboardClearSeconds: 20, expiringSeconds: 60, notifications: true },
      accounts: [],
      apps: []
    })
    expect(JSON.parse(readFileSync(file, 'utf8'))).not.toHaveProperty('tokens')
  })

  it.each([
    ['invalid JSON', '{"schemaVersion": 1, "secrets": ', 'SETTINGS_CORRUPT'],
    ['a schema violation', JSON.stringify({ ...defaultSettings(), secrets: { backend: 'cloud', chosenByUser: true, vaultAutoLockMinutes: 1 } }), 'SETTINGS_CORRUPT'],
    ['not an object', '[1,2,3]', 'SETTINGS_CORRUPT'],
    ['a newer version', JSON.stringify({ ...defaultSettings(), schemaVersion: 99 }), 'SETTINGS_TOO_NEW']
  ])('%s: typed error, a copy of the bad file, defaults in memory, the file never overwritten', (_label, content, code) => {
    writeFileSync(file, content)
    const store = open()
    expect(store.status()).toMatchObject({ status: 'error', reason: expect.any(String) })
    expect(store.get()).toEqual(defaultSettings())
    expect(() => store.update((s) => s)).toThrow(expect.objectContaining({ code }))
    expect(readFileSync(file, 'utf8')).toBe(content)
    const copies = readdirSync(dir).filter((name) => name.startsWith('settings.json.corrupt-'))
    expect(copies).toHaveLength(1)
    expect(readFileSync(join(dir, copies[0]!), 'utf8')).toBe(content)
    expect(statSync(join(dir, copies[0]!)).mode & 0o777).toBe(0o600)
  })

  it('a missing directory is created', () => {
    file = join(dir, 'nested', 'settings.json')
    open()
    expect(existsSync(file)).toBe(true)
  })
})
