import { KeyRound, Trash2 } from 'lucide-react'
import { useMemo, type JSX } from 'react'
import { useAccountsStore } from '../../store/accounts-store'
import { useAppStore } from '../../store/app-store'
import { filterTokens, NO_FILTERS, useTokensStore } from '../../store/tokens-store'
import { clearExpired } from './actions'
import { countText, TokenFilters, useFollowAppSelection, useSortedTokens, ViewSwitch } from './common'
import { ICON_SMALL } from './icons'
import { TokenDetail, usePanelHost, useWide } from './TokenDetail'
import { TokenGrid } from './TokenGrid'
import './tokens.css'

/** How to get a first token: the accounts to go to, or how to add one. */
export function NoTokensYet(): JSX.Element {
  const accounts = useAccountsStore((s) => s.accounts)
  const choose = useAppStore((s) => s.accountChosen)
  const openOverlay = useAppStore((s) => s.overlayOpened)
  return (
    <div className="tokens-empty">
      <span className="empty-icon" aria-hidden="true">
        <KeyRound size={28} strokeWidth={2} />
      </span>
      <h2>No tokens yet</h2>
      {accounts && accounts.length > 0 ? (
        <>
          <p className="empty-lead">Open an account and press Issue token: the token appears here with its countdown, ready to copy.</p>
          <div className="empty-actions wrap">
            {accounts.slice(0, 6).map((account) => (
              <button key={account.id} type="button" className="button" onClick={() => choose(account.id)}>
                {account.name}
              </button>
            ))}
          </div>
        </>
      ) : (
        <>
          <p className="empty-lead">Add an account first (or start with --demo for four ready demo accounts), then press Issue token on its page.</p>
          <div className="empty-actions">
            <button type="button" className="button button-primary" onClick={() => openOverlay('add-account')}>
              Add account
            </button>
          </div>
        </>
      )}
    </div>
  )
}

/** Every token across providers, sorted by time left, filtered, virtualized; the detail on the right. */
export function AllTokensView(): JSX.Element {
  useFollowAppSelection()
  const status = useTokensStore((s) => s.status)
  const error = useTokensStore((s) => s.error)
  const filters = useTokensStore((s) => s.filters)
  const resetFilters = useTokensStore((s) => s.filtersChanged)
  const sorted = useSortedTokens()
  const shown = useMemo(() => filterTokens(sorted, filters), [sorted, filters])
  const expired = useMemo(() => sorted.filter((t) => t.state === 'expired').length, [sorted])
  const wide = useWide()
  usePanelHost(wide)
  const detailOpen = useTokensStore((s) => s.detailOpen && s.selectedId !== null)

  return (
    <section className={`tokens-view${wide && detailOpen ? ' with-detail' : ''}`} aria-labelledby="all-tokens-heading">
      <div className="tokens-main">
        <header className="tokens-header">
          <div className="tokens-title">
            <h1 id="all-tokens-heading">All tokens</h1>
            <span className="tokens-count" aria-live="polite">
              {countText(shown.length, sorted.length)}
            </span>
          </div>
          <div className="tokens-header-actions">
            <button type="button" className="button button-small" disabled={expired === 0} onClick={() => void clearExpired()}>
              <Trash2 {...ICON_SMALL} aria-hidden="true" /> Clear expired{expired > 0 ? ` (${expired})` : ''}
            </button>
            <ViewSwitch current="all-tokens" />
          </div>
        </header>
        <div className="tokens-toolbar">
          <TokenFilters tokens={sorted} />
        </div>
        {status === 'error' && error && (
          <p className="form-error tokens-error" role="alert">
            Could not load the tokens: {error.message}
          </p>
        )}
        {sorted.length === 0 ? (
          status === 'loading' || status === 'idle' ? (
            <p className="muted tokens-loading">Loading tokens…</p>
          ) : (
            <NoTokensYet />
          )
        ) : shown.length === 0 ? (
          <div className="tokens-empty">
            <h2>No token matches</h2>
            <p className="empty-lead">Nothing fits these filters.</p>
            <button type="button" className="button" onClick={() => resetFilters(NO_FILTERS)}>
              Clear filters
            </button>
          </div>
        ) : (
          <TokenGrid tokens={shown} label="Tokens" global />
        )}
        <p className="tokens-keys" aria-hidden="true">
          <kbd>↑</kbd>
          <kbd>↓</kbd> move · <kbd>Enter</kbd> details · <kbd>C</kbd> copy · <kbd>R</kbd> refresh
        </p>
      </div>
      {wide && <TokenDetail wide />}
    </section>
  )
}
