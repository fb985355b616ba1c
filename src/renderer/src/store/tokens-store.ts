import { create } from 'zustand'
import type { AppErrorData } from '../../../shared/errors'
import type { ProviderId, Token, TokenState } from '../../../shared/model'

/**
 * Live tokens, metadata only (the contract's Token never carries a value; nothing here ever
 * does). Fed from outside React by wireTokens: `tokens.list` once, then `tokens.changed` deltas.
 * A delta replaces only the tokens it names, so untouched rows keep their object identity and
 * memoised rows skip rendering.
 */

export type StateFilter = 'all' | 'active' | TokenState

export interface TokenFilters {
  providerId: ProviderId | 'all'
  accountId: string | 'all'
  state: StateFilter
  search: string
}

export const NO_FILTERS: TokenFilters = { providerId: 'all', accountId: 'all', state: 'all', search: '' }

export interface TokensState {
  status: 'idle' | 'loading' | 'ready' | 'error'
  error: AppErrorData | null
  byId: Readonly<Record<string, Token>>
  selectedId: string | null
  /** The detail panel (or drawer) shows the selected token. */
  detailOpen: boolean
  filters: TokenFilters
  loading(): void
  loaded(tokens: readonly Token[]): void
  loadFailed(error: AppErrorData): void
  changed(delta: { upserted: readonly Token[]; removed: readonly string[] }): void
  selected(id: string | null, openDetail?: boolean): void
  detailOpened(id?: string): void
  detailClosed(): void
  filtersChanged(filters: Partial<TokenFilters>): void
}

export const useTokensStore = create<TokensState>()((set) => ({
  status: 'idle',
  error: null,
  byId: {},
  selectedId: null,
  detailOpen: false,
  filters: NO_FILTERS,
  loading: () => set((s) => ({ status: s.status === 'ready' ? 'ready' : 'loading' })),
  loaded: (tokens) =>
    set((s) => {
      const byId: Record<string, Token> = {}
      for (const token of tokens) {
        const old = s.byId[token.id]
        byId[token.id] = old && sameToken(old, token) ? old : token
      }
      const selectedId = s.selectedId !== null && byId[s.selectedId] ? s.selectedId : null
      return { status: 'ready', error: null, byId, selectedId, detailOpen: s.detailOpen && selectedId !== null }
    }),
  loadFailed: (error) => set({ status: 'error', error }),
  changed: ({ upserted, removed }) =>
    set((s) => {
      if (upserted.length === 0 && removed.length === 0) return s
      const byId: Record<string, Token> = { ...s.byId }
      for (const id of removed) Reflect.deleteProperty(byId, id)
      for (const token of upserted) {
        const old = byId[token.id]
        if (!old || !sameToken(old, token)) byId[token.id] = token
      }
      const gone = s.selectedId !== null && !byId[s.selectedId]
      return gone ? { byId, selectedId: null, detailOpen: false } : { byId }
    }),
  selected: (id, openDetail) => set((s) => ({ selectedId: id, detailOpen: id === null ? false : (openDetail ?? s.detailOpen) })),
  detailOpened: (id) => set((s) => ({ selectedId: id ?? s.selectedId, detailOpen: (id ?? s.selectedId) !== null })),
  detailClosed: () => set({ detailOpen: false }),
  filtersChanged: (filters) => set((s) => ({ filters: { ...s.filters, ...filters } }))
}))

/** Same content (the core stamps updatedAt on every change, but a re-sent list may repeat it). */
function sameToken(a: Token, b: Token): boolean {
  return a.updatedAt === b.updatedAt && a.state === b.state && a.expiresAt === b.expiresAt && a.renewal.nextAt === b.renewal.nextAt && a.label === b.label
}

/** Active first by time left (soonest first), then tokens whose expiry is unknown or never, then expired (latest first), then revoked. */
function rank(token: Token): number {
  if (token.state === 'revoked') return 3
  if (token.state === 'expired') return 2
  return token.expiresAt === null ? 1 : 0
}

export function compareTokens(a: Token, b: Token): number {
  const ra = rank(a)
  const rb = rank(b)
  if (ra !== rb) return ra - rb
  if (ra === 0) return (a.expiresAt ?? 0) - (b.expiresAt ?? 0) || a.label.localeCompare(b.label)
  if (ra === 2 || ra === 3) return (b.expiresAt ?? b.updatedAt) - (a.expiresAt ?? a.updatedAt) || a.label.localeCompare(b.label)
  return b.issuedAt - a.issuedAt || a.label.localeCompare(b.label)
}

let sortedFor: Readonly<Record<string, Token>> | null = null
let sortedList: readonly Token[] = []

/** Every token sorted by time left; recomputed only when a delta changed the set. */
export function selectSorted(state: Pick<TokensState, 'byId'>): readonly Token[] {
  if (state.byId !== sortedFor) {
    sortedFor = state.byId
    sortedList = Object.values(state.byId).sort(compareTokens)
  }
  return sortedList
}

export function isActive(token: Token): boolean {
  return token.state === 'live' || token.state === 'expiring' || token.state === 'refresh-failed'
}

export function matchesFilters(token: Token, filters: TokenFilters, scope?: { accountId?: string | undefined; appId?: string | undefined }): boolean {
  if (scope?.accountId !== undefined && token.accountId !== scope.accountId) return false
  if (scope?.appId !== undefined && token.appId !== scope.appId) return false
  if (filters.providerId !== 'all' && token.providerId !== filters.providerId) return false
  if (filters.accountId !== 'all' && token.accountId !== filters.accountId) return false
  if (filters.state === 'active' ? !isActive(token) : filters.state !== 'all' && token.state !== filters.state) return false
  const query = filters.search.trim().toLowerCase()
  if (query) {
    const hay = `${token.label} ${token.kind} ${token.providerId} ${token.flow}`.toLowerCase()
    if (!query.split(/\s+/).every((word) => hay.includes(word))) return false
  }
  return true
}

export function filterTokens(sorted: readonly Token[], filters: TokenFilters, scope?: { accountId?: string | undefined; appId?: string | undefined }): readonly Token[] {
  const none = filters.providerId === 'all' && filters.accountId === 'all' && filters.state === 'all' && filters.search.trim() === ''
  if (none && scope?.accountId === undefined && scope?.appId === undefined) return sorted
  return sorted.filter((token) => matchesFilters(token, filters, scope))
}
