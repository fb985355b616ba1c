import { CircleCheck, FlaskConical, Info, LogIn, Sparkles } from 'lucide-react'
import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type JSX, type ReactNode } from 'react'
import type { LoginCheck, RecipeTest } from '../../../../shared/contract'
import type { AppErrorData } from '../../../../shared/errors'
import type { FieldSpec, FieldValue, FieldValues, ProviderInfo, SecretValues } from '../../../../shared/model'
import type { Result } from '../../../../shared/result'
import { formatAbsolute } from '../../lib/format-time'
import { bridge, useAppStore } from '../../store/app-store'
import { draftErrors, draftPayload, formSpecs, initialFields, type Draft } from './draft'
import { ErrorCallout } from './ErrorCallout'
import { fieldErrorsOf } from './hints'
import { FieldError, GeneratedFields } from './GeneratedFields'
import { CurlImport } from './CurlImport'

export interface SavePayload {
  name: string
  fields: FieldValues
  secrets: SecretValues
}

export interface EntityFormProps {
  /** Account forms get Test login, presets and (recipes) curl import + Test recipe. */
  kind: 'account' | 'app'
  provider: ProviderInfo
  specs: readonly FieldSpec[]
  mode: 'create' | 'edit'
  nameLabel: string
  initial: { name: string; fields?: FieldValues; secretsSet?: readonly string[] }
  /** The saved account (edit), for Test login / Test recipe against what is stored. */
  savedId?: string
  saveLabel: string
  onSave(payload: SavePayload): Promise<AppErrorData | null>
  onCancel(): void
}

export type Check<T> = { status: 'idle' } | { status: 'busy' } | { status: 'ok'; value: T } | { status: 'error'; error: AppErrorData }

/**
 * A Test login's answer. A check that reached the API but could not try the credentials (Keycloak
 * with no client yet) is shown as information, never as a green success.
 */
export function LoginResult({ check, where = 'page' }: { check: Check<LoginCheck>; where?: 'form' | 'page' }): JSX.Element | null {
  if (check.status === 'ok') {
    const addressOnly = check.value.checked === 'address'
    return (
      <div className={addressOnly ? 'callout callout-info' : 'callout callout-ok'} role="status" data-testid="test-login-result">
        {addressOnly ? <Info size={16} aria-hidden="true" /> : <CircleCheck size={16} aria-hidden="true" />}
        <div>
          <p className="callout-text">{check.value.message}</p>
          {check.value.facts.length > 0 && (
            <ul className="facts">
              {check.value.facts.map((fact) => (
                <li key={fact}>{fact}</li>
              ))}
            </ul>
          )}
          <p className="callout-fix mono">{check.value.ms} ms</p>
        </div>
      </div>
    )
  }
  if (check.status === 'error') return <ErrorCallout error={check.error} testId="test-login-result" where={where} />
  return null
}

function RecipeResult({ check }: { check: Check<RecipeTest> }): JSX.Element | null {
  if (check.status === 'error') return <ErrorCallout error={check.error} testId="test-recipe-result" where="form" />
  if (check.status !== 'ok') return null
  const r = check.value
  return (
    <div className="callout callout-ok" role="status" data-testid="test-recipe-result">
      <CircleCheck size={16} aria-hidden="true" />
      <div>
        <p className="callout-text">
          HTTP <span className="mono">{r.status}</span> in <span className="mono">{r.ms} ms</span> · token{' '}
          <span className="mono">{r.tokenMasked}</span> ({r.tokenLength} characters)
        </p>
        <p className="callout-fix">
          Expires{' '}
          {r.expiresAt === null ? (
            'unknown'
          ) : (
            <span className="mono">{formatAbsolute(r.expiresAt)}</span>
          )}{' '}
          · from {r.expirySource}
        </p>
        {r.extracted.length > 0 && (
          <ul className="facts mono">
            {r.extracted.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        )}
      </div>
    </div>
  )
}

/** A check's answer may land below a long form's fold: bring it into view when it arrives. */
function InView({ children }: { children: ReactNode }): JSX.Element {
  const box = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (box.current?.firstElementChild) box.current.scrollIntoView?.({ block: 'center', behavior: 'smooth' })
  }, [])
  return (
    <div ref={box} className="in-view">
      {children}
    </div>
  )
}

/**
 * The account / app form, generated from the provider's field specs. Secrets stay in this
 * component's state; editing never shows a stored one (the input is empty and says "Stored"),
 * and only secrets the user typed are sent.
 */
