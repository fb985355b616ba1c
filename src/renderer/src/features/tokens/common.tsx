import { List, GanttChart } from 'lucide-react'
import { useEffect, useMemo, type JSX } from 'react'
import type { ProviderId, Token } from '../../../../shared/model'
import { compareText } from '../../lib/compare-text'
import { useAccountsStore, providerLabel, PROVIDER_ORDER } from '../../store/accounts-store'
import { useAppStore } from '../../store/app-store'
import { selectSorted, useTokensStore, type StateFilter } from '../../store/tokens-store'
import { ICON } from './icons'

/** A token picked elsewhere (a new token, the palette) becomes the selection here. */
export function useFollowAppSelection(): void {
  const picked = useAppStore((s) => s.selectedTokenId)
  // A freshly issued token may arrive (tokens.changed) after the answer that picked it.
  const known = useTokensStore((s) => picked !== null && s.byId[picked] !== undefined)
  const select = useTokensStore((s) => s.selected)
  useEffect(() => {
    if (picked !== null && known) select(picked)
  }, [picked, known, select])
}

export function useSortedTokens(): readonly Token[] {
  return useTokensStore(selectSorted)
}

export function ViewSwitch({ current }: { current: 'all-tokens' | 'timeline' }): JSX.Element {
  const choose = useAppStore((s) => s.viewChosen)
  return (
    <div className="segmented" role="group" aria-label="Show as">
      <button type="button" aria-pressed={current === 'all-tokens'} onClick={() => choose('all-tokens')}>
        <List {...ICON} aria-hidden="true" /> List
      </button>
      <button type="button" aria-pressed={current === 'timeline'} onClick={() => choose('timeline')}>
        <GanttChart {...ICON} aria-hidden="true" /> Timeline
      </button>
    </div>
  )
}

const STATE_OPTIONS: Array<{ value: StateFilter; label: string }> = [
  { value: 'all', label: 'All states' },
  { value: 'active', label: 'Active' },
  { value: 'live', label: 'Live' },
  { value: 'expiring', label: 'Expiring soon' },
  { value: 'refresh-failed', label: 'Renewal failed' },
  { value: 'expired', label: 'Expired' },
  { value: 'revoked', label: 'Revoked' }
]

/** Search, provider, account and state filters (shared by the list and the timeline). */
export function TokenFilters({ tokens }: { tokens: readonly Token[] }): JSX.Element {
  const filters = useTokensStore((s) => s.filters)
  const change = useTokensStore((s) => s.filtersChanged)
  const providers = useAccountsStore((s) => s.providers)
  const accounts = useAccountsStore((s) => s.accounts)
  const providerIds = useMemo(() => {
    const present = new Set<ProviderId>(tokens.map((t) => t.providerId))
    for (const account of accounts ?? []) present.add(account.providerId)
    return PROVIDER_ORDER.filter((id) => present.has(id))
  }, [tokens, accounts])
  const accountOptions = useMemo(() => {
    const names = new Map<string, string>()
    for (const account of accounts ?? []) names.set(account.id, account.name)
    for (const token of tokens) if (!names.has(token.accountId)) names.set(token.accountId, token.label.split(' · ')[0] ?? token.accountId)
    return [...names.entries()]
      .filter(([id]) => filters.providerId === 'all' || (accounts ?? []).find((a) => a.id === id)?.providerId === filters.providerId || tokens.some((t) => t.accountId === id && t.providerId === filters.providerId))
      .sort((a, b) => compareText(a[1], b[1]))
  }, [accounts, tokens, filters.providerId])

  return (
    <div className="tokens-filters" role="search">
      <input
        type="search"
        className="search-input"
        placeholder="Search tokens"
        aria-label="Search tokens"
        value={filters.search}
        onChange={(e) => change({ search: e.currentTarget.value })}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && filters.search) {
            e.stopPropagation()
            change({ search: '' })
          }
        }}
      />
      <select aria-label="Provider" className="filter-select" value={filters.providerId} onChange={(e) => change({ providerId: e.currentTarget.value as ProviderId | 'all', accountId: 'all' })}>
        <option value="all">All providers</option>
        {providerIds.map((id) => (
          <option key={id} value={id}>
            {providerLabel(providers, id)}
          </option>
        ))}
      </select>
      <select aria-label="Account" className="filter-select" value={filters.accountId} onChange={(e) => change({ accountId: e.currentTarget.value })}>
        <option value="all">All accounts</option>
        {accountOptions.map(([id, name]) => (
          <option key={id} value={id}>
            {name}
          </option>
        ))}
      </select>
      <select aria-label="State" className="filter-select" value={filters.state} onChange={(e) => change({ state: e.currentTarget.value as StateFilter })}>
        {STATE_OPTIONS.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  )
}

export function countText(shown: number, total: number): string {
  const noun = total === 1 ? 'token' : 'tokens'
  return shown === total ? `${total} ${noun}` : `${shown} of ${total} ${noun}`
}
