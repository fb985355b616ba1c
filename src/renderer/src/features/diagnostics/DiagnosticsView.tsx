import { Database, FlaskConical, Info, KeyRound } from 'lucide-react'
import type { JSX, ReactNode } from 'react'
import type { Diagnostics, SecretStoreHealth } from '../../../../shared/contract'
import { Callout } from '../../components/Callout'
import { Field } from '../../components/Field'
import { PageHeader } from '../../components/PageHeader'
import { StatusPill, type Tone } from '../../components/StatusPill'
import { Moment } from '../../components/Moment'
import { refreshDiagnostics, useAppStore } from '../../store/app-store'

const BACKEND_LABEL: Record<SecretStoreHealth['backend'], string> = {
  keychain: 'OS keychain',
  vault: 'Encrypted vault file',
  memory: 'Memory (this session only)'
}

const HEALTH: Record<SecretStoreHealth['status'], { tone: Tone; label: string }> = {
  ok: { tone: 'ok', label: 'Healthy' },
  locked: { tone: 'warn', label: 'Locked' },
  unavailable: { tone: 'error', label: 'Unavailable' },
  checking: { tone: 'neutral', label: 'Checking…' }
}

function Card({ title, icon, children, aside, wide = false }: { title: string; icon: JSX.Element; children: ReactNode; aside?: ReactNode; wide?: boolean }): JSX.Element {
  return (
    <section className={wide ? 'card card-wide' : 'card'} aria-label={title}>
      <header className="card-header">
        <h2>
          {icon}
          {title}
        </h2>
        {aside}
      </header>
      {children}
    </section>
  )
}

function SecretStoreCard({ health }: { health: SecretStoreHealth }): JSX.Element {
  // A healthy memory store still loses everything on exit: say so in the pill too.
  const status = health.status === 'ok' && health.ephemeral ? { tone: 'warn' as const, label: 'Session only' } : HEALTH[health.status]
  return (
    <Card title="Secret store" icon={<KeyRound size={16} aria-hidden="true" />} aside={<StatusPill tone={status.tone}>{status.label}</StatusPill>}>
      <dl>
        <Field label="Backend" testId="secret-backend">
          {BACKEND_LABEL[health.backend]}
        </Field>
        {health.location && (
          <Field label="Location" mono>
            {health.location}
          </Field>
        )}
        <Field label="Checked"><Moment at={health.checkedAt} /></Field>
      </dl>
      {health.reason && (
        <Callout tone={health.status === 'ok' ? 'info' : 'warn'} fix={health.fix} testId="secret-reason">
          {health.reason}
        </Callout>
      )}
    </Card>
  )
}

function SandboxCard({ sandbox }: { sandbox: Diagnostics['sandbox'] }): JSX.Element {
  if (sandbox.status === 'off') {
    return (
      <Card title="Sandbox" icon={<FlaskConical size={16} aria-hidden="true" />} aside={<StatusPill tone="neutral">Off</StatusPill>}>
        <p className="muted">{sandbox.hint}</p>
      </Card>
    )
  }
  if (sandbox.status === 'failed') {
    return (
      <Card title="Sandbox" icon={<FlaskConical size={16} aria-hidden="true" />} aside={<StatusPill tone="error">Failed</StatusPill>}>
        <Callout tone="warn">{sandbox.reason}</Callout>
      </Card>
    )
  }
  const { baseUrls, credentials } = sandbox
  return (
    <Card wide title="Sandbox" icon={<FlaskConical size={16} aria-hidden="true" />} aside={<StatusPill tone="ok">Running</StatusPill>}>
      <dl>
        <Field label="Respoke" mono testId="sandbox-respoke">{baseUrls.respoke}</Field>
        <Field label="PocketPaw" mono>{baseUrls.pocketpaw}</Field>
        <Field label="Play Oxygen" mono>{baseUrls.playOxygen}</Field>
        <Field label="Keycloak proxy" mono>{baseUrls.keycloakProxy}</Field>
      </dl>
      <h3 className="subheading">
        Demo credentials <span className="badge">demo only, not secrets</span>
      </h3>
      <dl>
        <Field label="Respoke admin" mono>
          {credentials.respoke.username} / {credentials.respoke.password}
        </Field>
        {credentials.respoke.apps.map((app) => (
          <Field key={app.appId} label="Respoke app" mono>
            {app.appId} · secret {app.appSecret}
          </Field>
        ))}
        <Field label="PocketPaw master" mono>{credentials.pocketpaw.masterToken}</Field>
        {credentials.playOxygen.clients.map((c) => (
          <Field key={c.clientId} label={`Play Oxygen ${c.clientId}`} mono>
            {c.apiKey} / {c.secret}
          </Field>
        ))}
        {credentials.keycloakProxy.users.map((u) => (
          <Field key={u.username} label="Keycloak user" mono>
            {u.username} / {u.password}
          </Field>
        ))}
        {credentials.keycloakProxy.clients.map((c) => (
          <Field key={c.clientId} label={`Keycloak ${c.clientId}`} mono>
            {c.clientSecret} · {c.grants.join(', ')}
          </Field>
        ))}
      </dl>
    </Card>
  )
}

export function DiagnosticsView(): JSX.Element {
  const info = useAppStore((s) => s.info)
  const diagnostics = useAppStore((s) => s.diagnostics)
  const loading = diagnostics.status === 'loading'
  const data = 'data' in diagnostics ? diagnostics.data : undefined
  return (
    <section className="page" aria-labelledby="diagnostics-title">
      <PageHeader
        id="diagnostics-title"
        title="Diagnostics"
        lead="What TokenDesk sees on this machine. Nothing here is a secret."
        busy={loading}
        onRefresh={() => void refreshDiagnostics()}
      />
      {diagnostics.status === 'error' && (
        <Callout tone="warn" role="alert">
          {diagnostics.error.message} <code>{diagnostics.error.code}</code>
        </Callout>
      )}
      <div className="card-grid">
        <Card title="Application" icon={<Info size={16} aria-hidden="true" />}>
          {info.status === 'ready' ? (
            <dl>
              <Field label="Version" testId="app-version">{info.data.version}</Field>
              <Field label="Host" testId="app-host">
                {info.data.host === 'electron' ? 'Desktop (Electron)' : 'Browser mode'}
              </Field>
              <Field label="Platform" testId="app-platform">
                {info.data.platform} · {info.data.arch}
              </Field>
              <Field label="Runtime">{info.data.runtime}</Field>
              <Field label="Data directory" mono testId="app-data-dir">{info.data.dataDir}</Field>
            </dl>
          ) : info.status === 'error' ? (
            <p className="muted">{info.error.message}</p>
          ) : (
            <p className="muted">Loading…</p>
          )}
        </Card>
        {data ? <SecretStoreCard health={data.secretStore} /> : <Card title="Secret store" icon={<KeyRound size={16} aria-hidden="true" />}><p className="muted">Checking…</p></Card>}
        <Card title="Storage" icon={<Database size={16} aria-hidden="true" />} aside={data && <StatusPill tone={data.settings.status === 'ok' ? 'ok' : 'error'}>{data.settings.status === 'ok' ? 'Healthy' : 'Problem'}</StatusPill>}>
          {data ? (
            <dl>
              <Field label="Settings file" mono testId="settings-path">{data.settings.path}</Field>
              {data.settings.reason && <Field label="Problem">{data.settings.reason}</Field>}
              <Field label="Log file" mono>{data.logFile}</Field>
            </dl>
          ) : (
            <p className="muted">Checking…</p>
          )}
        </Card>
        {data && <SandboxCard sandbox={data.sandbox} />}
      </div>
    </section>
  )
}
