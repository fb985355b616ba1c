import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryLogger } from '../core/log'
import { openSettingsStore } from '../core/settings/settings-store'
import { createElectronStoreBacking } from './settings-store'

// electron-store is conf with `name` for the file name and Electron's userData as default cwd.
vi.mock('electron-store', async () => {
  const Conf = (await import('conf')).default
  class FakeElectronStore extends Conf<Record<string, unknown>> {
    constructor(options: { name?: string; cwd?: string } & Record<string, unknown>) {
      super({ ...options, configName: options.name ?? 'config' })
    }
  }
  return { default: FakeElectronStore }
})

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'td-estore-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('electron-store settings backing', () => {
  it('writes settings.json in the data dir with mode 0600 through the core store', () => {
    const file = join(dir, 'settings.json')
    const store = openSettingsStore({ file, log: createMemoryLogger(), backing: (options) => createElectronStoreBacking({ ...options }) })
    store.update((s) => ({ ...s, preferences: { ...s.preferences, clipboardClearSeconds: 12 } }))
    expect(JSON.parse(readFileSync(file, 'utf8')).preferences.clipboardClearSeconds).toBe(12)
    expect(statSync(file).mode & 0o777).toBe(0o600)
  })

  it('a corrupt file is reported, copied and left alone', () => {
    const file = join(dir, 'settings.json')
    writeFileSync(file, '{ nope')
    const store = openSettingsStore({ file, log: createMemoryLogger(), backing: createElectronStoreBacking })
    expect(store.status().status).toBe('error')
    expect(readFileSync(file, 'utf8')).toBe('{ nope')
  })
})
