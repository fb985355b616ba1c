import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { BootOptions } from '../core/boot'
import type { Core } from '../core/core'
import { COMMAND_NAMES, commandChannel } from '../shared/api'
import { createTestCore } from './testing/real-core'

type Listener = (...args: unknown[]) => void

const electron = vi.hoisted(() => {
  const calls: string[] = []
  const listeners = new Map<string, Listener[]>()
  let resolveReady: () => void = () => {}

  class FakeBrowserWindow {
    static created: FakeBrowserWindow[] = []
    readonly webContents = {
      on: vi.fn(),
      setWindowOpenHandler: vi.fn(),
      isDestroyed: () => false,
      session: {
        setPermissionRequestHandler: vi.fn(),
        setPermissionCheckHandler: vi.fn(),
        setDevicePermissionHandler: vi.fn()
      }
    }
    static failNextLoad: Error | null = null
    readonly loadURL: ReturnType<typeof vi.fn>
    readonly show = vi.fn()
    readonly focus = vi.fn()
    readonly restore = vi.fn()
    minimized = false
    constructor(readonly options: Record<string, unknown>) {
      const failure = FakeBrowserWindow.failNextLoad
      FakeBrowserWindow.failNextLoad = null
      this.loadURL = vi.fn(async (_url: string) => {
        if (failure !== null) throw failure
      })
      calls.push('new BrowserWindow')
      FakeBrowserWindow.created.push(this)
    }
    once(): this {
      return this
    }
    isDestroyed(): boolean {
      return false
    }
    isMinimized(): boolean {
      return this.minimized
    }
  }

  const app = {
    isPackaged: true,
    hasLock: true,
    userData: '/default/userData',
    setName: vi.fn((name: string) => calls.push(`setName ${name}`)),
    setPath: vi.fn((name: string, path: string) => {
      calls.push(`setPath ${name}`)
      if (name === 'userData') app.userData = path
    }),
    getPath: vi.fn((name: string) => (name === 'userData' ? app.userData : `/default/${name}`)),
    getAppPath: vi.fn(() => '/nonexistent-app-path'),
    getVersion: vi.fn(() => '0.1.0'),
    enableSandbox: vi.fn(() => calls.push('enableSandbox')),
    requestSingleInstanceLock: vi.fn(() => {
      calls.push('requestSingleInstanceLock')
      return app.hasLock
    }),
    quit: vi.fn(() => calls.push('quit')),
    exit: vi.fn(),
    whenReady: vi.fn(
      () =>
        new Promise<void>((resolve) => {
          calls.push('whenReady')
          resolveReady = () => {
            calls.push('ready')
            resolve()
          }
        })
    ),
    on: vi.fn((event: string, listener: Listener) => {
      listeners.set(event, [...(listeners.get(event) ?? []), listener])
      return app
    }),
    emit(event: string, ...args: unknown[]): void {
      for (const listener of listeners.get(event) ?? []) listener(...args)
    }
  }

  return {
    calls,
    listeners,
    app,
    ready: () => resolveReady(),
    FakeBrowserWindow,
    crashReporter: { start: vi.fn(), setUploadToServer: vi.fn() },
    dialog: { showErrorBox: vi.fn() },
    protocol: {
      registerSchemesAsPrivileged: vi.fn(() => calls.push('registerSchemesAsPrivileged')),
      handle: vi.fn(),
      unhandle: vi.fn()
    },
    ipcMain: { handle: vi.fn(), removeHandler: vi.fn() },
    nativeTheme: { shouldUseDarkColors: false },
    shell: { openExternal: vi.fn() },
    clipboard: { writeText: vi.fn(async () => {}), readText: vi.fn(async () => ''), clear: vi.fn() },
    Notification: Object.assign(vi.fn(), { isSupported: () => false })
  }
})

vi.mock('electron', () => ({
  app: electron.app,
  BrowserWindow: electron.FakeBrowserWindow,
  crashReporter: electron.crashReporter,
  dialog: electron.dialog,
  protocol: electron.protocol,
  ipcMain: electron.ipcMain,
  nativeTheme: electron.nativeTheme,
  shell: electron.shell,
  clipboard: electron.clipboard,
  Notification: electron.Notification
}))

const booted = vi.hoisted(() => ({ options: [] as BootOptions[], cores: [] as Core[], fail: null as Error | null }))

vi.mock('../core/boot', () => ({
  bootCore: vi.fn(async (options: BootOptions) => {
    if (booted.fail !== null) throw booted.fail
    booted.options.push(options)
    const core = createTestCore({ host: options.host, version: options.version, runtime: options.runtime })
    vi.spyOn(core, 'dispose')
    booted.cores.push(core)
    return core
  })
}))

