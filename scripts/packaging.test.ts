import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

/** The fuses cannot be read off a binary here (no Electron binary), so assert the packaging config. */
const config = JSON.parse(readFileSync('electron-builder.json', 'utf8')) as {
  electronFuses: Record<string, boolean>
  files: string[]
}

describe('packaging (security.md §1.3)', () => {
  it.each([
    ['runAsNode', false],
    ['enableNodeOptionsEnvironmentVariable', false],
    ['enableNodeCliInspectArguments', false],
    ['enableEmbeddedAsarIntegrityValidation', true],
    ['onlyLoadAppFromAsar', true],
    ['grantFileProtocolExtraPrivileges', false],
    ['enableCookieEncryption', true]
  ])('fuse %s is %s', (fuse, value) => {
    expect(config.electronFuses[fuse]).toBe(value)
  })

  it('ships the build output, never sources, tests or scripts', () => {
    expect(config.files).toEqual(expect.arrayContaining(['out/**', '!src/**', '!e2e/**', '!scripts/**']))
  })
})
