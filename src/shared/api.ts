import type { z } from 'zod'
import { commands, events } from './contract'
import { COMMAND_NAMES, EVENT_NAMES } from './names'
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

export { COMMAND_NAMES, EVENT_NAMES } from './names'

/** names.ts spells the names out for the renderer's zod-free first chunk: exactly these keys, or no build. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const commandNamesAreTheContracts: Same<(typeof COMMAND_NAMES)[number], CommandName> = true
const eventNamesAreTheContracts: Same<(typeof EVENT_NAMES)[number], EventName> = true
void commandNamesAreTheContracts
void eventNamesAreTheContracts

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
