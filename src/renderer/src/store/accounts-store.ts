import { create } from 'zustand'
import type { AppErrorData } from '../../../shared/errors'
import type { Account, App, Preferences, ProviderId, ProviderInfo } from '../../../shared/model'
import { bridge } from './app-store'

/**
 * Providers, accounts, apps and preferences: the small, slow-changing lists the shell is built
 * from. Fed by `accounts.changed` / `preferences.changed` (outside React) and loaded once per
 * connection. Metadata only: accounts say which secrets are set, never their values.
 */
export interface AccountsState {
  /** null until the first answer: "no accounts" and "not loaded yet" are different screens. */
  providers: ProviderInfo[] | null
  accounts: Account[] | null
  apps: App[]
  preferences: Preferences | null
  error: AppErrorData | null
  providersLoaded(providers: ProviderInfo[]): void
  accountsChanged(accounts: Account[], apps: App[]): void
  preferencesChanged(preferences: Preferences): void
  loadFailed(error: AppErrorData): void
  /** A create/update answer, applied before its `accounts.changed` event arrives. */
  accountSaved(account: Account): void
  appSaved(app: App): void
}

export const useAccountsStore = create<AccountsState>()((set) => ({
  providers: null,
  accounts: null,
  apps: [],
  preferences: null,
  error: null,
  providersLoaded: (providers) => set({ providers }),
  accountsChanged: (accounts, apps) => set({ accounts, apps, error: null }),
  preferencesChanged: (preferences) => set({ preferences }),
  loadFailed: (error) => set({ error }),
  accountSaved: (account) =>
    set((s) => ({ accounts: [...(s.accounts ?? []).filter((a) => a.id !== account.id), account].sort(byCreated) })),
  appSaved: (app) => set((s) => ({ apps: [...s.apps.filter((a) => a.id !== app.id), app].sort(byCreated) }))
}))

const byCreated = (a: { createdAt: number }, b: { createdAt: number }): number => a.createdAt - b.createdAt

/** The order the sidebar and the add-account dialog show providers in (recipe last). */
export const PROVIDER_ORDER: readonly ProviderId[] = ['respoke', 'pocketpaw', 'play-oxygen', 'keycloak-proxy', 'recipe']

export function providerOf(providers: ProviderInfo[] | null, id: ProviderId): ProviderInfo | undefined {
  return providers?.find((p) => p.id === id)
}

export function providerLabel(providers: ProviderInfo[] | null, id: ProviderId): string {
  return providerOf(providers, id)?.label ?? FALLBACK_LABELS[id]
}

const FALLBACK_LABELS: Record<ProviderId, string> = {
  respoke: 'Respoke',
  pocketpaw: 'PocketPaw',
  'play-oxygen': 'Play Oxygen',
  'keycloak-proxy': 'Keycloak proxy',
  recipe: 'Custom recipe'
}

export async function loadAccounts(): Promise<void> {
  const api = bridge().api
  const [providers, accounts, preferences] = await Promise.all([
    api.commands['providers.list']({}),
    api.commands['accounts.list']({}),
    api.commands['preferences.get']({})
  ])
  const store = useAccountsStore.getState()
  if (providers.ok) store.providersLoaded(providers.value.providers)
  else store.loadFailed(providers.error)
  if (accounts.ok) store.accountsChanged(accounts.value.accounts, accounts.value.apps)
  else store.loadFailed(accounts.error)
  if (preferences.ok) store.preferencesChanged(preferences.value)
}
