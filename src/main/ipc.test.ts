import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Core } from '../core/core'
import { createMemoryLogger } from '../core/log'
import { COMMAND_NAMES, EVENT_NAMES, commandChannel, eventChannel } from '../shared/api'
import { ResultSchema } from '../shared/result'
import type { SenderFrame } from './sender'
import { createTestCore } from './testing/real-core'
import { WindowRegistry, type RegistrableWindow } from './window-registry'

type InvokeHandler = (event: { senderFrame: SenderFrame | null }, ...args: unknown[]) => Promise<unknown>

const electron = vi.hoisted(() => {
  const handlers = new Map<string, InvokeHandler>()
  return {
    handlers,
    app: { isPackaged: false },
    ipcMain: {
      handle: vi.fn((channel: string, handler: InvokeHandler) => {
        // The real ipcMain throws on a second handler for the same channel.
        if (handlers.has(channel)) throw new Error(`second handler for ${channel}`)
        handlers.set(channel, handler)
      }),
      removeHandler: vi.fn((channel: string) => {
        handlers.delete(channel)
      })
    }
  }
})

vi.mock('electron', () => ({ app: electron.app, ipcMain: electron.ipcMain }))

const { forwardCoreEvents, registerCommandHandlers } = await import('./ipc')

const APP_FRAME: SenderFrame = { url: 'app://tokendesk/index.html', parent: null }
const DEV_URL = 'http://localhost:5173/'

const DATA_DIR = mkdtempSync(join(tmpdir(), 'tokendesk-ipc-test-'))

function realCore(): Core {
  return createTestCore({ dataDir: DATA_DIR, version: '9.8.7', runtime: 'Electron test' })
}

function invoke(channel: string, frame: SenderFrame | null, request: unknown): Promise<unknown> {
  const handler = electron.handlers.get(channel)
  if (handler === undefined) throw new Error(`no handler on ${channel}`)
  return handler({ senderFrame: frame }, request)
}

let savedDevUrl: string | undefined

beforeEach(() => {
  electron.handlers.clear()
  electron.ipcMain.handle.mockClear()
  electron.ipcMain.removeHandler.mockClear()
  electron.app.isPackaged = false
  savedDevUrl = process.env.ELECTRON_RENDERER_URL
  process.env.ELECTRON_RENDERER_URL = DEV_URL
})

afterEach(() => {
  if (savedDevUrl === undefined) delete process.env.ELECTRON_RENDERER_URL
  else process.env.ELECTRON_RENDERER_URL = savedDevUrl
})

