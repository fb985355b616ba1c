import type { Api, CommandName, EventName } from '../../../shared/api'
import { COMMAND_NAMES, EVENT_NAMES } from '../../../shared/names'
import type { Result } from '../../../shared/result'
import { readServerFrame } from '../../../shared/wire-frame'
import { URL_SECRET_FRAGMENT, WS_PATH, WS_PROTOCOL, wsProtocols } from '../../../shared/wire-handshake'

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'no-secret'

export interface WsBridge {
  api: Api
  onState(listener: (state: ConnectionState) => void): () => void
  close(): void
}

const CALL_TIMEOUT_MS = 30_000
const RECONNECT_DELAYS_MS = [250, 500, 1000, 2000, 4000]

/** The launch secret travels in the page URL's fragment (never sent to a server log). */
export function secretFromLocation(location: Pick<Location, 'hash'>): string | null {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''))
  const secret = params.get(URL_SECRET_FRAGMENT)
  return secret && /^[A-Za-z0-9_-]{20,200}$/.test(secret) ? secret : null
}

interface Pending {
  resolve: (result: Result<unknown>) => void
  timer: ReturnType<typeof setTimeout>
}

/**
 * The browser-mode bridge: the same `Api` as Electron's preload, over one WebSocket carrying the
 * same envelope. Calls made while disconnected wait for the connection; calls in flight when it
 * drops resolve to DISCONNECTED (never hang, never throw).
 */
export function createWsBridge(location: Pick<Location, 'hash' | 'host'>, WebSocketImpl: typeof WebSocket = WebSocket): WsBridge {
  const secret = secretFromLocation(location)
  const stateListeners = new Set<(state: ConnectionState) => void>()
  const eventListeners = new Map<string, Set<(payload: unknown) => void>>()
  const pending = new Map<number, Pending>()
  const outbox: string[] = []
  let state: ConnectionState = secret ? 'connecting' : 'no-secret'
  let socket: WebSocket | null = null
  let nextId = 1
  let attempts = 0
  let closed = false

  const setState = (next: ConnectionState): void => {
    state = next
    for (const listener of stateListeners) listener(next)
  }

  const settle = (id: number, result: Result<unknown>): void => {
    const entry = pending.get(id)
    if (!entry) return
    clearTimeout(entry.timer)
    pending.delete(id)
    entry.resolve(result)
  }

  const connect = (): void => {
    if (!secret || closed) return
    // The secret rides in the Sec-WebSocket-Protocol header, never in the URL: a URL ends up in
    // the request line, and request lines end up in logs, history and process listings.
    const ws = new WebSocketImpl(`ws://${location.host}${WS_PATH}`, wsProtocols(secret))
    socket = ws
    ws.onopen = () => {
      // A browser fails the handshake unless the server picked one of our protocols; the server
      // picks only the version protocol. Anything else is not our server.
      if (ws.protocol !== WS_PROTOCOL) {
        ws.close()
        return
      }
      attempts = 0
      setState('connected')
      for (const frame of outbox.splice(0)) ws.send(frame)
    }
    ws.onmessage = (message: MessageEvent) => {
      let parsed: unknown
      try {
        parsed = JSON.parse(String(message.data))
      } catch {
        return
      }
      const frame = readServerFrame(parsed)
      if (!frame) return
      if (frame.type === 'result') settle(frame.id, frame.result as Result<unknown>)
      // A frame-level error answers a frame the server could not read; the bridge only sends
      // well-formed calls, so there is no call to settle with it.
      else if (frame.type === 'error') return
      else for (const listener of eventListeners.get(frame.event) ?? []) listener(frame.payload)
    }
    ws.onclose = () => {
      socket = null
      for (const id of [...pending.keys()]) {
        settle(id, { ok: false, error: { code: 'DISCONNECTED', message: 'The connection to TokenDesk was lost.' } })
      }
      if (closed) return
      setState('reconnecting')
      const delay = RECONNECT_DELAYS_MS[Math.min(attempts, RECONNECT_DELAYS_MS.length - 1)]
      attempts += 1
      setTimeout(connect, delay)
    }
  }

  const call = (command: CommandName, request: unknown): Promise<Result<unknown>> => {
    if (!secret) {
      return Promise.resolve({
        ok: false,
        error: { code: 'FORBIDDEN', message: 'Open TokenDesk with the full link printed by npm start.' }
      })
    }
    const id = nextId++
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => settle(id, { ok: false, error: { code: 'TIMEOUT', message: `"${command}" did not answer in time.` } }),
        CALL_TIMEOUT_MS
      )
      pending.set(id, { resolve, timer })
      const frame = JSON.stringify({ type: 'call', id, command, request })
      if (socket && socket.readyState === WebSocketImpl.OPEN) socket.send(frame)
      else outbox.push(frame)
    })
  }

  const commands = Object.fromEntries(
    COMMAND_NAMES.map((name) => [name, (request: unknown) => call(name, request)])
  ) as unknown as Api['commands']
  const events = Object.fromEntries(
    EVENT_NAMES.map((name: EventName) => [
      name,
      (listener: (payload: unknown) => void) => {
        const set = eventListeners.get(name) ?? new Set()
        set.add(listener)
        eventListeners.set(name, set)
        return () => set.delete(listener)
      }
    ])
  ) as unknown as Api['events']

  connect()
  return {
    api: { commands, events },
    onState: (listener) => {
      stateListeners.add(listener)
      listener(state)
      return () => stateListeners.delete(listener)
    },
    close: () => {
      closed = true
      socket?.close()
    }
  }
}
