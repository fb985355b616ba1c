import { Activity, KeyRound } from 'lucide-react'
import type { JSX } from 'react'
import { useAppStore } from '../../store/app-store'

const PROVIDERS = [
  { name: 'Respoke', what: 'Admin login, tokenIds and App-Token sessions' },
  { name: 'PocketPaw', what: 'Session tokens from a master token' },
  { name: 'Play Oxygen', what: 'HS512 JWTs per client' },
  { name: 'Keycloak proxy', what: 'Password, client-credentials and refresh grants' }
]

/** The first thing a new user sees: what TokenDesk does and what it will speak. */
export function NoAccounts(): JSX.Element {
  const viewChosen = useAppStore((s) => s.viewChosen)
  return (
    <section className="empty" aria-labelledby="empty-title">
      <div className="empty-icon" aria-hidden="true">
        <KeyRound size={28} />
      </div>
      <h1 id="empty-title">No accounts yet</h1>
      <p className="empty-lead">
        TokenDesk keeps your API credentials in the OS keychain, performs the login and token calls for you, and shows
        every live token with a countdown to its expiry.
      </p>
      <ul className="provider-grid" aria-label="Supported APIs">
        {PROVIDERS.map((p) => (
          <li key={p.name} className="provider-card">
            <strong>{p.name}</strong>
            <span>{p.what}</span>
          </li>
        ))}
      </ul>
      <div className="empty-actions">
        <button type="button" className="button" onClick={() => viewChosen('diagnostics')}>
          <Activity size={16} aria-hidden="true" /> Check this machine
        </button>
      </div>
    </section>
  )
}
