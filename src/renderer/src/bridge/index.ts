import type { Api } from '../../../shared/api'
import { createWsBridge, type ConnectionState } from './ws-bridge'

export interface Bridge {
  api: Api
  host: 'electron' | 'browser'
  onState(listener: (state: ConnectionState) => void): () => void
}

/** Electron's preload exposes `window.api`; browser mode talks to the same core over a WebSocket. */
export function connectBridge(): Bridge {
  if (window.api) {
    return { api: window.api, host: 'electron', onState: (listener) => (listener('connected'), () => {}) }
  }
  const ws = createWsBridge(window.location)
  return { api: ws.api, host: 'browser', onState: ws.onState }
}

export type { ConnectionState }
