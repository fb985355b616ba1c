import { FileLock, Lock, LockOpen } from 'lucide-react'
import { useEffect, useState, type JSX } from 'react'
import type { SecretBackend, SecretsStatus, SecretStoreHealth } from '../../../../shared/contract'
import type { AppErrorData } from '../../../../shared/errors'
import { Callout } from '../../components/Callout'
import { PageHeader } from '../../components/PageHeader'
import { ErrorCallout } from '../accounts/ErrorCallout'
import { StatusPill } from '../../components/StatusPill'
import { bridge, refreshSecrets, useAppStore } from '../../store/app-store'
import { BACKENDS, backendLabel, healthPill } from './backends'
import { PassphraseForm } from './PassphraseForm'
import { PreferencesPanel } from './PreferencesPanel'

const AUTO_LOCK_CHOICES = [0, 5, 15, 30, 60, 240]

type Notice = { tone: 'ok' | 'error'; text: string; fix?: string; action?: { label: string; run: () => void } } | null

function fixOf(error: AppErrorData): string | undefined {
  const fix = error.details?.fix
  return typeof fix === 'string' ? here(fix) : undefined
}

/** The engine's fixes say "in Settings"; on this page that sends you where you already are. */
export function here(text: string): string {
  return text.replace(/\b(in|from|open) Settings\b/g, 'on this page')
}

function BackendChooser({ status, onNotice }: { status: SecretsStatus; onNotice: (n: Notice) => void }): JSX.Element {
  const [switching, setSwitching] = useState<SecretBackend | null>(null)
  const healthOf = (backend: SecretBackend): SecretStoreHealth | undefined =>
    backend === status.active.backend ? status.active : status.alternatives.find((a) => a.backend === backend)

  // Secrets in a backend that cannot be read cannot be moved: switch without moving, and say so.
  const fromUnreadable = status.active.status !== 'ok'

  const choose = async (backend: SecretBackend, moveSecrets: boolean): Promise<void> => {
    setSwitching(backend)
    onNotice(null)
    const result = await bridge().api.commands['secrets.chooseBackend']({ backend, moveSecrets })
    setSwitching(null)
    if (result.ok) {
      const { moved, leftBehind } = result.value
      const from = backendLabel(status.active.backend)
      const outcome = moveSecrets
        ? `Moved ${moved} secret${moved === 1 ? '' : 's'}.${leftBehind > 0 ? ` ${leftBehind} cop${leftBehind === 1 ? 'y stays' : 'ies stay'} in the ${from}${backend === 'memory' ? ' so nothing is lost when TokenDesk exits' : ' (it could not delete them; they are verified duplicates)'}.` : ''}`
        : `Nothing was moved: anything stored in the ${from} stays there and can be moved once it works again.`
      onNotice({ tone: 'ok', text: `Secrets are now kept in: ${backendLabel(backend)}. ${outcome}` })
      void refreshSecrets(true)
    } else {
      const fix = fixOf(result.error)
      onNotice({
        tone: 'error',
        text: result.error.message,
        ...(fix ? { fix } : {}),
        ...(result.error.code === 'SECRET_MIGRATION_FAILED' ? { action: { label: 'Switch without moving', run: () => void choose(backend, false) } } : {})
      })
    }
  }

  return (
    <ul className="choice-list" aria-label="Secret storage backends">
      {BACKENDS.map(({ backend, label, description }) => {
        const active = backend === status.active.backend
        // A vault that does not exist yet is not broken: it is one step away (the form below).
        const notCreated = backend === 'vault' && status.vault.state === 'absent'
        const health = notCreated ? undefined : healthOf(backend)
        const pill = notCreated ? { tone: 'neutral' as const, label: 'Not created yet' } : health ? healthPill(health) : null
        const broken = active && status.active.status !== 'ok'
        return (
          <li key={backend} className={broken ? 'choice choice-broken' : active ? 'choice choice-active' : 'choice'} data-testid={`backend-${backend}`}>
            <div className="choice-main">
              <div className="choice-title">
                <strong>{label}</strong>
                {active && (health?.status === 'ok' ? <span className="badge">In use</span> : <span className="badge badge-warn">Selected, not usable</span>)}
                {pill && <StatusPill tone={pill.tone}>{pill.label}</StatusPill>}
              </div>
              <p className="muted">{description}</p>
              {health?.reason && health.status !== 'ok' && (
                <p className="choice-reason">
                  {health.reason}
                  {health.fix && <> Fix: {here(health.fix)}</>}
                </p>
              )}
            </div>
            {!active && backend === 'vault' && status.vault.state === 'absent' ? (
              <button type="button" className="button" onClick={() => document.querySelector<HTMLInputElement>('[data-testid="vault-create"] input')?.focus()}>
                Create a vault…
              </button>
            ) : (
              !active && (
              <button
                type="button"
                className="button"
                onClick={() => void choose(backend, !fromUnreadable)}
                disabled={switching !== null}
                aria-busy={switching === backend}
              >
                {switching === backend ? (fromUnreadable ? 'Switching…' : 'Moving secrets…') : 'Use this'}
              </button>
              )
            )}
          </li>
        )
      })}
    </ul>
  )
}

