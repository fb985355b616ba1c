import { z } from 'zod'
import { describe, expect, it } from 'vitest'
import { commands, events } from '../../shared/contract'

/** Every property name anywhere in a JSON schema. */
function propertyNames(schema: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) schema.forEach((item) => propertyNames(item, into))
  else if (typeof schema === 'object' && schema !== null) {
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'properties' && typeof value === 'object' && value !== null) Object.keys(value).forEach((name) => into.add(name))
      propertyNames(value, into)
    }
  }
  return into
}

const SECRETISH = /pass|secret|password|token|value|key$/i

describe('secret-store commands never answer with a secret', () => {
  const names = Object.keys(commands).filter((name) => name.startsWith('secrets.') || name.startsWith('vault.'))

  it.each(names)('%s: no secret-looking field in its response', (name) => {
    const response = commands[name as keyof typeof commands].response
    const fields = [...propertyNames(z.toJSONSchema(response, { io: 'output', unrepresentable: 'any' }))]
    expect(fields.filter((field) => SECRETISH.test(field))).toEqual([])
  })

  it('secrets.statusChanged carries no secret-looking field either', () => {
    const fields = [...propertyNames(z.toJSONSchema(events['secrets.statusChanged'].payload, { io: 'output', unrepresentable: 'any' }))]
    expect(fields.filter((field) => SECRETISH.test(field))).toEqual([])
  })

  it('passphrase requests are bounded strings', () => {
    for (const name of ['vault.create', 'vault.unlock'] as const) {
      const request = commands[name].request
      expect(request.safeParse({ passphrase: 'p'.repeat(1025) }).success).toBe(false)
      expect(request.safeParse({ passphrase: 12345678 }).success).toBe(false)
      expect(request.safeParse({ passphrase: 'long enough passphrase', extra: 1 }).success).toBe(false)
    }
    expect(commands['vault.changePassphrase'].request.safeParse({ current: 'x', next: 'short' }).success).toBe(false)
  })
})
