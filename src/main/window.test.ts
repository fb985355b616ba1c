import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import fc from 'fast-check'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { APP_ENTRY_URL, trustedOrigins } from './origins'
import { WindowRegistry } from './window-registry'

type Listener = (...args: unknown[]) => void
type WindowOpenHandler = (details: { url: string }) => { action: string }
type PermissionRequestHandler = (contents: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void
type PermissionCheckHandler = (contents: unknown, permission: string, origin: string, details: unknown) => boolean
type DeviceHandler = (details: unknown) => boolean

const electron = vi.hoisted(() => {
  class FakeSession {
    requestHandler: PermissionRequestHandler | null = null
    checkHandler: PermissionCheckHandler | null = null
    deviceHandler: DeviceHandler | null = null
    setPermissionRequestHandler(handler: PermissionRequestHandler): void {
      this.requestHandler = handler
    }
    setPermissionCheckHandler(handler: PermissionCheckHandler): void {
      this.checkHandler = handler
    }
    setDevicePermissionHandler(handler: DeviceHandler): void {
      this.deviceHandler = handler
    }
  }

  class FakeWebContents {
    readonly listeners = new Map<string, Listener[]>()
    readonly session = new FakeSession()
    windowOpenHandler: WindowOpenHandler | null = null
    on(event: string, listener: Listener): this {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener])
      return this
    }
    emit(event: string, ...args: unknown[]): void {
      for (const listener of this.listeners.get(event) ?? []) listener(...args)
    }
    setWindowOpenHandler(handler: WindowOpenHandler): void {
      this.windowOpenHandler = handler
    }
    isDestroyed(): boolean {
      return false
    }
  }

  class FakeBrowserWindow {
    static created: FakeBrowserWindow[] = []
    static failNextLoad: Error | null = null
    readonly webContents = new FakeWebContents()
    readonly onceListeners = new Map<string, Listener[]>()
    readonly show = vi.fn()
    readonly loadURL: ReturnType<typeof vi.fn>
    destroyed = false
    constructor(readonly options: Record<string, unknown>) {
      const failure = FakeBrowserWindow.failNextLoad
      FakeBrowserWindow.failNextLoad = null
      this.loadURL = vi.fn(async (_url: string) => {
        if (failure !== null) throw failure
      })
      FakeBrowserWindow.created.push(this)
    }
    once(event: string, listener: Listener): this {
      this.onceListeners.set(event, [...(this.onceListeners.get(event) ?? []), listener])
      return this
    }
    fire(event: string): void {
      const listeners = this.onceListeners.get(event) ?? []
      this.onceListeners.delete(event)
      for (const listener of listeners) listener()
    }
    isDestroyed(): boolean {
      return this.destroyed
    }
  }

  return {
    FakeBrowserWindow,
    FakeWebContents,
    nativeTheme: { shouldUseDarkColors: false },
    shell: { openExternal: vi.fn(async (_url: string) => {}) }
  }
})

vi.mock('electron', () => ({
  BrowserWindow: electron.FakeBrowserWindow,
  nativeTheme: electron.nativeTheme,
  shell: electron.shell
}))

const { appWindowOptions, createAppWindow, guardEveryWebContents, WINDOW_BACKGROUND } = await import('./window')

type FakeWindow = InstanceType<typeof electron.FakeBrowserWindow>

const DEV_URL = 'http://localhost:5173/'

function newWindow(options: { isPackaged?: boolean; entryUrl?: string } = {}): FakeWindow {
  const isPackaged = options.isPackaged ?? true
  createAppWindow({
    preloadPath: '/app/out/preload/index.cjs',
    entryUrl: options.entryUrl ?? APP_ENTRY_URL,
    isPackaged,
    origins: trustedOrigins({ isPackaged, devServerUrl: DEV_URL }),
    registry: new WindowRegistry()
  })
  return electron.FakeBrowserWindow.created.at(-1)!
}

