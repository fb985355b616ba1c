import { describe, expect, it } from 'vitest'
import { normalizeFields, validateFields } from './fields'
import type { FieldSpec } from './model'

const specs: FieldSpec[] = [
  { name: 'baseUrl', label: 'Base URL', kind: 'url', required: true },
  { name: 'username', label: 'User name', kind: 'text', required: true, validation: { maxLength: 5 } },
  { name: 'password', label: 'Password', kind: 'secret', required: true },
  { name: 'apiKey', label: 'API key', kind: 'secret', required: false, validation: { pattern: '^po2_', patternMessage: 'API keys start with po2_.' } },
  { name: 'ttl', label: 'Lifetime', kind: 'number', required: false, default: 3600, validation: { min: 60, max: 86400 } },
  { name: 'format', label: 'Body format', kind: 'choice', required: true, default: 'json', choices: [{ value: 'json', label: 'JSON' }, { value: 'xml', label: 'XML' }] },
  { name: 'insecure', label: 'Allow HTTP', kind: 'boolean', required: false, default: false },
  { name: 'appId', label: 'App ID', kind: 'text', required: false, validation: { pattern: '^[0-9a-f-]{36}$' } }
]

const valid = { baseUrl: 'https://api.example.com/v1', username: 'ann' }

describe('validateFields: one sentence per failing field, the same in the UI and the core', () => {
  it('accepts a complete form', () => {
    expect(validateFields(specs, valid, { password: 'pw' })).toEqual({})
  })

  it.each([
    [{ ...valid, baseUrl: '' }, {}, 'baseUrl', 'Base URL is required.'],
    [{ ...valid, baseUrl: 'api.example.com' }, {}, 'baseUrl', 'Base URL must be a full URL, like https://api.example.com.'],
    [{ ...valid, baseUrl: 'ftp://x' }, {}, 'baseUrl', 'Base URL must start with https:// (or http:// for a local server).'],
    [{ ...valid, baseUrl: 'https://u:p@x.example' }, {}, 'baseUrl', 'Base URL must not carry a user name or password; use the credential fields.'],
    [{ ...valid, baseUrl: 42 }, {}, 'baseUrl', 'Base URL must be a URL.'],
    [{ ...valid, username: 'annabel' }, {}, 'username', 'User name is too long (at most 5 characters).'],
    [{ ...valid, username: true }, {}, 'username', 'User name must be text.'],
    [valid, { password: '' }, 'password', 'Password is required.'],
    [valid, { apiKey: 'nope' }, 'apiKey', 'API keys start with po2_.'],
    [{ ...valid, appId: 'x' }, {}, 'appId', 'App ID is not in the expected form.'],
    [{ ...valid, ttl: 59 }, {}, 'ttl', 'Lifetime must be at least 60.'],
    [{ ...valid, ttl: '90000' }, {}, 'ttl', 'Lifetime must be at most 86400.'],
    [{ ...valid, ttl: 'soon' }, {}, 'ttl', 'Lifetime must be a number.'],
    [{ ...valid, ttl: true }, {}, 'ttl', 'Lifetime must be a number.'],
    [{ ...valid, format: 'yaml' }, {}, 'format', 'Body format must be one of: JSON, XML.'],
    [{ ...valid, insecure: 'yes' }, {}, 'insecure', 'Allow HTTP must be on or off.'],
    [{ ...valid, password: 'pw' }, {}, 'password', 'A secret goes in the secrets, not in plain fields.'],
    [valid, { username: 'ann' }, 'username', 'Only secret fields go in the secrets.'],
    [{ ...valid, extra: 1 }, {}, 'extra', 'This field is not part of the form.'],
    [valid, { extra: 'x' }, 'extra', 'This field is not part of the form.']
  ])('%o with secrets %o → %s: %s', (fields, secrets, name, message) => {
    const errors = validateFields(specs, fields as never, { password: 'pw', ...secrets })
    expect(errors[name]).toBe(message)
  })

  it('lets an update leave a stored required secret out', () => {
    expect(validateFields(specs, valid, {}, { storedSecrets: ['password'] })).toEqual({})
    expect(validateFields(specs, valid, {})).toEqual({ password: 'Password is required.' })
  })

  it('does not require a field with a default or a boolean', () => {
    expect(validateFields(specs, { baseUrl: 'http://127.0.0.1:1', username: 'a' }, { password: 'x' })).toEqual({})
  })
})

describe('normalizeFields', () => {
  it('fills defaults, trims text, turns numeric text into numbers and drops secrets and empties', () => {
    expect(normalizeFields(specs, { baseUrl: ' https://x.example ', username: 'ann', ttl: '120', appId: '', password: 'leak' } as never)).toEqual({
      baseUrl: 'https://x.example',
      username: 'ann',
      ttl: 120,
      format: 'json',
      insecure: false
    })
  })
})
