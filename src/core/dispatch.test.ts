import { describe, expect, it } from 'vitest'
import { COMMAND_NAMES } from '../shared/api'
import { AppError } from '../shared/errors'
import { createDispatch, type Handlers } from './dispatch'
import { createMemoryLogger } from './log'

const diagnostics = {
  secretStore: { backend: 'memory', status: 'ok', ephemeral: true, checkedAt: 1 },
  settings: { path: '/tmp/settings.json', status: 'ok' },
  logFile: '/tmp/log',
  sandbox: { status: 'off', hint: 'x' }
} as const

const notImplemented = async (): Promise<never> => {
  throw new AppError('NOT_IMPLEMENTED', 'not in this test')
}

function handlers(overrides: Partial<Handlers> = {}): Handlers {
  const stubs = Object.fromEntries(COMMAND_NAMES.map((name) => [name, notImplemented])) as unknown as Handlers
  return {
    ...stubs,
    'app.info': async () => ({
      name: 'TokenDesk',
      version: '1.0.0',
      host: 'browser',
      platform: 'linux',
      arch: 'x64',
      runtime: 'Node',
      dataDir: '/tmp/td'
    }),
    'app.diagnostics': async () => diagnostics,
    ...overrides
  }
}

describe('dispatch', () => {
  it('returns the handler value inside an ok envelope', async () => {
    const dispatch = createDispatch(handlers(), createMemoryLogger())
    const result = await dispatch('app.info', {})
    expect(result).toEqual({ ok: true, value: expect.objectContaining({ name: 'TokenDesk', host: 'browser' }) })
  })

  it.each([['no.such'], [42], [null], ['__proto__'], ['constructor'], ['toString']])(
    'answers UNKNOWN_COMMAND for %j',
    async (name) => {
      const dispatch = createDispatch(handlers(), createMemoryLogger())
      const result = await dispatch(name, {})
      expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } })
    }
  )

  it.each([[{ extra: 1 }], ['text'], [[1, 2]], [42]])('answers INVALID_REQUEST for payload %j', async (payload) => {
    const dispatch = createDispatch(handlers(), createMemoryLogger())
    const result = await dispatch('app.info', payload)
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
  })

  it('passes a typed AppError through with its code and details', async () => {
    const dispatch = createDispatch(
      handlers({
        'app.info': async () => {
          throw new AppError('KEYCHAIN_LOCKED', 'The keyring is locked.', { fix: 'Unlock it.' })
        }
      }),
      createMemoryLogger()
    )
    expect(await dispatch('app.info', {})).toEqual({
      ok: false,
      error: { code: 'KEYCHAIN_LOCKED', message: 'The keyring is locked.', details: { fix: 'Unlock it.' } }
    })
  })

  it('turns an unknown throw into INTERNAL without leaking its message or stack', async () => {
    const log = createMemoryLogger()
    const dispatch = createDispatch(
      handlers({
        'app.info': async () => {
          throw new Error('password=hunter2-very-secret at /home/x/core.ts:1')
        }
      }),
      log
    )
    const result = await dispatch('app.info', {})
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } })
    expect(JSON.stringify(result)).not.toContain('hunter2')
    expect(JSON.stringify(result)).not.toContain('core.ts')
  })

  it('refuses a handler result that is outside the contract', async () => {
    const dispatch = createDispatch(
      handlers({ 'app.info': async () => ({ name: 'Other' }) as never }),
      createMemoryLogger()
    )
    expect(await dispatch('app.info', {})).toMatchObject({ ok: false, error: { code: 'INVALID_RESPONSE' } })
  })
})
