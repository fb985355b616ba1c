import { useMemo, type JSX } from 'react'
import { filterTokens, NO_FILTERS } from '../../store/tokens-store'
import { useFollowAppSelection, useSortedTokens } from './common'
import { TokenGrid } from './TokenGrid'
import './tokens.css'

/** The rows of one account (or one app) on its page; details open in the drawer. */
export function TokenList({ filter }: { filter: { accountId?: string; appId?: string } }): JSX.Element {
  useFollowAppSelection()
  const sorted = useSortedTokens()
  const tokens = useMemo(() => filterTokens(sorted, NO_FILTERS, filter), [sorted, filter.accountId, filter.appId]) // eslint-disable-line react-hooks/exhaustive-deps
  if (tokens.length === 0) {
    return <p className="token-list-empty muted">No tokens yet. Press Issue token to get one.</p>
  }
  return <TokenGrid tokens={tokens} label="Tokens" maxRows={8} />
}
