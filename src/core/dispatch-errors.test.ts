/**
 * The exact error envelope dispatch answers with: INVALID_REQUEST `details.issues` (path and
 * message per issue, at most 10), UNKNOWN_COMMAND naming (bounded), INTERNAL and INVALID_RESPONSE
 * (logged, never echoed), and what crosses the bridge on success (parsed request in, parsed
 * response out: a handler's extra fields are dropped).
 */
import { describe, expect, it, vi } from 'vitest'
import { COMMAND_NAMES } from '../shared/api'
import { AppError } from '../shared/errors'
import { createDispatch, type Handlers } from './dispatch'
import { createMemoryLogger } from './log'

const APP_INFO = { name: 'TokenDesk', version: '1.0.0', host: 'browser', platform: 'linux', arch: 'x64', runtime: 'Node', dataDir: '/tmp/td' } as const

function handlers(overrides: Partial<Handlers> = {}): Handlers {
  const stubs = Object.fromEntries(
    COMMAND_NAMES.map((name) => [
      name,
      async () => {
        throw new AppError('NOT_IMPLEMENTED', `${name} is not in this test`)
      }
    ])
  ) as unknown as Handlers
  return { ...stubs, 'app.info': async () => APP_INFO, ...overrides }
}

describe('INVALID_REQUEST details', () => {
  it('lists each issue as "path: message"', async () => {
    const dispatch = createDispatch(handlers(), createMemoryLogger())
    expect(await dispatch('vault.setAutoLock', { minutes: 'ten' })).toEqual({
      ok: false,
      error: {
        code: 'INVALID_REQUEST',
        message: 'Invalid request for "vault.setAutoLock".',
        details: { issues: ['minutes: Invalid input: expected number, received string'] }
      }
    })
  })

  it('joins nested paths with dots and keeps one entry per issue', async () => {
    const dispatch = createDispatch(handlers(), createMemoryLogger())
    const result = await dispatch('renewal.setPolicy', { accountId: 'a', policy: { mode: 'fraction', fraction: 2 }, notify: 'yes' })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.code).toBe('INVALID_REQUEST')
    expect(result.error.details).toEqual({
      issues: expect.arrayContaining([expect.stringMatching(/^policy\.fraction: .*0\.95/), expect.stringMatching(/^notify: /)])
    })
    expect((result.error.details as { issues: string[] }).issues).toHaveLength(2)
  })

  it('an issue about the whole request has no path prefix', async () => {
    const dispatch = createDispatch(handlers(), createMemoryLogger())
    expect(await dispatch('app.info', 42)).toEqual({
      ok: false,
      error: { code: 'INVALID_REQUEST', message: 'Invalid request for "app.info".', details: { issues: ['Invalid input: expected object, received number'] } }
    })
  })

  it('names unknown keys (strict requests) and refines (testLogin needs an id or a draft)', async () => {
    const dispatch = createDispatch(handlers(), createMemoryLogger())
    expect(await dispatch('app.info', { extra: 1 })).toMatchObject({ error: { details: { issues: ['Unrecognized key: "extra"'] } } })
    expect(await dispatch('accounts.testLogin', {})).toMatchObject({ error: { code: 'INVALID_REQUEST', details: { issues: ['Give an account id or a draft.'] } } })
  })

  it('reports at most 10 issues however many there are', async () => {
    const dispatch = createDispatch(handlers(), createMemoryLogger())
    const fields = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`f${i}`, [i]]))
    const result = await dispatch('accounts.create', { providerId: 'respoke', name: 'x', fields })
    expect(result.ok).toBe(false)
    if (result.ok) return
    const issues = (result.error.details as { issues: string[] }).issues
    expect(issues).toHaveLength(10)
    expect(issues[0]).toMatch(/^fields\.f0: /)
    expect(issues[9]).toMatch(/^fields\.f9: /)
  })

  it('never calls the handler for an invalid request', async () => {
    const handler = vi.fn(async () => ({ state: 'absent' as const, path: '/v', autoLockMinutes: 0 }))
    const dispatch = createDispatch(handlers({ 'vault.setAutoLock': handler }), createMemoryLogger())
    await dispatch('vault.setAutoLock', { minutes: -1 })
    await dispatch('vault.setAutoLock', { minutes: 1.5 })
    await dispatch('vault.setAutoLock', { minutes: 24 * 60 + 1 })
    expect(handler).not.toHaveBeenCalled()
  })
})

