import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { FuseV1Options, FuseVersion } from '@electron/fuses'
import { describe, expect, it } from 'vitest'

/**
 * The fuses cannot be read off a binary here (no Electron binary), so this checks the packaging
 * config, through electron-builder's own code where it can: its schema validation, and the very
 * function that turns `electronFuses` into the `@electron/fuses` config it flips (security.md §1.3).
 */
const config = JSON.parse(readFileSync('electron-builder.json', 'utf8')) as {
  electronFuses: Record<string, boolean>
  files: string[]
  npmRebuild: boolean
  asar: boolean
  linux: { target: string[] }
  mac: { target: string[] }
  win: { target: string[] }
}
const packageJson = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }

const require = createRequire(import.meta.url)

interface FuseConfigBuilder {
  generateFuseConfig(fuses: Record<string, boolean>): Promise<Record<string, unknown>>
}

/** electron-builder's PlatformPackager#generateFuseConfig: the mapping it applies when packaging. */
async function fuseConfigAsBuilt(): Promise<Record<string, unknown>> {
  const { PlatformPackager } = require('app-builder-lib') as { PlatformPackager: { prototype: FuseConfigBuilder } }
  return PlatformPackager.prototype.generateFuseConfig.call({}, config.electronFuses)
}

/** What security.md §1.3 asks for, by @electron/fuses name. Every fuse of the wire is listed. */
const WANTED: Record<keyof typeof FuseV1Options, boolean> = {
  RunAsNode: false,
  EnableCookieEncryption: true,
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
  // Electron's default; set explicitly so no fuse is left to a default (strictlyRequireAllFuses).
  LoadBrowserProcessSpecificV8Snapshot: false,
  GrantFileProtocolExtraPrivileges: false
}

describe('packaging (security.md §1.3)', () => {
  it('electron-builder flips exactly the wanted fuses (FuseV1Options), and every one of them', async () => {
    const expected: Record<string, unknown> = { version: FuseVersion.V1, resetAdHocDarwinSignature: undefined }
    for (const [name, value] of Object.entries(WANTED)) expected[FuseV1Options[name as keyof typeof FuseV1Options]] = value
    expect(await fuseConfigAsBuilt()).toEqual(expected)
  })

  it('sets a value for every fuse @electron/fuses knows (what strictlyRequireAllFuses would demand)', async () => {
    const built = await fuseConfigAsBuilt()
    const wire = Object.values(FuseV1Options).filter((v): v is number => typeof v === 'number')
    expect(wire.length).toBeGreaterThanOrEqual(8)
    for (const index of wire) expect(typeof built[index], FuseV1Options[index]).toBe('boolean')
  })

  it('has no electronFuses key electron-builder would silently ignore (a typo keeps the default)', async () => {
    const built = await fuseConfigAsBuilt()
    const mapped = Object.keys(built).filter((key) => /^\d+$/.test(key))
    expect(mapped).toHaveLength(Object.keys(config.electronFuses).length)
  })

  it.each([
    ['RunAsNode', false],
    ['EnableCookieEncryption', true],
    ['EnableNodeOptionsEnvironmentVariable', false],
    ['EnableNodeCliInspectArguments', false],
    ['EnableEmbeddedAsarIntegrityValidation', true],
    ['OnlyLoadAppFromAsar', true],
    ['GrantFileProtocolExtraPrivileges', false]
  ] as const)('fuse %s is %s', async (fuse, value) => {
    expect((await fuseConfigAsBuilt())[FuseV1Options[fuse]]).toBe(value)
  })

  it('is a configuration electron-builder accepts (its own schema validation)', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
      validateConfiguration(config: unknown, logger: unknown): Promise<void>
    }
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown }
    await expect(validateConfiguration(structuredClone(config), new DebugLogger(false))).resolves.toBeUndefined()
  })

  it('builds AppImage and deb on Linux, dmg on macOS, NSIS on Windows; asar on; no native rebuild (keytar is N-API)', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb'])
    expect(config.mac.target).toEqual(['dmg'])
    expect(config.win.target).toEqual(['nsis'])
    expect(config.asar).toBe(true)
    expect(config.npmRebuild).toBe(false)
  })

  it('has an npm script that builds and packages', () => {
    expect(packageJson.scripts.dist).toBe('electron-vite build && electron-builder')
  })

  it('ships the build output, never sources, tests or scripts', () => {
    expect(config.files).toEqual(expect.arrayContaining(['out/**', '!src/**', '!e2e/**', '!scripts/**']))
  })
})
