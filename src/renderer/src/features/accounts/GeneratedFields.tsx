import { Eye, EyeOff } from 'lucide-react'
import { useId, useState, type JSX, type ReactNode } from 'react'
import type { FieldSpec, FieldValue } from '../../../../shared/model'
import { useAppStore } from '../../store/app-store'
import { SecretStoreNote } from './SecretStoreNote'

/**
 * Providers' help texts say "kept in the system keychain"; when another store is in use that
 * would be a false promise, so the words name the store really in use.
 */
function useTruthfulHelp(): (help: string) => string {
  const backend = useAppStore((s) => ('data' in s.secrets && s.secrets.data ? (s.secrets.data.active.status === 'ok' ? s.secrets.data.active.backend : 'unusable') : null))
  return (help) => {
    if (backend === null || backend === 'keychain') return help
    const where = backend === 'vault' ? 'the encrypted vault' : backend === 'memory' ? 'memory only (gone when TokenDesk exits)' : 'the secret store'
    return help.replace(/\b(the )?(system|OS) keychain\b/gi, where)
  }
}

export interface FieldsProps {
  specs: readonly FieldSpec[]
  fields: Record<string, FieldValue>
  secrets: Record<string, string>
  /** Messages per field name, shown only for fields in `shown` (touched, or all after a submit). */
  errors: Record<string, string>
  shown: (name: string) => boolean
  /** Secrets with a stored value (edit): their inputs stay empty and say so. */
  storedSecrets: readonly string[]
  onField(name: string, value: FieldValue): void
  onSecret(name: string, value: string): void
  onBlur(name: string): void
}

/** One input per spec, by kind. The renderer knows no provider: everything comes from the specs. */
function Input({ spec, id, describedBy, invalid, props }: { spec: FieldSpec; id: string; describedBy: string | undefined; invalid: boolean; props: FieldsProps }): JSX.Element {
  const [visible, setVisible] = useState(false)
  const common = {
    id,
    'aria-describedby': describedBy,
    'aria-invalid': invalid || undefined,
    'aria-required': spec.required || undefined,
    onBlur: () => props.onBlur(spec.name)
  }
  const raw = props.fields[spec.name]
  const text = typeof raw === 'string' ? raw : raw === undefined ? '' : String(raw)
  switch (spec.kind) {
    case 'secret': {
      const stored = props.storedSecrets.includes(spec.name)
      return (
        <span className="secret-input">
          <input
            {...common}
            type={visible ? 'text' : 'password'}
            autoComplete="off"
            spellCheck={false}
            placeholder={stored ? 'Stored — leave empty to keep' : (spec.placeholder ?? '')}
            value={props.secrets[spec.name] ?? ''}
            onChange={(e) => props.onSecret(spec.name, e.target.value)}
          />
          <button
            type="button"
            className="icon-button"
            aria-label={`${visible ? 'Hide' : 'Show'} ${spec.label}`}
            aria-pressed={visible}
            onClick={() => setVisible((v) => !v)}
          >
            {visible ? <EyeOff size={16} aria-hidden="true" /> : <Eye size={16} aria-hidden="true" />}
          </button>
        </span>
      )
    }
    case 'boolean':
      return <input {...common} type="checkbox" checked={raw === true} onChange={(e) => props.onField(spec.name, e.target.checked)} />
    case 'choice':
      return (
        <select {...common} value={text} onChange={(e) => props.onField(spec.name, e.target.value)}>
          {!spec.required && <option value="">—</option>}
          {spec.required && text === '' && (
            <option value="" disabled>
              Choose…
            </option>
          )}
          {(spec.choices ?? []).map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
      )
    case 'number':
      return (
        <input
          {...common}
          type="number"
          inputMode="decimal"
          min={spec.validation?.min}
          max={spec.validation?.max}
          placeholder={spec.placeholder}
          value={text}
          onChange={(e) => props.onField(spec.name, e.target.value)}
        />
      )
    default:
      return spec.multiline ? (
        <textarea
          {...common}
          className="mono-input"
          rows={4}
          spellCheck={false}
          placeholder={spec.placeholder}
          value={text}
          onChange={(e) => props.onField(spec.name, e.target.value)}
        />
      ) : (
        <input
          {...common}
          type="text"
          inputMode={spec.kind === 'url' ? 'url' : undefined}
          className={spec.kind === 'url' ? 'mono-input' : undefined}
          spellCheck={false}
          autoComplete="off"
          placeholder={spec.placeholder}
          value={text}
          onChange={(e) => props.onField(spec.name, e.target.value)}
        />
      )
  }
}

function FieldRow({ spec: raw, props }: { spec: FieldSpec; props: FieldsProps }): JSX.Element {
  const truthful = useTruthfulHelp()
  const spec = raw.help ? { ...raw, help: truthful(raw.help) } : raw
  const base = useId()
  const id = `${base}-input`
  const error = props.shown(spec.name) ? props.errors[spec.name] : undefined
  const helpId = spec.help ? `${base}-help` : undefined
  const errorId = error ? `${base}-error` : undefined
  const describedBy = [errorId, helpId].filter(Boolean).join(' ') || undefined
  const input = <Input spec={spec} id={id} describedBy={describedBy} invalid={Boolean(error)} props={props} />
  if (spec.kind === 'boolean') {
    return (
      <div className="gen-field gen-field-check">
        <label htmlFor={id} className="check-label">
          {input}
          <span>{spec.label}</span>
        </label>
        {spec.help && (
          <p id={helpId} className="field-help">
            {spec.help}
          </p>
        )}
        {error && <FieldError id={errorId!}>{error}</FieldError>}
      </div>
    )
  }
  return (
    <div className="gen-field">
      <div className="field-label-row">
        <label htmlFor={id} className="field-label">
          {spec.label}
        </label>
        {!spec.required && <span className="field-optional">optional</span>}
      </div>
      {input}
      {error && <FieldError id={errorId!}>{error}</FieldError>}
      {spec.help && (
        <p id={helpId} className="field-help">
          {spec.help}
        </p>
      )}
    </div>
  )
}

export function FieldError({ id, children }: { id: string; children: ReactNode }): JSX.Element {
  return (
    <p id={id} className="form-error">
      {children}
    </p>
  )
}

/**
 * The form generated from a provider's field specs: basic fields first, the ones a first-time user
 * can leave alone folded under "Advanced" (opened by itself when one of them has an error).
 */
export function GeneratedFields(props: FieldsProps): JSX.Element {
  const basic = props.specs.filter((s) => !s.advanced)
  const advanced = props.specs.filter((s) => s.advanced)
  const advancedError = advanced.some((s) => props.shown(s.name) && props.errors[s.name])
  const hasSecret = props.specs.some((s) => s.kind === 'secret')
  return (
    <div className="gen-fields">
      {basic.map((spec) => (
        <FieldRow key={spec.name} spec={spec} props={props} />
      ))}
      {hasSecret && <SecretStoreNote />}
      {advanced.length > 0 && (
        <details className="disclosure advanced" open={advancedError || undefined}>
          <summary>Advanced</summary>
          <div className="gen-fields">
            {advanced.map((spec) => (
              <FieldRow key={spec.name} spec={spec} props={props} />
            ))}
          </div>
        </details>
      )}
    </div>
  )
}