describe('registerCommandHandlers', () => {
  it('registers every contract command exactly once, on its derived channel', () => {
    registerCommandHandlers(realCore())
    const channels = electron.ipcMain.handle.mock.calls.map(([channel]) => channel)
    expect(channels).toHaveLength(COMMAND_NAMES.length)
    expect(new Set(channels).size).toBe(channels.length)
    expect([...channels].sort()).toEqual(COMMAND_NAMES.map(commandChannel).sort())
  })

  it('dispose removes every handler it registered', () => {
    const dispose = registerCommandHandlers(realCore())
    dispose()
    expect(electron.handlers.size).toBe(0)
    const removed = electron.ipcMain.removeHandler.mock.calls.map(([channel]) => channel).sort()
    expect(removed).toEqual(COMMAND_NAMES.map(commandChannel).sort())
  })

  const throwingFrame = {
    get url(): string {
      throw new Error('frame destroyed')
    },
    parent: null
  }

  const senderTable: Array<[string, SenderFrame | null, boolean, boolean]> = [
    // [case, frame, packaged, trusted]
    ['null frame', null, false, false],
    ['subframe of the app', { url: 'app://tokendesk/index.html', parent: APP_FRAME }, false, false],
    ['detached frame', { url: 'app://tokendesk/index.html', parent: null, detached: true }, false, false],
    ['foreign https origin', { url: 'https://evil.example/', parent: null }, false, false],
    ['look-alike app host', { url: 'app://tokendesk.evil/index.html', parent: null }, false, false],
    ['app scheme with credentials', { url: 'app://user@tokendesk/index.html', parent: null }, false, false],
    ['file URL', { url: 'file:///home/user/out/renderer/index.html', parent: null }, false, false],
    ['garbage URL', { url: 'not a url at all', parent: null }, false, false],
    ['empty URL', { url: '', parent: null }, false, false],
    ['about:blank', { url: 'about:blank', parent: null }, false, false],
    ['data URL', { url: 'data:text/html,<script>1</script>', parent: null }, false, false],
    ['other dev port', { url: 'http://localhost:5174/', parent: null }, false, false],
    ['frame whose url getter throws', throwingFrame, false, false],
    ['dev origin when packaged', { url: DEV_URL, parent: null }, true, false],
    ['dev origin when not packaged', { url: `${DEV_URL}#/diagnostics`, parent: null }, false, true],
    ['trusted app origin', APP_FRAME, false, true],
    ['trusted app origin, packaged', { url: 'app://tokendesk/some/page?x=1', parent: null }, true, true]
  ]

  describe.each(COMMAND_NAMES)('sender check on %s', (name) => {
    it.each(senderTable)('%s', async (_case, frame, packaged, trusted) => {
      electron.app.isPackaged = packaged
      const core = realCore()
      const dispatch = vi.spyOn(core, 'dispatch')
      registerCommandHandlers(core)
      const result = await invoke(commandChannel(name), frame, {})
      if (trusted) {
        expect(dispatch).toHaveBeenCalledTimes(1)
        expect(dispatch).toHaveBeenCalledWith(name, {})
        expect(result).toEqual(await dispatch.mock.results[0]!.value)
      } else {
        expect(dispatch).not.toHaveBeenCalled()
        expect(result).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: expect.any(String) } })
      }
    })
  })

  it('logs a refusal with the origin only', async () => {
    const core = realCore()
    const warn = vi.spyOn(core.log, 'warn')
    registerCommandHandlers(core)
    await invoke(commandChannel('app.info'), { url: 'https://evil.example/path?token=abc123', parent: null }, {})
    expect(warn).toHaveBeenCalledWith('ipc', 'refused "app.info" from an untrusted sender (https://evil.example, top frame)')
  })

  it('a trusted call reaches the real core and returns its real answer', async () => {
    registerCommandHandlers(realCore())
    const result = await invoke(commandChannel('app.info'), APP_FRAME, {})
    expect(result).toEqual({
      ok: true,
      value: {
        name: 'TokenDesk',
        version: '9.8.7',
        host: 'electron',
        platform: process.platform,
        arch: process.arch,
        runtime: 'Electron test',
        dataDir: DATA_DIR
      }
    })
  })

  it('a malformed payload gets INVALID_REQUEST from the real dispatch', async () => {
    registerCommandHandlers(realCore())
    for (const name of COMMAND_NAMES) {
      const result = await invoke(commandChannel(name), APP_FRAME, { unexpected: 'field' })
      expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
    }
  })

  it('a dispatch that throws still resolves to an INTERNAL envelope', async () => {
    const core = realCore()
    vi.spyOn(core, 'dispatch').mockRejectedValue(new Error('secret=hunter2'))
    registerCommandHandlers(core)
    const result = await invoke(commandChannel('app.info'), APP_FRAME, {})
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } })
    expect(JSON.stringify(result)).not.toContain('hunter2')
  })

  it.each(COMMAND_NAMES)('500 random payloads on %s never throw and always resolve to an envelope', async (name) => {
    registerCommandHandlers(realCore())
    const channel = commandChannel(name)
    await fc.assert(
      fc.asyncProperty(fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withSet: true }), async (payload) => {
        const result = await invoke(channel, APP_FRAME, payload)
        expect(ResultSchema.safeParse(result).success).toBe(true)
      }),
      { numRuns: 500 }
    )
  })
})

interface FakeContents {
  send: ReturnType<typeof vi.fn>
  isDestroyed: () => boolean
  mainFrame: SenderFrame
}

function fakeWindow(options: { destroyed?: boolean; contentsDestroyed?: boolean; url?: string } = {}): RegistrableWindow & {
  webContents: FakeContents
  close(): void
} {
  const closedListeners: Array<() => void> = []
  let destroyed = options.destroyed ?? false
  const window = {
    isDestroyed: () => destroyed,
    once: (event: string, listener: () => void) => {
      if (event === 'closed') closedListeners.push(listener)
      return window
    },
    close: () => {
      destroyed = true
      for (const listener of closedListeners) listener()
    },
    webContents: {
      send: vi.fn(),
      isDestroyed: () => options.contentsDestroyed ?? false,
      mainFrame: { url: options.url ?? 'app://tokendesk/index.html', parent: null }
    }
  }
  return window as unknown as RegistrableWindow & { webContents: FakeContents; close(): void }
}

