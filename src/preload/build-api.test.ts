import { describe, expect, it, vi } from 'vitest'
import { COMMAND_NAMES, EVENT_NAMES, commandChannel, eventChannel } from '../shared/api'
import { buildApi, type IpcPort } from './build-api'

type Listener = (event: unknown, payload: unknown) => void

function fakePort(answer: (channel: string, request: unknown) => Promise<unknown> = async () => ({ ok: true, value: 1 })) {
  const listeners = new Map<string, Set<Listener>>()
  const port = {
    invoke: vi.fn(answer),
    on: vi.fn((channel: string, listener: Listener) => {
      listeners.set(channel, (listeners.get(channel) ?? new Set()).add(listener))
      return port
    }),
    removeListener: vi.fn((channel: string, listener: Listener) => {
      listeners.get(channel)?.delete(listener)
      return port
    }),
    /** What ipcRenderer does: the listener gets the IpcRendererEvent first. */
    emit(channel: string, payload: unknown): void {
      const event = { sender: port, senderId: 0, ports: [] }
      for (const listener of listeners.get(channel) ?? []) listener(event, payload)
    },
    count: (channel: string): number => listeners.get(channel)?.size ?? 0
  }
  return port satisfies IpcPort
}

describe('buildApi', () => {
  it('has exactly the contract commands and events', () => {
    const api = buildApi(fakePort())
    expect(Object.keys(api)).toEqual(['commands', 'events'])
    expect(Object.keys(api.commands).sort()).toEqual([...COMMAND_NAMES].sort())
    expect(Object.keys(api.events).sort()).toEqual([...EVENT_NAMES].sort())
  })

  it.each(COMMAND_NAMES)('%s is a named function that invokes its own channel with the request', async (name) => {
    const port = fakePort()
    const api = buildApi(port)
    const command = api.commands[name] as (request: unknown) => Promise<unknown>
    expect(command.name).toBe(name)
    await expect(command({})).resolves.toEqual({ ok: true, value: 1 })
    expect(port.invoke).toHaveBeenCalledWith(commandChannel(name), {})
  })

  it('sends {} when a command is called without a request', async () => {
    const port = fakePort()
    await (buildApi(port).commands['app.info'] as () => Promise<unknown>)()
    expect(port.invoke).toHaveBeenCalledWith(commandChannel('app.info'), {})
  })

  it('turns a rejected invoke into a DISCONNECTED envelope instead of throwing', async () => {
    const port = fakePort(async () => {
      throw new Error("Error invoking remote method 'td:command:app.info': No handler registered")
    })
    await expect(buildApi(port).commands['app.info']({} as never)).resolves.toEqual({
      ok: false,
      error: { code: 'DISCONNECTED', message: expect.any(String) }
    })
  })

  it.each(EVENT_NAMES)('%s listeners get the payload only, never the IpcRendererEvent', (name) => {
    const port = fakePort()
    const api = buildApi(port)
    const listener = vi.fn()
    const unsubscribe = (api.events[name] as (listener: (payload: unknown) => void) => () => void)(listener)
    port.emit(eventChannel(name), { hello: 'world' })
    expect(listener).toHaveBeenCalledTimes(1)
    expect(listener.mock.calls[0]).toEqual([{ hello: 'world' }])
    unsubscribe()
    expect(port.count(eventChannel(name))).toBe(0)
    port.emit(eventChannel(name), { again: true })
    expect(listener).toHaveBeenCalledTimes(1)
    unsubscribe()
    expect(port.removeListener).toHaveBeenCalledTimes(1)
  })

  it('shares one IPC listener per channel between subscribers', () => {
    const port = fakePort()
    const subscribe = buildApi(port).events['app.diagnosticsChanged'] as unknown as (listener: (payload: unknown) => void) => () => void
    const channel = eventChannel('app.diagnosticsChanged')
    const first = vi.fn()
    const second = vi.fn()
    const unsubscribeFirst = subscribe(first)
    const unsubscribeSecond = subscribe(second)
    expect(port.count(channel)).toBe(1)
    port.emit(channel, 1)
    unsubscribeFirst()
    port.emit(channel, 2)
    expect(first.mock.calls).toEqual([[1]])
    expect(second.mock.calls).toEqual([[1], [2]])
    expect(port.count(channel)).toBe(1)
    unsubscribeSecond()
    expect(port.count(channel)).toBe(0)
    expect(port.on).toHaveBeenCalledTimes(1)
    expect(port.removeListener).toHaveBeenCalledTimes(1)
  })

  it('a throwing listener does not keep the payload from the others', async () => {
    const port = fakePort()
    const subscribe = buildApi(port).events['app.diagnosticsChanged'] as unknown as (listener: (payload: unknown) => void) => () => void
    const surfaced = new Promise<unknown>((resolve) => process.once('uncaughtException', resolve))
    const healthy = vi.fn()
    subscribe(() => {
      throw new Error('listener bug')
    })
    subscribe(healthy)
    port.emit(eventChannel('app.diagnosticsChanged'), 'payload')
    expect(healthy).toHaveBeenCalledWith('payload')
    await expect(surfaced).resolves.toMatchObject({ message: 'listener bug' })
  })

  it('ignores a non-function listener', () => {
    const port = fakePort()
    const subscribe = buildApi(port).events['app.diagnosticsChanged'] as unknown as (listener: unknown) => () => void
    const unsubscribe = subscribe('not a function')
    expect(port.on).not.toHaveBeenCalled()
    expect(() => unsubscribe()).not.toThrow()
  })

  it('is frozen, and holds no reference to the port', () => {
    const port = fakePort()
    const api = buildApi(port)
    expect(Object.isFrozen(api)).toBe(true)
    expect(Object.isFrozen(api.commands)).toBe(true)
    expect(Object.isFrozen(api.events)).toBe(true)
    const values = [...Object.values(api), ...Object.values(api.commands), ...Object.values(api.events)]
    for (const value of values) expect(value).not.toBe(port)
  })
})