function VaultPanel({ status, onNotice }: { status: SecretsStatus; onNotice: (n: Notice) => void }): JSX.Element {
  const { vault } = status
  const api = bridge().api
  // Creating a vault while the store in use cannot be used (or none was chosen yet) also switches to it.
  const adopt = status.active.backend !== 'vault' && (status.active.status !== 'ok' || !status.backendChosen)
  const done = (text: string) => (result: { ok: boolean; error?: AppErrorData }): AppErrorData | null => {
    if (!result.ok) return result.error ?? null
    onNotice({ tone: 'ok', text })
    void refreshSecrets(true)
    return null
  }
  return (
    <section className="card" aria-label="Encrypted vault">
      <header className="card-header">
        <h2>
          <FileLock size={16} aria-hidden="true" /> Encrypted vault
        </h2>
        <StatusPill tone={vault.state === 'unlocked' ? 'ok' : vault.state === 'locked' ? 'warn' : 'neutral'}>
          {vault.state === 'unlocked' ? 'Unlocked' : vault.state === 'locked' ? 'Locked' : 'Not created'}
        </StatusPill>
      </header>
      <p className="muted mono-path">{vault.path}</p>
      {vault.state === 'absent' && (
        <>
          <p className="muted">
            Choose a passphrase. It is never stored: if you forget it, the vault cannot be opened.
            {adopt && ' The vault is used for your secrets as soon as it exists.'}
          </p>
          <PassphraseForm
            testId="vault-create"
            autoFocus={status.active.status !== 'ok' && !status.backendChosen}
            submitLabel={adopt ? 'Create vault and use it' : 'Create vault'}
            fields={[
              { name: 'passphrase', label: 'Passphrase', autoComplete: 'new-password', minLength: 8 },
              { name: 'confirm', label: 'Repeat passphrase', autoComplete: 'new-password', confirms: 'passphrase' }
            ]}
            onSubmit={async (v) => {
              const created = await api.commands['vault.create']({ passphrase: v.passphrase ?? '' })
              if (!created.ok || !adopt) return done('The vault is created and unlocked.')(created)
              // One step: the store in use cannot be used, so the new vault takes over (nothing to move).
              const chosen = await api.commands['secrets.chooseBackend']({ backend: 'vault', moveSecrets: false })
              if (!chosen.ok) return chosen.error
              return done('The vault is created, unlocked and now keeps your secrets.')(chosen)
            }}
          />
        </>
      )}
      {vault.state === 'locked' && (
        <PassphraseForm
          testId="vault-unlock"
          submitLabel="Unlock"
          fields={[{ name: 'passphrase', label: 'Passphrase', autoComplete: 'current-password' }]}
          onSubmit={async (v) => done('The vault is unlocked.')(await api.commands['vault.unlock']({ passphrase: v.passphrase ?? '' }))}
        />
      )}
      {vault.state === 'unlocked' && (
        <div className="stack">
          <div className="row">
            <button
              type="button"
              className="button"
              onClick={() => void api.commands['vault.lock']({}).then(done('The vault is locked.'))}
            >
              <Lock size={16} aria-hidden="true" /> Lock now
            </button>
            <label className="inline-field">
              <span>Lock after</span>
              <select
                value={vault.autoLockMinutes}
                onChange={(e) => void api.commands['vault.setAutoLock']({ minutes: Number(e.target.value) }).then(done('Auto-lock updated.'))}
              >
                {AUTO_LOCK_CHOICES.map((m) => (
                  <option key={m} value={m}>
                    {m === 0 ? 'never' : m < 60 ? `${m} minutes idle` : `${m / 60} hour${m === 60 ? '' : 's'} idle`}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <details className="disclosure">
            <summary>Change passphrase</summary>
            <PassphraseForm
              testId="vault-change"
              submitLabel="Change passphrase"
              fields={[
                { name: 'current', label: 'Current passphrase', autoComplete: 'current-password' },
                { name: 'next', label: 'New passphrase', autoComplete: 'new-password', minLength: 8 },
                { name: 'confirm', label: 'Repeat new passphrase', autoComplete: 'new-password', confirms: 'next' }
              ]}
              onSubmit={async (v) =>
                done('The passphrase is changed.')(await api.commands['vault.changePassphrase']({ current: v.current ?? '', next: v.next ?? '' }))
              }
            />
          </details>
        </div>
      )}
    </section>
  )
}

export function SettingsView(): JSX.Element {
  const secrets = useAppStore((s) => s.secrets)
  const [notice, setNotice] = useState<Notice>(null)
  const [probing, setProbing] = useState(false)

  const probe = async (): Promise<void> => {
    setProbing(true)
    await refreshSecrets(true)
    setProbing(false)
  }

  // Opening Settings probes every backend once, so each choice shows its real health.
  useEffect(() => {
    void refreshSecrets(true)
  }, [])

  const status = 'data' in secrets ? secrets.data : undefined
  return (
    <section className="page" aria-labelledby="settings-title">
      <PageHeader
        id="settings-title"
        title="Settings"
        lead="Where TokenDesk keeps your credentials (moving them copies and verifies every secret before deleting the old copy), and how it treats tokens and the clipboard."
        busy={probing}
        onRefresh={() => void probe()}
      />
      {notice?.tone === 'error' && (
        <ErrorCallout error={{ code: 'INTERNAL', message: notice.text, ...(notice.fix ? { details: { fix: notice.fix } } : {}) }}>
          {notice.action && (
            <button type="button" className="button button-small" onClick={notice.action.run}>
              {notice.action.label}
            </button>
          )}
        </ErrorCallout>
      )}
      {notice?.tone === 'ok' && (
        <Callout tone="ok" role="status">
          {notice.text}
        </Callout>
      )}
      {secrets.status === 'error' && <ErrorCallout error={secrets.error} />}
      {status ? (
        <div className="stack">
          <section className="card" aria-label="Secret storage">
            <header className="card-header">
              <h2>
                <LockOpen size={16} aria-hidden="true" /> Secret storage
              </h2>
            </header>
            <BackendChooser status={status} onNotice={setNotice} />
          </section>
          <PreferencesPanel />
          <VaultPanel status={status} onNotice={setNotice} />
        </div>
      ) : (
        <p className="muted">Checking the secret stores…</p>
      )}
    </section>
  )
}
