import {
  COMMAND_NAMES,
  EVENT_NAMES,
  commandChannel,
  eventChannel,
  type Api,
  type CommandName,
  type EventName,
  type Unsubscribe
} from '../shared/api'
import type { Result } from '../shared/result'

/** What the preload needs from `ipcRenderer`; the real one fits, tests pass a fake. */
export interface IpcPort {
  invoke(channel: string, request: unknown): Promise<unknown>
  on(channel: string, listener: (event: unknown, payload: unknown) => void): unknown
  removeListener(channel: string, listener: (event: unknown, payload: unknown) => void): unknown
}

const DISCONNECTED: Result<never> = {
  ok: false,
  error: { code: 'DISCONNECTED', message: 'TokenDesk did not answer. Restart the app if this keeps happening.' }
}

type AnyCommand = (request: unknown) => Promise<unknown>
type AnySubscription = (listener: (payload: unknown) => void) => Unsubscribe

/**
 * Each command is a named function bound to its own channel: the page can call verbs, never
 * name a channel. A rejected invoke (no handler, main gone) still resolves to an envelope.
 */
function commandFunction(port: IpcPort, name: CommandName): AnyCommand {
  const channel = commandChannel(name)
  const named = {
    [name]: (request: unknown): Promise<unknown> =>
      port.invoke(channel, request === undefined ? {} : request).catch(() => DISCONNECTED)
  }
  return named[name]!
}

/**
 * Each event subscription hands the listener the payload only: the IpcRendererEvent (whose
 * `sender` is ipcRenderer) never reaches the page (checklist item 20). One ipcRenderer listener
 * per channel fans out to every subscriber, so many subscribers never pile up IPC listeners.
 */
function eventSubscription(port: IpcPort, name: EventName): AnySubscription {
  const channel = eventChannel(name)
  const subscribers = new Set<(payload: unknown) => void>()
  const fanOut = (_event: unknown, payload: unknown): void => {
    for (const subscriber of [...subscribers]) {
      try {
        subscriber(payload)
      } catch (error) {
        // One broken listener must not starve the others; still surface the error.
        queueMicrotask(() => {
          throw error
        })
      }
    }
  }
  const named = {
    [name]: (listener: (payload: unknown) => void): Unsubscribe => {
      if (typeof listener !== 'function') return () => {}
      // Wrapped, so the same function subscribed twice gets two independent subscriptions.
      const subscriber = (payload: unknown): void => listener(payload)
      if (subscribers.size === 0) port.on(channel, fanOut)
      subscribers.add(subscriber)
      return () => {
        if (!subscribers.delete(subscriber)) return
        if (subscribers.size === 0) port.removeListener(channel, fanOut)
      }
    }
  }
  return named[name]!
}

/** Builds `window.api` from the contract. Pure: no electron import, so it is tested in Node. */
export function buildApi(port: IpcPort): Api {
  const commands: Record<string, AnyCommand> = {}
  for (const name of COMMAND_NAMES) commands[name] = commandFunction(port, name)
  const events: Record<string, AnySubscription> = {}
  for (const name of EVENT_NAMES) events[name] = eventSubscription(port, name)
  // The records are filled from the contract's own keys, so they have exactly Api's shape.
  return Object.freeze({
    commands: Object.freeze(commands),
    events: Object.freeze(events)
  }) as unknown as Api
}
