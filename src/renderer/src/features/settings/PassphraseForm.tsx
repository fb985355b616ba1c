import { useId, useState, type FormEvent, type JSX } from 'react'
import type { AppErrorData } from '../../../../shared/errors'

export interface PassphraseField {
  name: string
  label: string
  autoComplete: 'current-password' | 'new-password'
  /** Must equal another field's value (a confirmation). */
  confirms?: string
  minLength?: number
}

/**
 * A small form of password fields. Values live only in this component's state and are cleared
 * after every submit: passphrases never enter the store.
 */
export function PassphraseForm({
  fields,
  submitLabel,
  onSubmit,
  testId,
  autoFocus = false
}: {
  fields: PassphraseField[]
  submitLabel: string
  onSubmit: (values: Record<string, string>) => Promise<AppErrorData | null>
  testId?: string
  /** Focus the first field on mount (when the user came here to fill this form). */
  autoFocus?: boolean
}): JSX.Element {
  const id = useId()
  const [values, setValues] = useState<Record<string, string>>({})
  const [problem, setProblem] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    for (const field of fields) {
      const value = values[field.name] ?? ''
      if (field.minLength && value.length < field.minLength) return setProblem(`${field.label}: use at least ${field.minLength} characters.`)
      if (field.confirms && value !== values[field.confirms]) return setProblem('The two passphrases do not match.')
    }
    setBusy(true)
    setProblem(null)
    const error = await onSubmit(values)
    setBusy(false)
    setValues({})
    if (error) setProblem(error.message)
  }

  return (
    <form className="form" onSubmit={(e) => void submit(e)} data-testid={testId} aria-busy={busy}>
      {fields.map((field, index) => (
        <label key={field.name} className="form-field" htmlFor={`${id}-${field.name}`}>
          <span>{field.label}</span>
          <input
            id={`${id}-${field.name}`}
            type="password"
            autoComplete={field.autoComplete}
            spellCheck={false}
            autoFocus={autoFocus && index === 0}
            value={values[field.name] ?? ''}
            onChange={(e) => setValues((v) => ({ ...v, [field.name]: e.target.value }))}
            required
          />
        </label>
      ))}
      {problem && (
        <p className="form-error" role="alert">
          {problem}
        </p>
      )}
      <div>
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Working…' : submitLabel}
        </button>
      </div>
    </form>
  )
}
