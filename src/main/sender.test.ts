import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

const electron = vi.hoisted(() => ({ app: { isPackaged: false } }))
vi.mock('electron', () => ({ app: electron.app }))

const { isTrustedSender } = await import('./sender')
type Frame = Parameters<typeof isTrustedSender>[0]

const DEV_URL = 'http://localhost:5173/'
const APP_TOP = { url: 'app://tokendesk/index.html', parent: null }

let savedDevUrl: string | undefined
beforeEach(() => {
  savedDevUrl = process.env.ELECTRON_RENDERER_URL
  process.env.ELECTRON_RENDERER_URL = DEV_URL
})
afterEach(() => {
  if (savedDevUrl === undefined) delete process.env.ELECTRON_RENDERER_URL
  else process.env.ELECTRON_RENDERER_URL = savedDevUrl
})

const throwingParent = {
  url: 'app://tokendesk/index.html',
  get parent(): null {
    throw new Error('Render frame was disposed')
  }
}

const table: Array<[string, Frame, boolean, boolean]> = [
  // [case, frame, packaged, trusted]
  ['null frame', null, false, false],
  ['undefined frame', undefined, false, false],
  ['subframe', { url: 'app://tokendesk/index.html', parent: APP_TOP }, false, false],
  ['detached frame', { ...APP_TOP, detached: true }, false, false],
  ['foreign origin', { url: 'https://evil.example/', parent: null }, false, false],
  ['look-alike host', { url: 'app://tokendesk.evil/', parent: null }, false, false],
  ['file URL', { url: 'file:///opt/TokenDesk/resources/app.asar/out/renderer/index.html', parent: null }, false, false],
  ['garbage URL', { url: '::::', parent: null }, false, false],
  ['non-string URL', { url: 42 as unknown as string, parent: null }, false, false],
  ['app origin', APP_TOP, false, true],
  ['app origin, packaged', APP_TOP, true, true],
  ['dev origin, not packaged', { url: DEV_URL, parent: null }, false, true],
  ['dev origin, packaged', { url: DEV_URL, parent: null }, true, false],
  ['dev host, other port', { url: 'http://localhost:5174/', parent: null }, false, false]
]

describe('isTrustedSender', () => {
  it.each(table)('%s → %s', (_case, frame, packaged, trusted) => {
    electron.app.isPackaged = packaged
    expect(isTrustedSender(frame)).toBe(trusted)
  })

  it('a frame whose properties throw is untrusted, not an exception', () => {
    expect(isTrustedSender(throwingParent)).toBe(false)
  })

  it('trusts no dev origin when ELECTRON_RENDERER_URL is unset', () => {
    delete process.env.ELECTRON_RENDERER_URL
    electron.app.isPackaged = false
    expect(isTrustedSender({ url: DEV_URL, parent: null })).toBe(false)
  })
})
