import { Activity, ChartGantt, Clock, Plus, Settings } from 'lucide-react'
import type { JSX } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { Account, ProviderId } from '../../../shared/model'
import { ProviderMark } from '../features/accounts/ProviderMark'
import { PROVIDER_ORDER, providerLabel, useAccountsStore } from '../store/accounts-store'
import { useAppStore, type View } from '../store/app-store'
import { useTokensStore } from '../store/tokens-store'

interface NavItem {
  view: View
  label: string
  icon: JSX.Element
  shortcut?: string
}

const TOP: NavItem[] = [
  { view: 'all-tokens', label: 'All tokens', icon: <Clock size={16} aria-hidden="true" />, shortcut: 'Alt+1' },
  { view: 'timeline', label: 'Timeline', icon: <ChartGantt size={16} aria-hidden="true" /> }
]

const BOTTOM: NavItem[] = [
  { view: 'diagnostics', label: 'Diagnostics', icon: <Activity size={16} aria-hidden="true" />, shortcut: 'Alt+2' },
  { view: 'settings', label: 'Settings', icon: <Settings size={16} aria-hidden="true" />, shortcut: 'Alt+3' }
]

/** Live (or expiring) tokens per account, and in all: the badges' numbers. */
function useLiveCounts(): Record<string, number> {
  return useTokensStore(
    useShallow((s) => {
      const counts: Record<string, number> = { __all: 0 }
      for (const t of Object.values(s.byId)) {
        if (t.state !== 'live' && t.state !== 'expiring') continue
        counts[t.accountId] = (counts[t.accountId] ?? 0) + 1
        counts.__all = (counts.__all ?? 0) + 1
      }
      return counts
    })
  )
}

function NavButton({ item, current, count }: { item: NavItem; current: boolean; count?: number }): JSX.Element {
  const viewChosen = useAppStore((s) => s.viewChosen)
  return (
    <button
      type="button"
      className="nav-item"
      aria-current={current ? 'page' : undefined}
      aria-keyshortcuts={item.shortcut}
      title={item.shortcut ? `${item.label} (${item.shortcut})` : item.label}
      onClick={() => viewChosen(item.view)}
    >
      {item.icon}
      <span className="nav-label">{item.label}</span>
      {count !== undefined && count > 0 ? (
        <span className="count" aria-label={`${count} live`}>
          {count}
        </span>
      ) : (
        item.shortcut && <kbd>{item.shortcut}</kbd>
      )}
    </button>
  )
}

/**
 * All tokens and Timeline; then the accounts grouped by provider (live-token count, demo badge)
 * with [+] Add account; Diagnostics and Settings at the bottom.
 */
export function Sidebar(): JSX.Element {
  const view = useAppStore((s) => s.view)
  const selectedAccount = useAppStore((s) => s.accountId)
  const accountChosen = useAppStore((s) => s.accountChosen)
  const overlayOpened = useAppStore((s) => s.overlayOpened)
  const accounts = useAccountsStore((s) => s.accounts)
  const providers = useAccountsStore((s) => s.providers)
  const counts = useLiveCounts()

  const groups = PROVIDER_ORDER.map((id) => ({ id, accounts: (accounts ?? []).filter((a) => a.providerId === id) })).filter((g) => g.accounts.length > 0)

  return (
    <nav className="sidebar" aria-label="Main">
      <div className="sidebar-top">
        <ul className="sidebar-nav">
          {TOP.map((item) => (
            <li key={item.view}>
              <NavButton item={item} current={view === item.view} {...(item.view === 'all-tokens' ? { count: counts.__all ?? 0 } : {})} />
            </li>
          ))}
        </ul>
        <section className="sidebar-section" aria-labelledby="accounts-heading">
          <div className="sidebar-heading-row">
            <h2 id="accounts-heading" className="sidebar-heading">
              Accounts
            </h2>
            <button type="button" className="icon-button icon-button-small" aria-label="Add account" title="Add account" onClick={() => overlayOpened('add-account')}>
              <Plus size={16} aria-hidden="true" />
            </button>
          </div>
          {accounts !== null && accounts.length === 0 && <p className="sidebar-empty">None yet</p>}
          {groups.map((group) => (
            <ProviderGroup
              key={group.id}
              providerId={group.id}
              label={providerLabel(providers, group.id)}
              accounts={group.accounts}
              counts={counts}
              selected={view === 'account' ? selectedAccount : null}
              onChoose={accountChosen}
            />
          ))}
        </section>
      </div>
      <ul className="sidebar-nav sidebar-bottom">
        {BOTTOM.map((item) => (
          <li key={item.view}>
            <NavButton item={item} current={view === item.view} />
          </li>
        ))}
      </ul>
    </nav>
  )
}

function ProviderGroup({
  providerId,
  label,
  accounts,
  counts,
  selected,
  onChoose
}: {
  providerId: ProviderId
  label: string
  accounts: Account[]
  counts: Record<string, number>
  selected: string | null
  onChoose(id: string): void
}): JSX.Element {
  const headingId = `provider-${providerId}`
  return (
    <div className="provider-group">
      <h3 id={headingId} className="provider-heading">
        <ProviderMark providerId={providerId} size="sm" />
        {label}
      </h3>
      <ul className="account-nav" aria-labelledby={headingId}>
        {accounts.map((account) => {
          const count = counts[account.id] ?? 0
          return (
            <li key={account.id}>
              <button
                type="button"
                className="nav-item nav-account"
                aria-label={`${account.name}${account.demo ? ', demo' : ''}${count > 0 ? `, ${count} live` : ''}`}
                aria-current={selected === account.id ? 'page' : undefined}
                onClick={() => onChoose(account.id)}
              >
                <span className="nav-label">{account.name}</span>
                {account.demo && <span className="badge badge-demo">demo</span>}
                {count > 0 && (
                  <span className="count count-live">
                    <span className="count-dot" aria-hidden="true" />
                    {count}
                  </span>
                )}
              </button>
            </li>
          )
        })}
      </ul>
    </div>
  )
}