/** Every permission name Electron 45 can ask about, read from its own type declarations. */
function electronPermissionNames(): string[] {
  const require = createRequire(import.meta.url)
  const dts = readFileSync(require.resolve('electron/electron.d.ts'), 'utf8')
  const line = dts.split('\n').find((l) => l.includes('setPermissionRequestHandler(handler:'))
  if (line === undefined) throw new Error('setPermissionRequestHandler not found in electron.d.ts')
  const union = line.slice(line.indexOf('permission:'), line.indexOf('callback:'))
  return [...union.matchAll(/'([a-zA-Z-]+)'/g)].map((m) => m[1]!)
}

const navigationTable: Array<[string, boolean, boolean]> = [
  // [url, packaged, allowed]
  ['app://tokendesk/index.html', true, true],
  ['app://tokendesk/settings?tab=1#x', true, true],
  ['app://tokendesk.evil/index.html', true, false],
  ['app://evil/index.html', true, false],
  ['app://user:pw@tokendesk/', true, false],
  ['https://evil.example/', true, false],
  ['https://tokendesk/', true, false],
  ['http://localhost:5173/', true, false],
  ['http://localhost:5173/', false, true],
  ['http://localhost:5173.evil.example/', false, false],
  ['http://127.0.0.1:5173/', false, false],
  ['file:///etc/passwd', true, false],
  ['javascript:alert(1)', true, false],
  ['data:text/html,<h1>x</h1>', true, false],
  ['about:blank', true, false],
  ['not a url', true, false],
  ['', true, false],
  ['https://xn--tokendsk-b1a.example/', true, false]
]

const windowOpenTable: Array<[string, string | null]> = [
  // [url, what reaches shell.openExternal]
  ['https://docs.example/help', 'https://docs.example/help'],
  ['https://example.com/a b', null],
  ['http://example.com/', null],
  ['javascript:alert(1)', null],
  ['file:///etc/passwd', null],
  ['smb://attacker/share', null],
  ['ms-settings:', null],
  ['app://tokendesk/index.html', null],
  ['data:text/html,x', null],
  [' https://example.com/', null],
  ['https://example.com/ ', null],
  ['https://example.com/\r\nX-Injected: 1', null],
  ['https://example.com/\n', null],
  ['\thttps://example.com/', null],
  ['https://user:pass@example.com/', null],
  ['https:\\\\example.com\\x', null],
  ['not a url', null]
]

beforeEach(() => {
  electron.FakeBrowserWindow.created = []
  electron.shell.openExternal.mockClear()
  electron.nativeTheme.shouldUseDarkColors = false
})

describe('appWindowOptions', () => {
  const base = { preloadPath: '/app/out/preload/index.cjs', isPackaged: true, platform: 'linux' as const, darkTheme: false }

  it('is exactly the locked-down set of options', () => {
    expect(appWindowOptions(base)).toEqual({
      title: 'TokenDesk',
      width: 1200,
      height: 780,
      minWidth: 820,
      minHeight: 520,
      show: false,
      backgroundColor: WINDOW_BACKGROUND.light,
      autoHideMenuBar: true,
      webPreferences: {
        preload: '/app/out/preload/index.cjs',
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webviewTag: false,
        spellcheck: false,
        devTools: false
      }
    })
  })

  it.each([
    ['packaged', true, false],
    ['unpackaged', false, true]
  ])('devTools when %s is %s', (_case, isPackaged, devTools) => {
    expect(appWindowOptions({ ...base, isPackaged }).webPreferences?.devTools).toBe(devTools)
  })

  it.each(['linux', 'win32', 'darwin'] as const)('never weakens web security on %s', (platform) => {
    for (const darkTheme of [false, true]) {
      const prefs = appWindowOptions({ ...base, platform, darkTheme, isPackaged: false }).webPreferences!
      for (const key of ['webSecurity', 'allowRunningInsecureContent', 'experimentalFeatures', 'enableBlinkFeatures', 'additionalArguments']) {
        expect(prefs).not.toHaveProperty(key)
      }
      expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false })
    }
  })

  it('matches the theme and the platform title bar', () => {
    expect(appWindowOptions({ ...base, darkTheme: true }).backgroundColor).toBe(WINDOW_BACKGROUND.dark)
    const mac = appWindowOptions({ ...base, platform: 'darwin' })
    expect(mac.titleBarStyle).toBe('hiddenInset')
    expect(mac).not.toHaveProperty('autoHideMenuBar')
    expect(appWindowOptions({ ...base, iconPath: '/i.png' }).icon).toBe('/i.png')
  })
})