describe('what crosses the bridge', () => {
  it('a missing request (undefined or null) means {}', async () => {
    const dispatch = createDispatch(handlers(), createMemoryLogger())
    expect(await dispatch('app.info', undefined)).toEqual({ ok: true, value: APP_INFO })
    expect(await dispatch('app.info', null)).toEqual({ ok: true, value: APP_INFO })
  })

  it('the handler gets the parsed request, defaults applied', async () => {
    const handler = vi.fn(async () => {
      throw new AppError('NOT_IMPLEMENTED', 'x')
    })
    const dispatch = createDispatch(handlers({ 'secrets.chooseBackend': handler }), createMemoryLogger())
    await dispatch('secrets.chooseBackend', { backend: 'vault' })
    expect(handler).toHaveBeenCalledWith({ backend: 'vault', moveSecrets: true })
  })

  it('fields a handler adds outside the contract are dropped from the answer', async () => {
    const dispatch = createDispatch(handlers({ 'app.info': async () => ({ ...APP_INFO, password: 'hunter2-leak' }) as never }), createMemoryLogger())
    const result = await dispatch('app.info', {})
    expect(result).toEqual({ ok: true, value: APP_INFO })
    expect(JSON.stringify(result)).not.toContain('hunter2')
  })
})

describe('the other errors', () => {
  it('UNKNOWN_COMMAND names the command, bounded to 100 characters, or its type', async () => {
    const dispatch = createDispatch(handlers(), createMemoryLogger())
    expect(await dispatch('no.such', {})).toEqual({ ok: false, error: { code: 'UNKNOWN_COMMAND', message: 'Unknown command "no.such".' } })
    expect(await dispatch(7, {})).toEqual({ ok: false, error: { code: 'UNKNOWN_COMMAND', message: 'Unknown command "number".' } })
    expect(await dispatch(undefined, {})).toEqual({ ok: false, error: { code: 'UNKNOWN_COMMAND', message: 'Unknown command "undefined".' } })
    const long = await dispatch('x'.repeat(5000), {})
    expect(long).toEqual({ ok: false, error: { code: 'UNKNOWN_COMMAND', message: `Unknown command "${'x'.repeat(100)}".` } })
  })

  it('INTERNAL: a fixed message for the user, the thrown value in the log only', async () => {
    const log = createMemoryLogger()
    const dispatch = createDispatch(
      handlers({
        'app.info': async () => {
          throw new TypeError('cannot read x of undefined')
        }
      }),
      log
    )
    expect(await dispatch('app.info', {})).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: '"app.info" failed unexpectedly. Details are in the log.' }
    })
    expect(log.lines).toEqual([expect.stringMatching(/^error \[dispatch\] handler "app\.info" threw.*cannot read x of undefined/s)])
  })

  it('INVALID_RESPONSE: a fixed message, the issues logged (paths, not values)', async () => {
    const log = createMemoryLogger()
    const dispatch = createDispatch(handlers({ 'app.info': async () => ({ ...APP_INFO, version: 42 }) as never }), log)
    expect(await dispatch('app.info', {})).toEqual({
      ok: false,
      error: { code: 'INVALID_RESPONSE', message: '"app.info" returned an unexpected result.' }
    })
    expect(log.lines).toHaveLength(1)
    expect(log.lines[0]).toMatch(/^error \[dispatch\] handler "app\.info" returned a value outside the contract/)
    expect(log.lines[0]).toContain('version: Invalid input: expected string, received number')
  })

  it('a typed AppError keeps its code, message and details, and is not logged as a failure', async () => {
    const log = createMemoryLogger()
    const dispatch = createDispatch(
      handlers({
        'app.info': async () => {
          throw new AppError('VAULT_LOCKED', 'The vault is locked.', { fix: 'Unlock it.' })
        }
      }),
      log
    )
    expect(await dispatch('app.info', {})).toEqual({ ok: false, error: { code: 'VAULT_LOCKED', message: 'The vault is locked.', details: { fix: 'Unlock it.' } } })
    expect(log.lines).toEqual([])
  })
})
