import { create } from 'zustand'
import type { AppInfo, Diagnostics, SecretsStatus } from '../../../shared/contract'
import type { AppErrorData } from '../../../shared/errors'
import type { Bridge, ConnectionState } from '../bridge'

export type View = 'accounts' | 'diagnostics' | 'settings'

type Loadable<T> =
  | { status: 'idle' }
  | { status: 'loading'; data?: T }
  | { status: 'ready'; data: T }
  | { status: 'error'; error: AppErrorData; data?: T }

export interface AppState {
  view: View
  connection: ConnectionState
  info: Loadable<AppInfo>
  diagnostics: Loadable<Diagnostics>
  secrets: Loadable<SecretsStatus>
  viewChosen(view: View): void
  connectionChanged(state: ConnectionState): void
  infoLoaded(info: AppInfo): void
  infoFailed(error: AppErrorData): void
  diagnosticsRequested(): void
  diagnosticsLoaded(diagnostics: Diagnostics): void
  diagnosticsFailed(error: AppErrorData): void
  secretsLoaded(status: SecretsStatus): void
  secretsFailed(error: AppErrorData): void
}

/** One bound store; actions are named for what happened. State never holds a secret. */
export const useAppStore = create<AppState>()((set) => ({
  view: 'accounts',
  connection: 'connecting',
  info: { status: 'idle' },
  diagnostics: { status: 'idle' },
  secrets: { status: 'idle' },
  viewChosen: (view) => set({ view }),
  connectionChanged: (connection) => set({ connection }),
  infoLoaded: (info) => set({ info: { status: 'ready', data: info } }),
  infoFailed: (error) => set({ info: { status: 'error', error } }),
  diagnosticsRequested: () =>
    set((state) => ({
      diagnostics:
        'data' in state.diagnostics && state.diagnostics.data
          ? { status: 'loading', data: state.diagnostics.data }
          : { status: 'loading' }
    })),
  diagnosticsLoaded: (diagnostics) => set({ diagnostics: { status: 'ready', data: diagnostics } }),
  diagnosticsFailed: (error) =>
    set((state) => ({
      diagnostics:
        'data' in state.diagnostics && state.diagnostics.data
          ? { status: 'error', error, data: state.diagnostics.data }
          : { status: 'error', error }
    })),
  secretsLoaded: (status) =>
    // A status without probed alternatives keeps the ones we already know.
    set((state) => ({
      secrets: {
        status: 'ready',
        data:
          status.alternatives.length === 0 && 'data' in state.secrets && state.secrets.data
            ? { ...status, alternatives: state.secrets.data.alternatives.filter((a) => a.backend !== status.active.backend) }
            : status
      }
    })),
  secretsFailed: (error) => set({ secrets: { status: 'error', error } })
}))

let activeBridge: Bridge | null = null

export function bridge(): Bridge {
  if (!activeBridge) throw new Error('The bridge is not connected yet.')
  return activeBridge
}

export async function loadInfo(): Promise<void> {
  const result = await bridge().api.commands['app.info']({})
  const store = useAppStore.getState()
  if (result.ok) store.infoLoaded(result.value)
  else store.infoFailed(result.error)
}

export async function refreshDiagnostics(): Promise<void> {
  const store = useAppStore.getState()
  store.diagnosticsRequested()
  const result = await bridge().api.commands['app.diagnostics']({})
  if (result.ok) store.diagnosticsLoaded(result.value)
  else store.diagnosticsFailed(result.error)
}

export async function refreshSecrets(probeAlternatives = false): Promise<void> {
  const result = await bridge().api.commands['secrets.status']({ probeAlternatives })
  const store = useAppStore.getState()
  if (result.ok) store.secretsLoaded(result.value)
  else store.secretsFailed(result.error)
}

/**
 * Feeds the store from the bridge, outside React: connection state and contract events.
 * Called once at start-up (and by tests with a fake bridge); returns the combined unsubscribe.
 */
export function wireBridge(next: Bridge): () => void {
  activeBridge = next
  const store = useAppStore.getState()
  const unsubscribers = [
    next.onState((state) => {
      useAppStore.getState().connectionChanged(state)
      if (state === 'connected') {
        void loadInfo()
        void refreshDiagnostics()
        void refreshSecrets()
      }
    }),
    next.api.events['app.diagnosticsChanged']((diagnostics) => store.diagnosticsLoaded(diagnostics)),
    next.api.events['secrets.statusChanged']((status) => store.secretsLoaded(status))
  ]
  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe()
    activeBridge = null
  }
}
