import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AppError } from '../../shared/errors'
import type { AuditEvent, Token } from '../../shared/model'
import { createMemoryLogger } from '../log'
import { AUDIT_LIMIT, RECORDS_VERSION, TokenRecordStore } from './record-store'
import { token } from '../testing/token-fixture'

/** The token metadata file (tokens.json) on a real temp directory. */

let dir: string
let file: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tokendesk-records-'))
  file = join(dir, 'data', 'tokens.json')
})

afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

const event = (at: number): AuditEvent => ({ at, kind: 'copied', detail: `copied #${at}` })

function open(log = createMemoryLogger(), flushDelayMs = 250): TokenRecordStore {
  return new TokenRecordStore(file, log, flushDelayMs)
}

describe('TokenRecordStore', () => {
  it('starts empty without a file (nothing logged, nothing kept aside), and answers changes at once', () => {
    const log = createMemoryLogger()
    const store = open(log)
    expect(log.lines).toEqual([])
    expect(store.size).toBe(0)
    expect(store.all()).toEqual([])
    store.put(token('t1'))
    store.put(token('t2'))
    store.put(token('t1', { label: 'renamed' }))
    expect(store.size).toBe(2)
    expect(store.get('t1')!.label).toBe('renamed')
    expect(store.all().map((t) => t.id)).toEqual(['t1', 't2'])
    expect(store.get('nope')).toBeUndefined()
    expect(store.auditOf('nope')).toEqual([])
  })

  it('flush writes every token and its audit to a 0600 file that a new store reads back', async () => {
    const store = open()
    store.put(token('t1'))
    store.put(token('t2', { appId: 'p1' }))
    store.addAudit('t1', event(1))
    store.addAudit('t1', event(2))
    await store.flush()
    expect(statSync(file).mode & 0o777).toBe(0o600)
    // The data directory it creates is private too.
    expect(statSync(join(dir, 'data')).mode & 0o777).toBe(0o700)
    const onDisk = JSON.parse(readFileSync(file, 'utf8')) as { version: number; tokens: Token[] }
    expect(onDisk.version).toBe(RECORDS_VERSION)
    expect(onDisk.tokens.map((t) => t.id)).toEqual(['t1', 't2'])
    // No temp file is left behind.
    expect(readdirSync(join(dir, 'data'))).toEqual(['tokens.json'])

    const reopened = open()
    expect(reopened.all()).toEqual([token('t1'), token('t2', { appId: 'p1' })])
    expect(reopened.auditOf('t1')).toEqual([event(1), event(2)])
    expect(reopened.auditOf('t2')).toEqual([])
  })

  it('writes behind on its own, without a flush', async () => {
    const store = open(createMemoryLogger(), 10)
    store.put(token('t1'))
    for (let i = 0; i < 100 && !existsQuietly(file); i++) await new Promise((resolve) => setTimeout(resolve, 10))
    expect(open().get('t1')).toEqual(token('t1'))
  })

  it('keeps the newest AUDIT_LIMIT events per token', async () => {
    const store = open()
    store.put(token('t1'))
    for (let at = 1; at <= AUDIT_LIMIT + 5; at++) store.addAudit('t1', event(at))
    const events = store.auditOf('t1')
    expect(events).toHaveLength(AUDIT_LIMIT)
    expect(events[0]).toEqual(event(6))
    expect(events.at(-1)).toEqual(event(AUDIT_LIMIT + 5))
    await store.flush()
    expect(open().auditOf('t1')).toHaveLength(AUDIT_LIMIT)
  })

  it('delete removes the token and its audit, on disk too; deleting an unknown id changes nothing', async () => {
    const store = open()
    store.put(token('t1'))
    store.put(token('t2'))
    store.addAudit('t1', event(1))
    await store.flush()
    expect(store.delete('t1')).toBe(true)
    expect(store.delete('t1')).toBe(false)
    expect(store.get('t1')).toBeUndefined()
    expect(store.auditOf('t1')).toEqual([])
    await store.flush()
    const reopened = open()
    expect(reopened.all().map((t) => t.id)).toEqual(['t2'])
    expect(reopened.auditOf('t1')).toEqual([])
  })

  it('a delete of an unknown id writes nothing', async () => {
    const store = open()
    expect(store.delete('ghost')).toBe(false)
    await store.flush()
    expect(existsQuietly(file)).toBe(false)
  })

  it('drops audit entries of tokens that are not in the file', () => {
    mkdirSync(join(dir, 'data'))
    writeFileSync(file, JSON.stringify({ version: RECORDS_VERSION, tokens: [token('t1')], audit: { t1: [event(1)], gone: [event(2)] } }))
    const store = open()
    expect(store.auditOf('t1')).toEqual([event(1)])
    expect(store.auditOf('gone')).toEqual([])
  })

  it('an unreadable file is kept aside (never overwritten), logged without content, and the store starts empty', () => {
    mkdirSync(join(dir, 'data'))
    for (const body of ['{not json', JSON.stringify({ version: 99, tokens: [], audit: {} })]) {
      writeFileSync(file, body)
      const log = createMemoryLogger()
      const store = open(log)
      expect(store.size).toBe(0)
      const aside = readdirSync(join(dir, 'data')).filter((name) => name.startsWith('tokens.json.corrupt-'))
      expect(aside).toHaveLength(1)
      expect(readFileSync(join(dir, 'data', aside[0]!), 'utf8')).toBe(body)
      expect(existsQuietly(file)).toBe(false)
      expect(log.lines).toEqual([expect.stringMatching(/^error \[tokens\] token records unreadable; kept aside as .*tokens\.json\.corrupt-\d+/)])
      rmSync(join(dir, 'data', aside[0]!))
    }
  })

  it('a failed write is SETTINGS_IO from flush, keeps the changes, and the next write succeeds', async () => {
    // A directory where the file's parent should be: mkdir and open fail.
    writeFileSync(join(dir, 'data'), 'not a directory')
    const log = createMemoryLogger()
    const store = open(log)
    store.put(token('t1'))
    const error = await store.flush().then(
      () => null,
      (caught: unknown) => caught
    )
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).code).toBe('SETTINGS_IO')
    expect(store.lastError?.code).toBe('SETTINGS_IO')
    expect(log.lines.some((line) => line.startsWith('error [tokens] writing token records failed'))).toBe(true)

    rmSync(join(dir, 'data'))
    await store.flush()
    expect(store.lastError).toBeNull()
    expect(open().get('t1')).toEqual(token('t1'))
  })
})

function existsQuietly(path: string): boolean {
  try {
    statSync(path)
    return true
  } catch {
    return false
  }
}
