import { RefreshCw } from 'lucide-react'
import type { JSX } from 'react'

/** A page's title, one-line lead, and its "Check again" action with a busy state. */
export function PageHeader({ id, title, lead, busy, onRefresh }: { id: string; title: string; lead: string; busy: boolean; onRefresh: () => void }): JSX.Element {
  return (
    <header className="page-header">
      <div>
        <h1 id={id}>{title}</h1>
        <p className="muted">{lead}</p>
      </div>
      <button type="button" className="button" onClick={onRefresh} disabled={busy} aria-busy={busy}>
        <RefreshCw size={16} aria-hidden="true" className={busy ? 'spin' : undefined} />
        {busy ? 'Checking…' : 'Check again'}
      </button>
    </header>
  )
}