describe('createAppWindow', () => {
  it('builds the window from appWindowOptions, loads the entry URL and shows only when ready', () => {
    electron.nativeTheme.shouldUseDarkColors = true
    const window = newWindow({ isPackaged: true })
    expect(window.options).toEqual(
      appWindowOptions({ preloadPath: '/app/out/preload/index.cjs', isPackaged: true, platform: process.platform, darkTheme: true })
    )
    expect(window.loadURL).toHaveBeenCalledWith(APP_ENTRY_URL)
    expect(window.show).not.toHaveBeenCalled()
    window.fire('ready-to-show')
    expect(window.show).toHaveBeenCalledTimes(1)
  })

  it('uses devTools:false in a packaged window', () => {
    const window = newWindow({ isPackaged: true })
    expect((window.options.webPreferences as { devTools: boolean }).devTools).toBe(false)
  })


  describe.each(['will-navigate', 'will-frame-navigate', 'will-redirect'])('%s', (eventName) => {
    it.each(navigationTable)('%s (packaged %s) allowed: %s', (url, isPackaged, allowed) => {
      const window = newWindow({ isPackaged })
      const event = { url, preventDefault: vi.fn() }
      window.webContents.emit(eventName, event, url)
      expect(event.preventDefault).toHaveBeenCalledTimes(allowed ? 0 : 1)
    })
  })

  it('prevents navigation to any URL whose origin is not the app (property)', () => {
    const window = newWindow({ isPackaged: true })
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
        const event = { url, preventDefault: vi.fn() }
        window.webContents.emit('will-navigate', event, url)
        expect(event.preventDefault).toHaveBeenCalledTimes(1)
      }),
      { numRuns: 300 }
    )
  })

  it('prevents every <webview> from attaching', () => {
    const window = newWindow()
    const event = { preventDefault: vi.fn() }
    window.webContents.emit('will-attach-webview', event, {}, { src: 'app://tokendesk/index.html' })
    expect(event.preventDefault).toHaveBeenCalledTimes(1)
  })


  it.each(windowOpenTable)('window.open(%j) is denied; opens externally: %s', async (url, external) => {
    const window = newWindow()
    const response = window.webContents.windowOpenHandler!({ url })
    expect(response).toEqual({ action: 'deny' })
    if (external === null) expect(electron.shell.openExternal).not.toHaveBeenCalled()
    else expect(electron.shell.openExternal).toHaveBeenCalledWith(external)
  })

  it('survives an openExternal failure', async () => {
    electron.shell.openExternal.mockRejectedValueOnce(new Error('no browser'))
    const window = newWindow()
    expect(window.webContents.windowOpenHandler!({ url: 'https://docs.example/' })).toEqual({ action: 'deny' })
    await Promise.resolve()
  })

  it('denies every permission request and check Electron knows about', () => {
    const names = electronPermissionNames()
    expect(names.length).toBeGreaterThan(30)
    expect(names).toContain('clipboard-read')
    const { session } = newWindow().webContents
    for (const permission of names) {
      const callback = vi.fn()
      session.requestHandler!({}, permission, callback, { requestingUrl: APP_ENTRY_URL })
      expect(callback, permission).toHaveBeenCalledWith(false)
      expect(session.checkHandler!({}, permission, 'app://tokendesk', {}), permission).toBe(false)
    }
    expect(session.deviceHandler!({ deviceType: 'usb', origin: 'app://tokendesk' })).toBe(false)
  })

  it('registers the window so events reach it, and drops it on close', () => {
    const registry = new WindowRegistry()
    createAppWindow({
      preloadPath: '/p.cjs',
      entryUrl: APP_ENTRY_URL,
      isPackaged: true,
      origins: trustedOrigins({ isPackaged: true }),
      registry
    })
    const window = electron.FakeBrowserWindow.created.at(-1)!
    expect(registry.live()).toHaveLength(1)
    window.destroyed = true
    window.fire('closed')
    expect(registry.live()).toHaveLength(0)
  })

  it('reports a failed load instead of leaving a rejected promise', async () => {
    const onLoadFailed = vi.fn()
    const loadError = new Error('ERR_FILE_NOT_FOUND')
    electron.FakeBrowserWindow.failNextLoad = loadError
    createAppWindow({
      preloadPath: '/p.cjs',
      entryUrl: 'app://tokendesk/missing.html',
      isPackaged: true,
      origins: trustedOrigins({ isPackaged: true }),
      registry: new WindowRegistry(),
      onLoadFailed
    })
    await vi.waitFor(() => expect(onLoadFailed).toHaveBeenCalledWith(loadError))
  })
})

