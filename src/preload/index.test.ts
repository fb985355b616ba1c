import { describe, expect, it, vi } from 'vitest'
import { COMMAND_NAMES, EVENT_NAMES, eventChannel } from '../shared/api'

type Listener = (event: unknown, payload: unknown) => void

const electron = vi.hoisted(() => {
  const exposed = new Map<string, unknown>()
  const listeners = new Map<string, Set<Listener>>()
  const ipcRenderer = {
    invoke: vi.fn(async (_channel: string, _request: unknown): Promise<unknown> => ({ ok: true, value: null })),
    on: vi.fn((channel: string, listener: Listener) => {
      listeners.set(channel, (listeners.get(channel) ?? new Set()).add(listener))
      return ipcRenderer
    }),
    removeListener: vi.fn((channel: string, listener: Listener) => {
      listeners.get(channel)?.delete(listener)
      return ipcRenderer
    }),
    send: vi.fn(),
    sendSync: vi.fn()
  }
  return {
    exposed,
    listeners,
    ipcRenderer,
    contextBridge: {
      exposeInMainWorld: vi.fn((key: string, value: unknown) => {
        exposed.set(key, value)
      })
    }
  }
})

vi.mock('electron', () => ({ contextBridge: electron.contextBridge, ipcRenderer: electron.ipcRenderer }))

await import('./index')

/** Every value reachable from `value` (objects and functions), depth-first. */
function reachable(value: unknown, seen = new Set<unknown>()): unknown[] {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) return []
  seen.add(value)
  for (const key of Object.getOwnPropertyNames(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key)
    if (descriptor !== undefined && 'value' in descriptor) reachable(descriptor.value, seen)
  }
  return [...seen]
}

describe('preload', () => {
  it('exposes exactly one key, api', () => {
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1)
    expect([...electron.exposed.keys()]).toEqual(['api'])
  })

  it('api.commands has exactly the contract command names, each a function', () => {
    const api = electron.exposed.get('api') as { commands: Record<string, unknown>; events: Record<string, unknown> }
    expect(Object.keys(api.commands).sort()).toEqual([...COMMAND_NAMES].sort())
    expect(Object.keys(api.events).sort()).toEqual([...EVENT_NAMES].sort())
    for (const fn of [...Object.values(api.commands), ...Object.values(api.events)]) expect(typeof fn).toBe('function')
  })

  it('no exposed value is ipcRenderer or one of its methods', () => {
    const values = reachable(electron.exposed.get('api'))
    const forbidden = new Set<unknown>([electron.ipcRenderer, ...Object.values(electron.ipcRenderer)])
    for (const value of values) expect(forbidden.has(value)).toBe(false)
    for (const value of values) expect(Object.getOwnPropertyNames(value)).not.toContain('sender')
  })

  it('event listeners never receive the IpcRendererEvent', () => {
    const api = electron.exposed.get('api') as { events: Record<string, (listener: (...args: unknown[]) => void) => () => void> }
    for (const name of EVENT_NAMES) {
      const listener = vi.fn()
      const unsubscribe = api.events[name]!(listener)
      const ipcEvent = { sender: electron.ipcRenderer, senderId: 0, ports: [] }
      for (const registered of electron.listeners.get(eventChannel(name)) ?? []) registered(ipcEvent, { payload: 1 })
      expect(listener.mock.calls).toEqual([[{ payload: 1 }]])
      unsubscribe()
    }
  })
})
