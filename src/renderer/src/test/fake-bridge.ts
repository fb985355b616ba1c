import { COMMAND_NAMES, EVENT_NAMES, type Api, type CommandName, type CommandRequest, type CommandResponse, type EventName, type EventPayload } from '../../../shared/api'
import type { Result } from '../../../shared/result'
import type { Bridge, ConnectionState } from '../bridge'

type Answers = { [C in CommandName]?: (request: CommandRequest<C>) => Result<CommandResponse<C>> }

/** A bridge whose answers the test chooses; it records calls and can push events. */
export function fakeBridge(answers: Answers, host: 'electron' | 'browser' = 'browser') {
  const calls: CommandName[] = []
  const requests: Array<{ command: CommandName; request: unknown }> = []
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>()
  const stateListeners = new Set<(state: ConnectionState) => void>()
  const commands = Object.fromEntries(
    COMMAND_NAMES.map((name) => [
      name,
      async (request: unknown) => {
        calls.push(name)
        requests.push({ command: name, request })
        const answer = answers[name] as ((r: unknown) => Result<unknown>) | undefined
        return answer ? answer(request) : { ok: false, error: { code: 'NOT_IMPLEMENTED', message: `no fake for ${name}` } }
      }
    ])
  ) as unknown as Api['commands']
  const events = Object.fromEntries(
    EVENT_NAMES.map((name) => [
      name,
      (listener: (payload: unknown) => void) => {
        const set = listeners.get(name) ?? new Set()
        set.add(listener)
        listeners.set(name, set)
        return () => set.delete(listener)
      }
    ])
  ) as unknown as Api['events']
  const bridge: Bridge = {
    api: { commands, events },
    host,
    onState: (listener) => {
      stateListeners.add(listener)
      return () => stateListeners.delete(listener)
    }
  }
  return {
    bridge,
    calls,
    requests,
    setState: (state: ConnectionState) => stateListeners.forEach((l) => l(state)),
    emit: <E extends EventName>(name: E, payload: EventPayload<E>) => listeners.get(name)?.forEach((l) => l(payload))
  }
}
