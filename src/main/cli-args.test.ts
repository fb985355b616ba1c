import { describe, expect, it } from 'vitest'
import { electronBootOptions } from './boot-options'
import { parseMainArgs } from './cli-args'

describe('parseMainArgs', () => {
  it.each([
    [['/opt/TokenDesk/tokendesk'], { dataDir: null, demo: false, problems: [] }],
    [['electron', '/repo', '--data-dir', '/tmp/td'], { dataDir: '/tmp/td', demo: false, problems: [] }],
    [['electron', '/repo', '--data-dir=/tmp/td', '--demo'], { dataDir: '/tmp/td', demo: true, problems: [] }],
    [['electron', '--demo', '--data-dir', 'rel/dir'], { dataDir: '/work/rel/dir', demo: true, problems: [] }],
    [['electron', '--no-sandbox', '--data-dir', '/a b/c'], { dataDir: '/a b/c', demo: false, problems: [] }]
  ])('%j', (argv, expected) => {
    expect(parseMainArgs(argv, '/work')).toEqual(expected)
  })

  it.each([[['x', '--data-dir']], [['x', '--data-dir', '--demo']], [['x', '--data-dir=']], [['x', '--data-dir', '  ']]])(
    'reports a missing --data-dir value and keeps the default: %j',
    (argv) => {
      const args = parseMainArgs(argv, '/work')
      expect(args.dataDir).toBeNull()
      expect(args.problems).toEqual(['--data-dir needs a folder path; using the default data folder.'])
    }
  )
})

describe('electronBootOptions', () => {
  it('describes the Electron host to bootCore', () => {
    expect(electronBootOptions({ userDataDir: '/u', version: '0.1.0', electronVersion: '45.4.1' })).toEqual({
      host: 'electron',
      dataDir: '/u',
      version: '0.1.0',
      runtime: 'Electron 45.4.1'
    })
  })

  it('passes the electron-store settings backing through', () => {
    const settingsBacking = (): never => {
      throw new Error('not called here')
    }
    expect(
      electronBootOptions({ userDataDir: '/u', version: '0.1.0', electronVersion: '45.4.1', settingsBacking }).settingsBacking
    ).toBe(settingsBacking)
  })

  it('passes the embedded sandbox status through', () => {
    const sandboxStatus = () => ({ status: 'failed', reason: 'port busy' }) as const
    expect(electronBootOptions({ userDataDir: '/u', version: '0.1.0', electronVersion: '45.4.1', sandboxStatus }).sandboxStatus).toBe(sandboxStatus)
  })
})
