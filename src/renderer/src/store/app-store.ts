import { create } from 'zustand'
import type { AppInfo, Diagnostics, SecretsStatus } from '../../../shared/contract'
import type { AppErrorData } from '../../../shared/errors'
import type { Bridge, ConnectionState } from '../bridge'
import { loadAccounts, useAccountsStore } from './accounts-store'
import { wireTokens } from '../features/tokens/wire'

export type View = 'all-tokens' | 'timeline' | 'account' | 'diagnostics' | 'settings'

/**
 * The bridge's states plus one the shell derives: 'refused' when the page never got in and keeps
 * being turned away (a stale or mistyped launch link: the server refuses the handshake, so the
 * bridge only ever sees closes). The bridge itself retries forever; this says why it is useless.
 */
export type Connection = ConnectionState | 'refused'

/** Consecutive failed attempts (never connected) before the link counts as refused: ~1.75 s. */
const REFUSED_AFTER = 3
/** Failed attempts after a working connection before the banner says the link may be stale: ~8 s. */
export const STALE_AFTER = 6

/** Dialogs the shell opens from anywhere (palette, shortcut sheet, add account). */
export type Overlay = 'palette' | 'shortcuts' | 'add-account' | null

type Loadable<T> =
  | { status: 'idle' }
  | { status: 'loading'; data?: T }
  | { status: 'ready'; data: T }
  | { status: 'error'; error: AppErrorData; data?: T }

export interface AppState {
  view: View
  /** The account page's account (view 'account'). */
  accountId: string | null
  /** The token the user last picked or issued: the token list selects and focuses it. */
  selectedTokenId: string | null
  overlay: Overlay
  connection: Connection
  /** Failed reconnect attempts in a row (reset by 'connected'). */
  failedAttempts: number
  everConnected: boolean
  info: Loadable<AppInfo>
  diagnostics: Loadable<Diagnostics>
  secrets: Loadable<SecretsStatus>
  viewChosen(view: View): void
  accountChosen(accountId: string): void
  tokenSelected(tokenId: string | null): void
  overlayOpened(overlay: Overlay): void
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
  view: 'all-tokens',
  accountId: null,
  selectedTokenId: null,
  overlay: null,
  connection: 'connecting',
  failedAttempts: 0,
  everConnected: false,
  info: { status: 'idle' },
  diagnostics: { status: 'idle' },
  secrets: { status: 'idle' },
  viewChosen: (view) => set({ view }),
  accountChosen: (accountId) => set({ view: 'account', accountId }),
  tokenSelected: (selectedTokenId) => set({ selectedTokenId }),
  overlayOpened: (overlay) => set({ overlay }),
  connectionChanged: (state) =>
    set((current) => {
      if (state === 'connected') return { connection: 'connected', failedAttempts: 0, everConnected: true }
      if (state !== 'reconnecting') return { connection: state }
      const failedAttempts = current.failedAttempts + 1
      return { connection: !current.everConnected && failedAttempts >= REFUSED_AFTER ? 'refused' : 'reconnecting', failedAttempts }
    }),
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
        void loadAccounts()
      }
    }),
    next.api.events['app.diagnosticsChanged']((diagnostics) => store.diagnosticsLoaded(diagnostics)),
    next.api.events['secrets.statusChanged']((status) => store.secretsLoaded(status)),
    next.api.events['accounts.changed'](({ accounts, apps }) => {
      useAccountsStore.getState().accountsChanged(accounts, apps)
      // The account page of a removed account has nothing left to show.
      const app = useAppStore.getState()
      if (app.view === 'account' && !accounts.some((a) => a.id === app.accountId)) app.viewChosen('all-tokens')
    }),
    next.api.events['preferences.changed']((preferences) => useAccountsStore.getState().preferencesChanged(preferences)),
    wireTokens(next)
  ]
  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe()
    activeBridge = null
  }
}
