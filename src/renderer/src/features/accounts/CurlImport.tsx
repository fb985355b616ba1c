import { Terminal } from 'lucide-react'
import { useId, useState, type JSX } from 'react'
import type { AppErrorData } from '../../../../shared/errors'
import type { FieldValues, SecretValues } from '../../../../shared/model'
import { bridge } from '../../store/app-store'
import { ErrorCallout } from './ErrorCallout'

/** "Import from curl": a pasted command line becomes recipe fields; credentials in it become secrets. */
export function CurlImport({ onImported }: { onImported(value: { fields: FieldValues; secrets: SecretValues; warnings: string[] }): void }): JSX.Element {
  const id = useId()
  const [open, setOpen] = useState(false)
  const [command, setCommand] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<AppErrorData | null>(null)

  const run = async (): Promise<void> => {
    setBusy(true)
    setError(null)
    const result = await bridge().api.commands['recipes.fromCurl']({ command })
    setBusy(false)
    if (!result.ok) return setError(result.error)
    onImported(result.value)
    setCommand('')
    setOpen(false)
  }

  if (!open) {
    return (
      <div className="row">
        <button type="button" className="button button-small" onClick={() => setOpen(true)}>
          <Terminal size={14} aria-hidden="true" /> Import from curl
        </button>
        <span className="muted small">Paste the curl line that logs you in; TokenDesk fills the recipe.</span>
      </div>
    )
  }
  return (
    <div className="curl-import">
      <label htmlFor={id} className="field-label">
        curl command
      </label>
      <textarea
        id={id}
        className="mono-input"
        rows={4}
        spellCheck={false}
        autoFocus
        placeholder={"curl -X POST https://api.example.com/login -H 'Content-Type: application/json' -d '{\"user\":\"me\",\"password\":\"…\"}'"}
        value={command}
        onChange={(e) => setCommand(e.target.value)}
      />
      {error && <ErrorCallout error={error} />}
      <div className="row">
        <button type="button" className="button button-primary button-small" onClick={() => void run()} disabled={busy || command.trim() === ''}>
          {busy ? 'Reading…' : 'Fill the recipe'}
        </button>
        <button type="button" className="button button-quiet button-small" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </div>
  )
}