describe('guardEveryWebContents: a webContents made any other way', () => {
  type FakeContents = InstanceType<typeof electron.FakeWebContents>

  function fakeApp(): { on: (event: string, listener: Listener) => unknown; emit: (event: string, ...args: unknown[]) => void } {
    const listeners = new Map<string, Listener[]>()
    return {
      on: (event, listener) => listeners.set(event, [...(listeners.get(event) ?? []), listener]),
      emit: (event, ...args) => {
        for (const listener of listeners.get(event) ?? []) listener(...args)
      }
    }
  }

  /** A webContents Electron created without the factory (child window, webview, devtools…). */
  function strayContents(isPackaged = true): FakeContents {
    const app = fakeApp()
    guardEveryWebContents(app as never, trustedOrigins({ isPackaged, devServerUrl: DEV_URL }))
    const contents = new electron.FakeWebContents()
    app.emit('web-contents-created', { preventDefault: vi.fn() }, contents)
    return contents
  }

  it('gets exactly the listeners and handlers of a factory window', () => {
    const stray = strayContents()
    const factory = newWindow().webContents
    expect([...stray.listeners.keys()].sort()).toEqual([...factory.listeners.keys()].sort())
    expect(stray.windowOpenHandler).not.toBeNull()
    expect(stray.session.requestHandler).not.toBeNull()
    expect(stray.session.checkHandler).not.toBeNull()
    expect(stray.session.deviceHandler).not.toBeNull()
  })

  describe.each(['will-navigate', 'will-frame-navigate', 'will-redirect'])('%s', (eventName) => {
    it.each(navigationTable)('%s (packaged %s) allowed: %s', (url, isPackaged, allowed) => {
      const contents = strayContents(isPackaged)
      const event = { url, preventDefault: vi.fn() }
      contents.emit(eventName, event, url)
      expect(event.preventDefault).toHaveBeenCalledTimes(allowed ? 0 : 1)
    })
  })

  it('refuses every <webview>', () => {
    const event = { preventDefault: vi.fn() }
    strayContents().emit('will-attach-webview', event, {}, { src: 'app://tokendesk/index.html' })
    expect(event.preventDefault).toHaveBeenCalledTimes(1)
  })

  it.each(windowOpenTable)('window.open(%j) is denied; opens externally: %s', (url, external) => {
    expect(strayContents().windowOpenHandler!({ url })).toEqual({ action: 'deny' })
    if (external === null) expect(electron.shell.openExternal).not.toHaveBeenCalled()
    else expect(electron.shell.openExternal).toHaveBeenCalledWith(external)
  })

  it('denies every permission request and check on its session', () => {
    const { session } = strayContents()
    for (const permission of electronPermissionNames()) {
      const callback = vi.fn()
      session.requestHandler!({}, permission, callback, { requestingUrl: APP_ENTRY_URL })
      expect(callback, permission).toHaveBeenCalledWith(false)
      expect(session.checkHandler!({}, permission, 'app://tokendesk', {}), permission).toBe(false)
    }
    expect(session.deviceHandler!({ deviceType: 'hid', origin: 'app://tokendesk' })).toBe(false)
  })
})