const DIAGNOSTICS = {
  secretStore: { backend: 'memory', status: 'ok', ephemeral: true, checkedAt: 1 },
  settings: { path: '/tmp/settings.json', status: 'ok' },
  logFile: '/tmp/log',
  sandbox: { status: 'off', hint: 'x' }
} as const

describe('forwardCoreEvents', () => {
  it('sends core events to factory windows only, on the derived channel, payload only', () => {
    const core = realCore()
    const registry = new WindowRegistry<ReturnType<typeof fakeWindow>>()
    const factoryWindow = fakeWindow()
    const strayWindow = fakeWindow()
    registry.add(factoryWindow)
    forwardCoreEvents(core, registry)

    core.events.emit('app.diagnosticsChanged', DIAGNOSTICS)

    expect(factoryWindow.webContents.send).toHaveBeenCalledTimes(1)
    expect(factoryWindow.webContents.send).toHaveBeenCalledWith(eventChannel('app.diagnosticsChanged'), DIAGNOSTICS)
    expect(strayWindow.webContents.send).not.toHaveBeenCalled()
  })

  it('skips destroyed windows, destroyed contents, closed windows and windows that left the app', () => {
    const core = realCore()
    const registry = new WindowRegistry<ReturnType<typeof fakeWindow>>()
    const alive = fakeWindow()
    const destroyed = fakeWindow({ destroyed: true })
    const deadContents = fakeWindow({ contentsDestroyed: true })
    const closed = fakeWindow()
    const elsewhere = fakeWindow({ url: 'https://evil.example/' })
    for (const window of [alive, destroyed, deadContents, closed, elsewhere]) registry.add(window)
    closed.close()
    forwardCoreEvents(core, registry)

    core.events.emit('app.diagnosticsChanged', DIAGNOSTICS)

    expect(alive.webContents.send).toHaveBeenCalledTimes(1)
    for (const window of [destroyed, deadContents, closed, elsewhere]) expect(window.webContents.send).not.toHaveBeenCalled()
    expect(registry.has(closed)).toBe(false)
  })

  it('forwards every contract event on its own channel', () => {
    // A bus stand-in, so every event name can be pushed without building each payload.
    let publish: (name: string, payload: unknown) => void = () => {}
    const bus = {
      subscribe: (listener: typeof publish) => {
        publish = listener
        return () => {}
      }
    }
    const registry = new WindowRegistry<ReturnType<typeof fakeWindow>>()
    const window = fakeWindow()
    registry.add(window)
    forwardCoreEvents({ events: bus, log: createMemoryLogger() } as unknown as Pick<Core, 'events' | 'log'>, registry)
    for (const name of EVENT_NAMES) publish(name, { marker: name })
    expect(window.webContents.send.mock.calls).toEqual(EVENT_NAMES.map((name) => [eventChannel(name), { marker: name }]))
  })

  it('stops forwarding after dispose', () => {
    const core = realCore()
    const registry = new WindowRegistry<ReturnType<typeof fakeWindow>>()
    const window = fakeWindow()
    registry.add(window)
    const dispose = forwardCoreEvents(core, registry)
    dispose()
    core.events.emit('app.diagnosticsChanged', DIAGNOSTICS)
    expect(window.webContents.send).not.toHaveBeenCalled()
  })

  it('a window whose send throws does not stop the others', () => {
    const core = realCore()
    const registry = new WindowRegistry<ReturnType<typeof fakeWindow>>()
    const broken = fakeWindow()
    broken.webContents.send.mockImplementation(() => {
      throw new Error('Object has been destroyed')
    })
    const healthy = fakeWindow()
    registry.add(broken)
    registry.add(healthy)
    forwardCoreEvents(core, registry)
    core.events.emit('app.diagnosticsChanged', DIAGNOSTICS)
    expect(healthy.webContents.send).toHaveBeenCalledTimes(1)
  })
})