const settingsBacking = vi.hoisted(() => ({ createElectronStoreBacking: vi.fn() }))
vi.mock('./settings-store', () => settingsBacking)

const { bundlePaths, startMainProcess } = await import('./main-process')

async function started(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<void> {
  const run = startMainProcess(argv, env)
  await vi.waitFor(() => expect(electron.calls).toContain('whenReady'))
  electron.ready()
  await run
}

beforeEach(() => {
  vi.clearAllMocks()
  electron.calls.length = 0
  electron.listeners.clear()
  electron.FakeBrowserWindow.created = []
  electron.app.isPackaged = true
  electron.app.hasLock = true
  electron.app.userData = '/default/userData'
  booted.options = []
  booted.cores = []
  booted.fail = null
})

describe('bundlePaths', () => {
  it('finds the preload and renderer beside the built main', () => {
    expect(bundlePaths('file:///opt/app/out/main/index.js')).toEqual({
      preload: '/opt/app/out/preload/index.cjs',
      rendererRoot: '/opt/app/out/renderer'
    })
  })
})

describe('startMainProcess', () => {
  it('sets name, data dir, sandbox and scheme before ready; never starts the crash reporter', async () => {
    await started(['tokendesk', '--data-dir', '/tmp/td-data'])
    const readyAt = electron.calls.indexOf('ready')
    for (const step of ['setName TokenDesk', 'setPath userData', 'enableSandbox', 'registerSchemesAsPrivileged', 'requestSingleInstanceLock']) {
      expect(electron.calls.indexOf(step), step).toBeGreaterThanOrEqual(0)
      expect(electron.calls.indexOf(step), step).toBeLessThan(readyAt)
    }
    // The lock lives in userData, so the data dir must be set first.
    expect(electron.calls.indexOf('setPath userData')).toBeLessThan(electron.calls.indexOf('requestSingleInstanceLock'))
    expect(electron.app.setPath).toHaveBeenCalledWith('userData', '/tmp/td-data')
    expect(electron.crashReporter.start).not.toHaveBeenCalled()
  })

  it('guards every webContents app-wide, registered before ready', async () => {
    const run = startMainProcess(['tokendesk'], {})
    await vi.waitFor(() => expect(electron.calls).toContain('whenReady'))
    expect(electron.listeners.get('web-contents-created')).toHaveLength(1)
    electron.ready()
    await run
    const contents = {
      on: vi.fn(),
      setWindowOpenHandler: vi.fn(),
      session: { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn(), setDevicePermissionHandler: vi.fn() }
    }
    electron.app.emit('web-contents-created', {}, contents)
    expect(contents.on.mock.calls.map(([event]) => event).sort()).toEqual(['will-attach-webview', 'will-frame-navigate', 'will-navigate', 'will-redirect'])
    expect(contents.setWindowOpenHandler).toHaveBeenCalledTimes(1)
    expect(contents.setWindowOpenHandler.mock.calls[0]![0]({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' })
    const callback = vi.fn()
    contents.session.setPermissionRequestHandler.mock.calls[0]![0]({}, 'media', callback, {})
    expect(callback).toHaveBeenCalledWith(false)
    expect(contents.session.setPermissionCheckHandler.mock.calls[0]![0]({}, 'media', 'app://tokendesk', {})).toBe(false)
  })

  it('boots the core on the userData folder, registers IPC and the protocol, opens one window', async () => {
    await started(['tokendesk'])
    expect(electron.app.setPath).not.toHaveBeenCalled()
    expect(booted.options).toEqual([
      {
        host: 'electron',
        dataDir: '/default/userData',
        version: '0.1.0',
        runtime: `Electron ${process.versions.electron ?? 'unknown'}`,
        settingsBacking: settingsBacking.createElectronStoreBacking,
        clipboard: expect.objectContaining({ writeText: expect.any(Function), readText: expect.any(Function), clear: expect.any(Function) })
      }
    ])
    expect(electron.protocol.handle).toHaveBeenCalledWith('app', expect.any(Function))
    expect(electron.ipcMain.handle.mock.calls.map(([channel]) => channel).sort()).toEqual(COMMAND_NAMES.map(commandChannel).sort())
    expect(electron.FakeBrowserWindow.created).toHaveLength(1)
    const window = electron.FakeBrowserWindow.created[0]!
    expect(window.loadURL).toHaveBeenCalledWith('app://tokendesk/index.html')
    expect((window.options.webPreferences as { preload: string; devTools: boolean }).preload).toMatch(/preload[/\\]index\.cjs$/)
    expect((window.options.webPreferences as { devTools: boolean }).devTools).toBe(false)
  })

  it('loads the dev server only when not packaged', async () => {
    electron.app.isPackaged = false
    await started(['electron', '.'], { ELECTRON_RENDERER_URL: 'http://localhost:5173/' })
    expect(electron.FakeBrowserWindow.created[0]!.loadURL).toHaveBeenCalledWith('http://localhost:5173/')
  })

  it('ignores the dev server URL when packaged', async () => {
    await started(['tokendesk'], { ELECTRON_RENDERER_URL: 'http://localhost:5173/' })
    expect(electron.FakeBrowserWindow.created[0]!.loadURL).toHaveBeenCalledWith('app://tokendesk/index.html')
  })

  it('--demo starts the real sandbox on loopback, reports it, and stops it on quit', async () => {
    await started(['tokendesk', '--demo'])
    const status = booted.options[0]!.sandboxStatus?.()
    expect(status).toMatchObject({ status: 'running', origin: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) })
    const respoke = status?.status === 'running' ? status.baseUrls.respoke : ''
    expect((await fetch(`${respoke}/apps`)).status).toBe(401)
    electron.app.emit('will-quit', { preventDefault: vi.fn() })
    await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalledTimes(1))
    await expect(fetch(`${respoke}/apps`)).rejects.toThrow()
  })

  it('without --demo there is no sandbox', async () => {
    await started(['tokendesk'])
    expect(booted.options[0]!.sandboxStatus).toBeUndefined()
  })

  it('a second instance quits without booting or opening anything', async () => {
    electron.app.hasLock = false
    await startMainProcess(['tokendesk'], {})
    expect(electron.app.quit).toHaveBeenCalledTimes(1)
    expect(electron.app.whenReady).not.toHaveBeenCalled()
    expect(booted.options).toEqual([])
    expect(electron.FakeBrowserWindow.created).toHaveLength(0)
  })

  it('the first instance focuses (and restores) its window when another starts', async () => {
    await started(['tokendesk'])
    const window = electron.FakeBrowserWindow.created[0]!
    window.minimized = true
    electron.app.emit('second-instance', {}, ['tokendesk'], '/')
    expect(window.restore).toHaveBeenCalledTimes(1)
    expect(window.focus).toHaveBeenCalledTimes(1)
  })

  it('quits when the last window closes (except on macOS); activate with a window open opens no second one', async () => {
    await started(['tokendesk'])
    electron.app.emit('window-all-closed')
    expect(electron.app.quit).toHaveBeenCalledTimes(process.platform === 'darwin' ? 0 : 1)
    electron.app.emit('activate')
    expect(electron.FakeBrowserWindow.created).toHaveLength(1)
  })

  it('on quit, removes IPC handlers and the protocol, disposes the core once, then quits', async () => {
    await started(['tokendesk'])
    const core = booted.cores[0]!
    const firstQuit = { preventDefault: vi.fn() }
    electron.app.emit('will-quit', firstQuit)
    expect(firstQuit.preventDefault).toHaveBeenCalledTimes(1)
    electron.app.emit('will-quit', { preventDefault: vi.fn() })
    await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalledTimes(1))
    expect(core.dispose).toHaveBeenCalledTimes(1)
    expect(electron.ipcMain.removeHandler).toHaveBeenCalledTimes(COMMAND_NAMES.length)
    expect(electron.protocol.unhandle).toHaveBeenCalledWith('app')
    const finalQuit = { preventDefault: vi.fn() }
    electron.app.emit('will-quit', finalQuit)
    expect(finalQuit.preventDefault).not.toHaveBeenCalled()
  })

  it('says so and quits when the window cannot load the renderer', async () => {
    electron.FakeBrowserWindow.failNextLoad = new Error('ERR_FILE_NOT_FOUND (-6) loading app://tokendesk/index.html')
    await started(['tokendesk'])
    await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalledTimes(1))
    expect(electron.dialog.showErrorBox).toHaveBeenCalledWith('TokenDesk could not open its window', expect.stringContaining('ERR_FILE_NOT_FOUND'))
  })

  it('shows an error and exits when the core cannot boot', async () => {
    booted.fail = new Error('data folder is read-only')
    await started(['tokendesk'])
    expect(electron.dialog.showErrorBox).toHaveBeenCalledWith('TokenDesk could not start', 'data folder is read-only')
    expect(electron.app.exit).toHaveBeenCalledWith(1)
    expect(electron.FakeBrowserWindow.created).toHaveLength(0)
  })
})
