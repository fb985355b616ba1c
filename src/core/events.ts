import { events } from '../shared/contract'
import type { EventName, EventPayload } from '../shared/api'
import type { Logger } from './log'

export type EventListener = <E extends EventName>(name: E, payload: EventPayload<E>) => void

/** Typed event bus over the contract's events. Payloads are validated before anyone sees them. */
export class EventBus {
  private readonly listeners = new Set<EventListener>()

  constructor(private readonly log: Logger) {}

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    const checked = events[name].payload.safeParse(payload)
    if (!checked.success) {
      this.log.error('events', `refused to emit "${name}": payload outside the contract`)
      return
    }
    for (const listener of this.listeners) {
      try {
        listener(name, checked.data as EventPayload<E>)
      } catch (error) {
        this.log.error('events', `listener for "${name}" threw`, error)
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
