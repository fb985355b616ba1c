import type { FieldSpec, FieldValue, FieldValues, SecretValues } from './model'

/**
 * Checks form values against a provider's field specs. Pure: the renderer uses it for inline
 * validation and the core for the final word, so both say the same sentence.
 * Returns one message per failing field name; an empty object means valid.
 */
export function validateFields(
  specs: readonly FieldSpec[],
  fields: FieldValues,
  secrets: SecretValues,
  options: { /** Secrets already stored (update): a required secret may be left out. */ storedSecrets?: readonly string[] } = {}
): Record<string, string> {
  const errors: Record<string, string> = {}
  const known = new Set(specs.map((spec) => spec.name))
  for (const name of Object.keys(fields)) if (!known.has(name)) errors[name] = 'This field is not part of the form.'
  for (const name of Object.keys(secrets)) if (!known.has(name)) errors[name] = 'This field is not part of the form.'
  for (const spec of specs) {
    if (spec.kind === 'secret') {
      if (spec.name in fields) errors[spec.name] = 'A secret goes in the secrets, not in plain fields.'
      const value = secrets[spec.name]
      const stored = options.storedSecrets?.includes(spec.name) ?? false
      if ((value === undefined || value === '') && spec.required && !stored) errors[spec.name] = `${spec.label} is required.`
      else if (value !== undefined && value !== '') {
        const problem = checkText(spec, value)
        if (problem) errors[spec.name] = problem
      }
      continue
    }
    if (spec.name in secrets) errors[spec.name] = 'Only secret fields go in the secrets.'
    const value = fields[spec.name]
    if (value === undefined || value === '') {
      if (spec.required && spec.default === undefined && spec.kind !== 'boolean') errors[spec.name] = `${spec.label} is required.`
      continue
    }
    const problem = checkValue(spec, value)
    if (problem) errors[spec.name] = problem
  }
  return errors
}

function checkValue(spec: FieldSpec, value: FieldValue): string | null {
  switch (spec.kind) {
    case 'boolean':
      return typeof value === 'boolean' ? null : `${spec.label} must be on or off.`
    case 'number': {
      const number = typeof value === 'number' ? value : Number(value)
      if (typeof value === 'boolean' || !Number.isFinite(number)) return `${spec.label} must be a number.`
      const { min, max } = spec.validation ?? {}
      if (min !== undefined && number < min) return `${spec.label} must be at least ${min}.`
      if (max !== undefined && number > max) return `${spec.label} must be at most ${max}.`
      return null
    }
    case 'choice':
      if (typeof value !== 'string' || !(spec.choices ?? []).some((choice) => choice.value === value)) {
        return `${spec.label} must be one of: ${(spec.choices ?? []).map((choice) => choice.label).join(', ')}.`
      }
      return null
    case 'url': {
      if (typeof value !== 'string') return `${spec.label} must be a URL.`
      let url: URL
      try {
        url = new URL(value)
      } catch {
        return `${spec.label} must be a full URL, like https://api.example.com.`
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${spec.label} must start with https:// (or http:// for a local server).`
      if (url.username || url.password) return `${spec.label} must not carry a user name or password; use the credential fields.`
      return checkText(spec, value)
    }
    default:
      return typeof value === 'string' ? checkText(spec, value) : `${spec.label} must be text.`
  }
}

function checkText(spec: FieldSpec, value: string): string | null {
  const rules = spec.validation
  if (!rules) return null
  if (rules.maxLength !== undefined && value.length > rules.maxLength) return `${spec.label} is too long (at most ${rules.maxLength} characters).`
  if (rules.pattern !== undefined && !new RegExp(rules.pattern).test(value)) return rules.patternMessage ?? `${spec.label} is not in the expected form.`
  return null
}

/** Values with the specs' defaults filled in, numbers from text coerced: what the core stores. */
export function normalizeFields(specs: readonly FieldSpec[], fields: FieldValues): FieldValues {
  const out: FieldValues = {}
  for (const spec of specs) {
    if (spec.kind === 'secret') continue
    const value = fields[spec.name] ?? spec.default
    if (value === undefined || value === '') continue
    out[spec.name] = spec.kind === 'number' && typeof value === 'string' ? Number(value) : typeof value === 'string' ? value.trim() : value
  }
  return out
}
