import type { z } from 'zod'
import { commands, events } from './contract'
import type { Result } from './result'

/** Everything below is derived from the contract; nothing here is declared twice. */

export type Commands = typeof commands
export type Events = typeof events
export type CommandName = keyof Commands
export type EventName = keyof Events

/** What a caller may pass (before defaults are applied). */
export type CommandRequest<C extends CommandName> = z.input<Commands[C]['request']>
/** What a handler receives (after parsing). */
export type ParsedRequest<C extends CommandName> = z.output<Commands[C]['request']>
export type CommandResponse<C extends CommandName> = z.output<Commands[C]['response']>
export type EventPayload<E extends EventName> = z.output<Events[E]['payload']>

export const COMMAND_NAMES = Object.keys(commands) as CommandName[]
export const EVENT_NAMES = Object.keys(events) as EventName[]

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(commands, name)
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name)
}

/** IPC channel names, one per command and event, derived from the contract keys. */
export const commandChannel = (name: CommandName): string => `td:command:${name}`
export const eventChannel = (name: EventName): string => `td:event:${name}`

export type Unsubscribe = () => void

/**
 * The bridge the renderer sees: `window.api` in Electron (built by the preload) or the WebSocket
 * bridge in browser mode. Same shape, same envelope, same behaviour.
 */
export interface Api {
  commands: { [C in CommandName]: (request: CommandRequest<C>) => Promise<Result<CommandResponse<C>>> }
  events: { [E in EventName]: (listener: (payload: EventPayload<E>) => void) => Unsubscribe }
}
