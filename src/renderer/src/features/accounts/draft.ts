import { normalizeFields, validateFields } from '../../../../shared/fields'
import type { FieldSpec, FieldValue, FieldValues, SecretValues } from '../../../../shared/model'

/**
 * The values of a generated form while it is being filled in. Field values are what the inputs
 * hold (numbers as typed text, booleans as booleans); secrets live only here, in component state,
 * and are sent once with Save / Test login. They never enter a store.
 */
export interface Draft {
  name: string
  fields: Record<string, FieldValue>
  secrets: Record<string, string>
}

const SECRET_PLACEHOLDER = /\{\{secret:([A-Za-z0-9_.-]+)\}\}/g

/** A recipe's secret inputs come from the `{{secret:name}}` placeholders in its templates. */
export function placeholderSecrets(fields: Record<string, FieldValue>): string[] {
  const names = new Set<string>()
  for (const value of Object.values(fields)) {
    if (typeof value !== 'string') continue
    for (const match of value.matchAll(SECRET_PLACEHOLDER)) names.add(match[1]!)
  }
  return [...names]
}

/** The specs a form shows: the provider's, plus a secret input per recipe placeholder not declared already. */
export function formSpecs(specs: readonly FieldSpec[], fields: Record<string, FieldValue>, derivesSecrets: boolean): FieldSpec[] {
  if (!derivesSecrets) return [...specs]
  const known = new Set(specs.map((s) => s.name))
  const extra = placeholderSecrets(fields)
    .filter((name) => !known.has(name))
    .map<FieldSpec>((name) => ({
      name,
      label: name,
      kind: 'secret',
      required: true,
      help: `Used where the recipe says {{secret:${name}}}.`
    }))
  return [...specs, ...extra]
}

/** The inputs' starting values: stored fields (edit) or the specs' defaults (create). */
export function initialFields(specs: readonly FieldSpec[], stored: FieldValues = {}): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {}
  for (const spec of specs) {
    if (spec.kind === 'secret') continue
    const value = stored[spec.name] ?? spec.default
    if (value !== undefined) out[spec.name] = spec.kind === 'number' ? String(value) : value
    else if (spec.kind === 'boolean') out[spec.name] = false
    else out[spec.name] = ''
  }
  return out
}

/** Only what the user typed: empty secret inputs mean "keep the stored one" (edit) or "none" (create). */
export function typedSecrets(specs: readonly FieldSpec[], secrets: Record<string, string>): SecretValues {
  const out: SecretValues = {}
  for (const spec of specs) {
    const value = secrets[spec.name]
    if (spec.kind === 'secret' && value !== undefined && value !== '') out[spec.name] = value
  }
  return out
}

/** The non-secret values that validateFields and the core read: empty inputs left out. */
export function presentFields(specs: readonly FieldSpec[], fields: Record<string, FieldValue>): FieldValues {
  const out: FieldValues = {}
  for (const spec of specs) {
    if (spec.kind === 'secret') continue
    const value = fields[spec.name]
    if (value === undefined || value === '') continue
    out[spec.name] = value
  }
  return out
}

/** The same sentences as the core: shared/fields.ts is the one validator. Plus the name. */
export function draftErrors(specs: readonly FieldSpec[], draft: Draft, storedSecrets: readonly string[], withName = true): Record<string, string> {
  const errors = validateFields(specs, presentFields(specs, draft.fields), typedSecrets(specs, draft.secrets), { storedSecrets })
  if (withName && draft.name.trim() === '') errors.__name = 'Give it a name.'
  return errors
}

/** What goes over the bridge: normalized fields, typed secrets only. */
export function draftPayload(specs: readonly FieldSpec[], draft: Draft): { name: string; fields: FieldValues; secrets: SecretValues } {
  return { name: draft.name.trim(), fields: normalizeFields(specs, presentFields(specs, draft.fields)), secrets: typedSecrets(specs, draft.secrets) }
}

/** "127.0.0.1:4100" from the draft's base URL (or any URL field): what an Issue waits for. */
export function hostOf(fields: FieldValues | Record<string, FieldValue>): string | null {
  const candidates = [fields.baseUrl, fields.url, ...Object.values(fields)]
  for (const value of candidates) {
    if (typeof value !== 'string' || !/^https?:\/\//i.test(value)) continue
    try {
      return new URL(value).host
    } catch {
      continue
    }
  }
  return null
}
