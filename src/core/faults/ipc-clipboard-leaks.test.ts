import { execFile } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { useSandbox } from '../../sandbox/test-support'
import { fakeClipboard } from '../testing/fake-clipboard'
import { fakeTimers } from '../testing/fake-timers'
import {
  addFault,
  addKeycloak,
  call,
  callError,
  clearFaults,
  expectActionable,
  expectNothingLost,
  KC_TOKEN,
  snapshot,
  useHarness
} from './support/harness'

/**
 * docs/security.md §7: 38 (bad IPC payloads, at the dispatch every host calls), 42–44 (clipboard,
 * through the core's clipboard port), 45 (the failed-refresh error path and the log) and 46 (a
 * crash with tokens in memory, in a child process).
 */

const sandbox = useSandbox()
const h = useHarness()
const run = promisify(execFile)

/** Every file under a directory, as text. */
function filesUnder(dir: string): Array<{ name: string; text: string }> {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => ({ name: join(entry.parentPath, entry.name), text: readFileSync(join(entry.parentPath, entry.name), 'latin1') }))
}

describe('§7 IPC payloads, clipboard and leakage (38, 42–46)', () => {
  it('§7.38 payloads of undefined, huge arrays, cyclic-looking objects, __proto__ keys, numbers as strings and NaN: INVALID_REQUEST sentences, no pollution, nothing lost', async () => {
    const core = h.boot()
    const owner = await addKeycloak(core, sandbox)
    await call(core, 'tokens.issue', owner)
    const kept = await snapshot(core, h.keychain)
    const cyclicLooking = { id: { $ref: '#', self: { $ref: '#/id' } } }
    const payloads: Array<[string, unknown]> = [
      ['tokens.copy', undefined],
      ['accounts.create', { providerId: 'respoke', name: 'x', fields: Array.from({ length: 100_000 }, () => 'a'), secrets: {} }],
      ['tokens.refresh', { id: Array.from({ length: 1_000_000 }, (_, i) => i) }],
      ['tokens.reveal', cyclicLooking],
      ['accounts.update', JSON.parse('{"id":"x","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}')],
      ['renewal.setPolicy', { ...owner, policy: { mode: 'fraction', fraction: '0.8' } }],
      ['renewal.setPolicy', { ...owner, policy: { mode: 'fraction', fraction: Number.NaN } }],
      ['tokens.copy', { id: kept.tokens[0]!.id, format: 'raw', part: 'token', extra: 1 }]
    ]
    for (const [command, payload] of payloads) {
      const error = await callError(core, command as never, payload)
      expectActionable(error, 'INVALID_REQUEST')
      expect(JSON.stringify(error).length, command).toBeLessThan(5000)
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    await expectNothingLost(core, h.keychain, kept)
  })

  it('§7.42 the user copies something else before the timer fires: the clipboard is left alone', async () => {
    const timers = fakeTimers(Date.now())
    const board = fakeClipboard()
    const core = h.boot({ timers, clipboard: board })
    const token = await call(core, 'tokens.issue', await addKeycloak(core, sandbox))
    const copied = await call(core, 'tokens.copy', { id: token.id, format: 'header' })
    expect(copied).toMatchObject({ target: 'clipboard' })
    expect(copied.clearsAt! - timers.now()).toBe(30_000)
    board.text = 'something the user copied'
    timers.advance(31_000)
    await new Promise((resolve) => setImmediate(resolve))
    expect(board.text).toBe('something the user copied')
    expect(board.cleared).toBe(0)
    // Unchanged, it is cleared on time.
    await call(core, 'tokens.copy', { id: token.id })
    timers.advance(30_000)
    await new Promise((resolve) => setImmediate(resolve))
    expect(board.text).toBe('')
  })

  it('§7.43 the app quits during the countdown: cleared if unchanged, left alone if the user copied something else', async () => {
    for (const userCopied of [false, true]) {
      const timers = fakeTimers(Date.now())
      const board = fakeClipboard()
      const core = h.boot({ timers, clipboard: board })
      const token = await call(core, 'tokens.issue', await addKeycloak(core, sandbox))
      await call(core, 'tokens.copy', { id: token.id })
      if (userCopied) board.text = 'mine'
      timers.advance(5000)
      await core.dispose()
      expect(board.text, String(userCopied)).toBe(userCopied ? 'mine' : '')
    }
  })

  it('§7.44 no clipboard (no X/Wayland): CLIPBOARD_UNAVAILABLE with a way out, and the token is never logged as a fallback', async () => {
    const board = fakeClipboard()
    board.failing = true
    const core = h.boot({ clipboard: board })
    const token = await call(core, 'tokens.issue', await addKeycloak(core, sandbox))
    const kept = await snapshot(core, h.keychain)
    expectActionable(await callError(core, 'tokens.copy', { id: token.id, format: 'curl' }), 'CLIPBOARD_UNAVAILABLE', /Reveal/)
    const value = kept.tokens[0]!.value!
    await core.tokens.flush()
    expect(h.logText()).not.toContain(value)
    expect(h.logText()).not.toContain(value.slice(0, 40))
    await expectNothingLost(core, h.keychain, kept)
  })

  it('§7.45 a failed refresh whose server echoes the request: no token, refresh token or client secret in error.message, details or the log', async () => {
    const core = h.boot()
    const owner = await addKeycloak(core, sandbox)
    const token = await call(core, 'tokens.issue', owner)
    const access = (await call(core, 'tokens.reveal', { id: token.id })).value
    const refresh = (await call(core, 'tokens.reveal', { id: token.id, part: 'refresh' })).value
    const kept = await snapshot(core, h.keychain)
    const echo = `refresh_token=${refresh}&client_secret=demo-client-secret&password=demo-user-password&access=${access}`
    const errors = []
    for (const respond of [
      { kind: 'status', status: 400, body: { error: 'invalid_request', error_description: echo } },
      { kind: 'status', status: 500, body: { Message: echo, error_description: echo } },
      { kind: 'status', status: 502, rawBody: `<html>${echo}</html>`, contentType: 'text/html' }
    ]) {
      // The refresh fails, and so does the password login it falls back to where it does.
      await addFault(sandbox, { path: KC_TOKEN, times: 3, respond })
      errors.push(await callError(core, 'tokens.refresh', { id: token.id }))
      await clearFaults(sandbox)
    }
    await addFault(sandbox, { path: KC_TOKEN, times: 1, respond: { kind: 'status', status: 400, body: { error: 'invalid_request', error_description: echo } } })
    errors.push(await callError(core, 'tokens.issue', owner))
    await core.tokens.flush()
    const everything = JSON.stringify(errors) + JSON.stringify((await call(core, 'tokens.audit', { id: token.id })).events) + JSON.stringify((await call(core, 'tokens.list', {})).tokens) + h.logText()
    expect(h.logText()).toMatch(/keycloak|http/i) // the failures were logged…
    for (const secret of [refresh, access, 'demo-client-secret', 'demo-user-password']) expect(everything).not.toContain(secret) // …without the secrets
    for (const error of errors) expect(['UPSTREAM_ERROR', 'UPSTREAM_BAD_RESPONSE', 'REFRESH_EXPIRED', 'AUTH_REJECTED', 'CLIENT_REJECTED']).toContain(error.code)
    await expectNothingLost(core, h.keychain, kept)
  })

  it('§7.46 a crash (uncaught throw) while tokens are in memory: no file in the data directory and no crash output holds a canary', async () => {
    const child = resolve(__dirname, 'support/crash-child.ts')
    const result = await run('node', ['--import', 'tsx', child, h.dir], { timeout: 60_000 }).then(
      () => ({ code: 0, stdout: '', stderr: '' }),
      (error: { code: number; stdout: string; stderr: string }) => error
    )
    expect(result.code).not.toBe(0)
    expect(result.stderr).toMatch(/crash while holding/)
    const line = result.stdout.split('\n').find((l) => l.startsWith('{"canaries"'))!
    const { canaries } = JSON.parse(line) as { canaries: string[] }
    expect(canaries).toHaveLength(5)
    const files = filesUnder(h.dir)
    expect(files.map((f) => f.name.split('/').pop())).toEqual(expect.arrayContaining(['settings.json', 'tokens.json', 'token-cache.tdv']))
    for (const canary of canaries) {
      expect(result.stderr).not.toContain(canary)
      for (const file of files) expect(file.text.includes(canary), `${canary.slice(0, 12)}… in ${file.name}`).toBe(false)
    }
  }, 60_000)
})
