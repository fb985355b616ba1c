import { Activity, FlaskConical, KeyRound, Plus } from 'lucide-react'
import { useId, useState, type JSX } from 'react'
import type { SecretsStatus } from '../../../../shared/contract'
import type { ProviderId } from '../../../../shared/model'
import { useAppStore } from '../../store/app-store'
import { ProviderMark } from './ProviderMark'

const PROVIDERS: Array<{ id: ProviderId; name: string; what: string }> = [
  { id: 'respoke', name: 'Respoke', what: 'Admin login, tokenIds and App-Token sessions' },
  { id: 'pocketpaw', name: 'PocketPaw', what: 'Session tokens from a master token' },
  { id: 'play-oxygen', name: 'Play Oxygen', what: 'HS512 JWTs per client' },
  { id: 'keycloak-proxy', name: 'Keycloak proxy', what: 'Password, client-credentials and refresh grants' }
]

/** Where credentials will go, said truthfully for the store actually in use. */
export function storePhrase(status: SecretsStatus | undefined): string {
  if (!status || status.active.status !== 'ok') return 'in the secret store you choose'
  if (status.active.backend === 'memory' || status.active.ephemeral) return 'in memory only for this session (gone when TokenDesk exits)'
  if (status.active.backend === 'vault') return 'in an encrypted vault file protected by your passphrase'
  return 'in the OS keychain'
}

function SandboxHelp({ id }: { id: string }): JSX.Element {
  const sandbox = useAppStore((s) => ('data' in s.diagnostics ? s.diagnostics.data?.sandbox : undefined))
  const viewChosen = useAppStore((s) => s.viewChosen)
  if (sandbox?.status === 'running') {
    return (
      <div id={id} className="sandbox-help" role="region" aria-label="Sandbox">
        <p>
          The sandbox is running at <code>{sandbox.origin}</code>, but its demo accounts are gone (removed, or this data folder already had
          accounts). Add one with <strong>Add account</strong>: Diagnostics lists each API’s URL and its demo credentials.
        </p>
        <button type="button" className="button button-small" onClick={() => viewChosen('diagnostics')}>
          <Activity size={14} aria-hidden="true" /> Sandbox URLs and credentials
        </button>
      </div>
    )
  }
  return (
    <div id={id} className="sandbox-help" role="region" aria-label="Sandbox">
      <p>
        Quit TokenDesk and start it again with the built-in sandbox: a local copy of all four APIs on 127.0.0.1, with demo credentials that
        are not secrets.
      </p>
      <pre className="command-line">
        <code>npm start -- --demo</code>
      </pre>
      <p>
        It opens with four ready accounts (Demo Respoke, Demo PocketPaw, Demo Play Oxygen, Demo Keycloak): your first token is one click
        away, and nothing leaves this machine.
      </p>
    </div>
  )
}

/** The first thing a new user sees: what TokenDesk does, and the two ways to start. */
export function NoAccounts(): JSX.Element {
  const viewChosen = useAppStore((s) => s.viewChosen)
  const overlayOpened = useAppStore((s) => s.overlayOpened)
  const secrets = useAppStore((s) => ('data' in s.secrets ? s.secrets.data : undefined))
  const [sandboxOpen, setSandboxOpen] = useState(false)
  const sandboxId = useId()
  return (
    <section className="empty welcome" aria-labelledby="empty-title">
      <div className="empty-icon" aria-hidden="true">
        <KeyRound size={28} />
      </div>
      <p className="eyebrow">Welcome to TokenDesk</p>
      <h1 id="empty-title">No accounts yet</h1>
      <p className="empty-lead">
        TokenDesk keeps your API credentials {storePhrase(secrets)}, performs the login and token calls for you, and shows every live token
        with a countdown to its expiry.
      </p>
      <div className="empty-actions">
        <button type="button" className="button button-primary" onClick={() => overlayOpened('add-account')}>
          <Plus size={16} aria-hidden="true" /> Add account
        </button>
        <button type="button" className="button" aria-expanded={sandboxOpen} aria-controls={sandboxOpen ? sandboxId : undefined} onClick={() => setSandboxOpen((o) => !o)}>
          <FlaskConical size={16} aria-hidden="true" /> Try the sandbox
        </button>
        <button type="button" className="button button-quiet" onClick={() => viewChosen('diagnostics')}>
          <Activity size={16} aria-hidden="true" /> Check this machine
        </button>
      </div>
      {sandboxOpen && <SandboxHelp id={sandboxId} />}
      <ul className="provider-grid" aria-label="Supported APIs">
        {PROVIDERS.map((p) => (
          <li key={p.name} className="provider-card">
            <ProviderMark providerId={p.id} />
            <span className="provider-card-text">
              <strong>{p.name}</strong>
              <span>{p.what}</span>
            </span>
          </li>
        ))}
      </ul>
      <p className="muted small">
        Any other API that logs in over HTTP: a <strong>custom recipe</strong> (method, URL, body, and where the token and its expiry are).
      </p>
    </section>
  )
}
