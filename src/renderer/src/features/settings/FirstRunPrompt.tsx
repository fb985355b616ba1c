import { AlertTriangle, Lock } from 'lucide-react'
import { useState, type JSX, type ReactNode } from 'react'
import { bridge, refreshSecrets, useAppStore } from '../../store/app-store'
import { backendLabel } from './backends'
import { PassphraseForm } from './PassphraseForm'

function Prompt({ title, icon, children }: { title: string; icon: JSX.Element; children: ReactNode }): JSX.Element {
  return (
    <section className="prompt" aria-labelledby="secret-prompt-title" data-testid="first-run-prompt">
      <div className="prompt-icon" aria-hidden="true">
        {icon}
      </div>
      <div className="prompt-body">
        <h2 id="secret-prompt-title">{title}</h2>
        {children}
      </div>
    </section>
  )
}

/**
 * When secrets cannot be stored or read, the first screen says so instead of failing later:
 * on first run with a broken keychain it offers the alternatives (never a silent fallback); with a
 * locked vault it asks for the passphrase; with a chosen backend that broke it shows why and the fix.
 */
export function FirstRunPrompt(): JSX.Element | null {
  const secrets = useAppStore((s) => s.secrets)
  const viewChosen = useAppStore((s) => s.viewChosen)
  const [busy, setBusy] = useState(false)
  if (!('data' in secrets) || !secrets.data) return null
  const { active, backendChosen, vault } = secrets.data
  if (active.status === 'ok') return null

  if (active.backend === 'vault' && vault.state === 'locked') {
    return (
      <Prompt title="The encrypted vault is locked" icon={<Lock size={20} />}>
        <p>Enter its passphrase to use your stored credentials.</p>
        <PassphraseForm
          testId="prompt-unlock"
          submitLabel="Unlock"
          autoFocus
          fields={[{ name: 'passphrase', label: 'Passphrase', autoComplete: 'current-password' }]}
          onSubmit={async (v) => {
            const result = await bridge().api.commands['vault.unlock']({ passphrase: v.passphrase ?? '' })
            if (!result.ok) return result.error
            await refreshSecrets()
            return null
          }}
        />
      </Prompt>
    )
  }

  const keepInMemory = async (): Promise<void> => {
    setBusy(true)
    await bridge().api.commands['secrets.chooseBackend']({ backend: 'memory', moveSecrets: false })
    await refreshSecrets()
    setBusy(false)
  }

  const title =
    active.backend === 'keychain' ? "The system keychain can't be used on this machine" : `The ${backendLabel(active.backend).toLowerCase()} can't be used`
  return (
    <Prompt title={title} icon={<AlertTriangle size={20} />}>
      <p>{active.reason ?? 'It did not answer the health check.'}</p>
      {active.fix && (
        <p>
          <strong>Fix: </strong>
          {active.fix}
        </p>
      )}
      <div className="row">
        {!backendChosen ? (
          <>
            <button type="button" className="button button-primary" onClick={() => viewChosen('settings')}>
              Use an encrypted vault
            </button>
            <button type="button" className="button" onClick={() => void keepInMemory()} disabled={busy}>
              Keep secrets in memory for this session
            </button>
          </>
        ) : (
          <button type="button" className="button button-primary" onClick={() => viewChosen('settings')}>
            Open settings
          </button>
        )}
        <button type="button" className="button button-quiet" onClick={() => void refreshSecrets(true)}>
          Check again
        </button>
      </div>
    </Prompt>
  )
}