export function EntityForm(props: EntityFormProps): JSX.Element {
  const { provider, mode, kind } = props
  const recipe = kind === 'account' && provider.id === 'recipe'
  const formId = useId()
  const [draft, setDraft] = useState<Draft>(() => ({
    name: props.initial.name,
    fields: initialFields(props.specs, props.initial.fields),
    secrets: {}
  }))
  const [touched, setTouched] = useState<Set<string>>(new Set())
  const [submitted, setSubmitted] = useState(false)
  const [saving, setSaving] = useState(false)
  const [saveError, setSaveError] = useState<AppErrorData | null>(null)
  const [serverFieldErrors, setServerFieldErrors] = useState<Record<string, string>>({})
  const [login, setLogin] = useState<Check<LoginCheck>>({ status: 'idle' })
  const [recipeCheck, setRecipeCheck] = useState<Check<RecipeTest>>({ status: 'idle' })
  const [warnings, setWarnings] = useState<string[]>([])

  const specs = useMemo(() => formSpecs(props.specs, draft.fields, recipe), [props.specs, draft.fields, recipe])
  const stored = props.initial.secretsSet ?? []
  const errors = { ...draftErrors(specs, draft, stored), ...serverFieldErrors }
  const shown = (name: string): boolean => submitted || touched.has(name) || name in serverFieldErrors
  const valid = Object.keys(draftErrors(specs, draft, stored)).length === 0

  const touch = (name: string): void => setTouched((t) => (t.has(name) ? t : new Set(t).add(name)))
  const changed = (): void => {
    setServerFieldErrors({})
    setSaveError(null)
  }
  const setField = (name: string, value: FieldValue): void => {
    changed()
    setDraft((d) => ({ ...d, fields: { ...d.fields, [name]: value } }))
  }
  const setSecret = (name: string, value: string): void => {
    changed()
    setDraft((d) => ({ ...d, secrets: { ...d.secrets, [name]: value } }))
  }

  const wireDraft = () => {
    const payload = draftPayload(specs, draft)
    return { providerId: provider.id, fields: payload.fields, secrets: payload.secrets }
  }

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    setSubmitted(true)
    if (!valid) {
      // Focus the first field that needs attention, so the keyboard user lands on the problem.
      requestAnimationFrame(() => document.querySelector<HTMLElement>(`#${CSS.escape(formId)} [aria-invalid="true"]`)?.focus())
      return
    }
    setSaving(true)
    const error = await props.onSave(draftPayload(specs, draft))
    setSaving(false)
    if (error) {
      setSaveError(error)
      setServerFieldErrors(fieldErrorsOf(error))
    }
  }

  /** Checks run only on a complete form: an incomplete one shows its messages instead. */
  const complete = (): boolean => {
    setSubmitted(true)
    return valid
  }

  const testLogin = async (): Promise<void> => {
    // An incomplete form shows its field messages; an answer about earlier values would mislead.
    if (!complete()) return setLogin({ status: 'idle' })
    setLogin({ status: 'busy' })
    const api = bridge().api
    const request = props.savedId ? { id: props.savedId, draft: wireDraft() } : { draft: wireDraft() }
    const result: Result<LoginCheck> = await api.commands['accounts.testLogin'](request)
    setLogin(result.ok ? { status: 'ok', value: result.value } : { status: 'error', error: result.error })
  }

  const testRecipe = async (): Promise<void> => {
    if (!complete()) return setRecipeCheck({ status: 'idle' })
    setRecipeCheck({ status: 'busy' })
    const api = bridge().api
    const request = props.savedId ? { id: props.savedId, draft: wireDraft() } : { draft: wireDraft() }
    const result = await api.commands['recipes.test'](request)
    setRecipeCheck(result.ok ? { status: 'ok', value: result.value } : { status: 'error', error: result.error })
  }

  const applyPreset = (fields: Record<string, FieldValue>, label: string): void => {
    changed()
    // A sandbox preset knows everything but the sandbox's port: take it from the running sandbox.
    const sandboxUrl = sandboxBaseUrl(provider.id)
    const filled = { ...(sandboxUrl && !('baseUrl' in fields) && props.specs.some((s) => s.name === 'baseUrl') ? { baseUrl: sandboxUrl } : {}), ...fields }
    setDraft((d) => ({ name: d.name.trim() === '' || d.name === props.initial.name ? label : d.name, fields: { ...initialFields(props.specs), ...stringify(props.specs, filled) }, secrets: d.secrets }))
  }

  const nameError = shown('__name') ? errors.__name : undefined
  const nameId = `${formId}-name`
  return (
    <form id={formId} className="entity-form" onSubmit={(e) => void submit(e)} noValidate aria-busy={saving}>
      {kind === 'account' && mode === 'create' && provider.presets.length > 0 && (
        <div className="presets" role="group" aria-label="Start from a preset">
          <span className="presets-label">
            <Sparkles size={14} aria-hidden="true" /> Start from…
          </span>
          {provider.presets.map((preset) => (
            <button key={preset.id} type="button" className="button button-small" title={preset.description} onClick={() => applyPreset(preset.fields, preset.label)}>
              {preset.label}
            </button>
          ))}
        </div>
      )}
      {recipe && (
        <CurlImport
          onImported={(value) => {
            changed()
            setDraft((d) => ({ ...d, fields: { ...d.fields, ...stringify(props.specs, value.fields) }, secrets: { ...d.secrets, ...value.secrets } }))
            setWarnings(value.warnings)
          }}
        />
      )}
      {warnings.length > 0 && (
        <div className="callout callout-warn" role="status">
          <ul className="facts">
            {warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </div>
      )}
      <div className="gen-fields">
        <div className="gen-field">
          <label htmlFor={nameId} className="field-label">
            {props.nameLabel}
          </label>
          <input
            id={nameId}
            type="text"
            autoComplete="off"
            value={draft.name}
            aria-invalid={Boolean(nameError) || undefined}
            aria-describedby={nameError ? `${nameId}-error` : undefined}
            onBlur={() => touch('__name')}
            onChange={(e) => {
              changed()
              setDraft((d) => ({ ...d, name: e.target.value }))
            }}
          />
          {nameError && <FieldError id={`${nameId}-error`}>{nameError}</FieldError>}
        </div>
        <GeneratedFields
          specs={specs}
          fields={draft.fields}
          secrets={draft.secrets}
          errors={errors}
          shown={shown}
          storedSecrets={stored}
          onField={setField}
          onSecret={setSecret}
          onBlur={touch}
        />
      </div>
      {kind === 'account' && !recipe && (
        <InView key={login.status}>
          <LoginResult check={login} where="form" />
        </InView>
      )}
      {recipe && (
        <InView key={recipeCheck.status}>
          <RecipeResult check={recipeCheck} />
        </InView>
      )}
      {saveError && <ErrorCallout error={saveError} testId="save-error" where="form" />}
      <div className="form-actions">
        {kind === 'account' && !recipe && (
          <button type="button" className="button" onClick={() => void testLogin()} disabled={login.status === 'busy'} aria-busy={login.status === 'busy'}>
            <LogIn size={16} aria-hidden="true" className={login.status === 'busy' ? 'pulse' : undefined} />
            {login.status === 'busy' ? 'Testing…' : 'Test login'}
          </button>
        )}
        {recipe && (
          <button type="button" className="button" onClick={() => void testRecipe()} disabled={recipeCheck.status === 'busy'} aria-busy={recipeCheck.status === 'busy'}>
            <FlaskConical size={16} aria-hidden="true" />
            {recipeCheck.status === 'busy' ? 'Testing…' : 'Test recipe'}
          </button>
        )}
        <span className="spacer" />
        <button type="button" className="button button-quiet" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={saving} aria-busy={saving}>
          {saving ? 'Saving…' : props.saveLabel}
        </button>
      </div>
    </form>
  )
}

const SANDBOX_KEYS = { respoke: 'respoke', pocketpaw: 'pocketpaw', 'play-oxygen': 'playOxygen', 'keycloak-proxy': 'keycloakProxy' } as const

function sandboxBaseUrl(providerId: ProviderInfo['id']): string | null {
  const diagnostics = useAppStore.getState().diagnostics
  const sandbox = 'data' in diagnostics ? diagnostics.data?.sandbox : undefined
  if (sandbox?.status !== 'running' || providerId === 'recipe') return null
  return sandbox.baseUrls[SANDBOX_KEYS[providerId]]
}

/** Preset / curl values into input values (numbers as text, like a typed input). */
function stringify(specs: readonly FieldSpec[], fields: Record<string, FieldValue>): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {}
  for (const [name, value] of Object.entries(fields)) {
    const spec = specs.find((s) => s.name === name)
    out[name] = spec?.kind === 'number' && typeof value === 'number' ? String(value) : value
  }
  return out
}
