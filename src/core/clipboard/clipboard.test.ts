import { describe, expect, it } from 'vitest'
import { fakeTimers } from '../testing/fake-timers'
import { envVarName, formatCopy } from './formats'
import { createClipboardGuard, type ClipboardPort } from './port'

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'

describe('Copy as…: the exact text for each format (golden)', () => {
  const bearer = { value: JWT, kind: 'access', header: { name: 'Authorization', prefix: 'Bearer ' }, baseUrl: 'https://api.example.com/v1' }
  const appToken = { value: 'E44902BA-639B-4EAD-9C88-CD846146BB19', kind: 'App-Token', header: { name: 'App-Token', prefix: '' }, baseUrl: null }

  it.each([
    ['raw', bearer, JWT],
    ['header', bearer, `Authorization: Bearer ${JWT}`],
    ['header', appToken, 'App-Token: E44902BA-639B-4EAD-9C88-CD846146BB19'],
    ['curl', bearer, `curl -H 'Authorization: Bearer ${JWT}' 'https://api.example.com/v1'`],
    ['curl', appToken, `curl -H 'App-Token: E44902BA-639B-4EAD-9C88-CD846146BB19' 'https://example.invalid/'`],
    ['export-bash', bearer, `export ACCESS_TOKEN='${JWT}'`],
    ['export-bash', appToken, `export APP_TOKEN='E44902BA-639B-4EAD-9C88-CD846146BB19'`],
    ['export-fish', bearer, `set -gx ACCESS_TOKEN '${JWT}'`],
    ['export-powershell', bearer, `$env:ACCESS_TOKEN = '${JWT}'`]
  ] as const)('%s of %o', (format, subject, expected) => {
    expect(formatCopy(format, subject)).toBe(expected)
  })

  it('quotes a value with quotes and spaces so every shell gets it back verbatim', () => {
    const subject = { value: `a'b "c" $d\\e`, kind: 'session', header: { name: 'Authorization', prefix: 'Bearer ' }, baseUrl: null }
    expect(formatCopy('export-bash', subject)).toBe(`export SESSION_TOKEN='a'\\''b "c" $d\\e'`)
    expect(formatCopy('export-fish', subject)).toBe(`set -gx SESSION_TOKEN 'a\\'b "c" $d\\\\e'`)
    expect(formatCopy('export-powershell', subject)).toBe(`$env:SESSION_TOKEN = 'a''b "c" $d\\e'`)
  })

  it('names the variable after the kind, always a valid identifier ending in TOKEN', () => {
    expect(envVarName('Admin-Token')).toBe('ADMIN_TOKEN')
    expect(envVarName('JWT')).toBe('JWT_TOKEN')
    expect(envVarName('tokenId')).toBe('TOKENID_TOKEN')
    expect(envVarName('1st kind')).toBe('T_1ST_KIND_TOKEN')
    expect(envVarName('---')).toBe('TOKEN')
  })
})

function memoryClipboard(): ClipboardPort & { text: string; clears: number } {
  return {
    text: '',
    clears: 0,
    writeText(text) {
      this.text = text
    },
    readText() {
      return this.text
    },
    clear() {
      this.text = ''
      this.clears++
    }
  }
}

describe('clipboard guard: clears what we wrote, and only that', () => {
  it('clears at the given time when the clipboard still holds our value, and says so', async () => {
    const clock = fakeTimers()
    const board = memoryClipboard()
    const cleared: string[] = []
    const guard = createClipboardGuard(board, (id, reason) => cleared.push(`${id}:${reason}`), clock)
    await guard.write('secret-value', 't1', clock.now() + 30_000, 'timer')
    expect(board.text).toBe('secret-value')
    clock.advance(29_999)
    expect(board.text).toBe('secret-value')
    clock.advance(1)
    await Promise.resolve()
    expect(board.text).toBe('')
    expect(cleared).toEqual(['t1:timer'])
  })

  it('leaves the clipboard alone when the user copied something else since', async () => {
    const clock = fakeTimers()
    const board = memoryClipboard()
    const cleared: string[] = []
    const guard = createClipboardGuard(board, (id) => cleared.push(id), clock)
    await guard.write('secret-value', 't1', clock.now() + 1000, 'expiry')
    board.writeText('my own notes')
    clock.advance(5000)
    expect(board.text).toBe('my own notes')
    expect(board.clears).toBe(0)
    expect(cleared).toEqual([])
  })

  it('a second copy replaces the first timer; quit clears at once', async () => {
    const clock = fakeTimers()
    const board = memoryClipboard()
    const cleared: string[] = []
    const guard = createClipboardGuard(board, (id, reason) => cleared.push(`${id}:${reason}`), clock)
    await guard.write('one', 't1', clock.now() + 1000, 'timer')
    await guard.write('two', 't2', clock.now() + 60_000, 'expiry')
    clock.advance(2000)
    expect(board.text).toBe('two')
    await guard.clearNow('quit')
    expect(board.text).toBe('')
    expect(cleared).toEqual(['t2:quit'])
    expect(clock.pending()).toBe(0)
  })
})
