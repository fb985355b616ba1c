/**
 * The encrypted-file header as an attacker or a broken disk would write it: absurd KDF parameters,
 * wrong versions, truncation, unreadable JSON, a file we cannot read at all. Every case is a
 * distinct typed error, and a crafted header never makes us run scrypt with parameters we did not
 * vouch for (scrypt is spied on: the real one runs only for sane parameters).
 */
import { createHash, randomBytes, scryptSync } from 'node:crypto'
import * as crypto from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createFileKey, DEFAULT_SCRYPT, openItems, readEncryptedFile, sealItems, writeEncryptedFile } from './encrypted-file'
import { GOLDEN_PASSPHRASE, GOLDEN_VAULT_FILE } from './testing/golden/golden'

/** Above this much scrypt memory the spy refuses to run the real thing (a bug must not take the machine down). */
const SPY_MEMORY_LIMIT = 512 * 1024 * 1024

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>()
  const scrypt = vi.fn((password: crypto.BinaryLike, salt: crypto.BinaryLike, keylen: number, options: crypto.ScryptOptions, callback: (error: Error | null, key: Buffer) => void) => {
    const memory = 128 * (options.N ?? options.cost ?? 16384) * (options.r ?? options.blockSize ?? 8)
    if (memory > SPY_MEMORY_LIMIT) {
      callback(new Error(`test spy: refused to run scrypt with ${memory} bytes`), Buffer.alloc(0))
      return
    }
    actual.scrypt(password, salt, keylen, options, callback)
  })
  return { ...actual, scrypt, default: { ...actual, scrypt } }
})

const scryptSpy = vi.mocked(crypto.scrypt)
const PASS = 'correct horse battery'
const LOW = { N: 2 ** 10, r: 8, p: 1 }

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'td-header-'))
  scryptSpy.mockClear()
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** A file laid out as the format says, with any header we like (its SHA-256 made to match). */
function craft(header: unknown, options: { prefixVersion?: number; headerLength?: number; body?: Buffer; rawHeader?: string } = {}): Buffer {
  const headerBytes = Buffer.from(options.rawHeader ?? JSON.stringify(header), 'utf8')
  const prefix = Buffer.alloc(9)
  prefix.write('TDEF', 0, 'ascii')
  prefix.writeUInt8(options.prefixVersion ?? 1, 4)
  prefix.writeUInt32BE(options.headerLength ?? headerBytes.length, 5)
  const digest = createHash('sha256').update(headerBytes).digest()
  return Buffer.concat([prefix, headerBytes, digest, options.body ?? randomBytes(48)])
}

function header(kdf: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    format: 'tokendesk-encrypted-file',
    version: 1,
    kind: 'vault',
    kdf: { name: 'scrypt', salt: randomBytes(16).toString('base64'), ...kdf },
    cipher: 'aes-256-gcm',
    iv: randomBytes(12).toString('base64'),
    keyCheck: randomBytes(16).toString('base64'),
    ...extra
  }
}

const open = (bytes: Buffer, source: Parameters<typeof openItems>[2] = { kind: 'passphrase', passphrase: PASS }) => openItems(bytes, 'vault', source, '/data/vault.tdv')

describe('scrypt parameters', () => {
  it('createFileKey derives exactly scrypt(NFC passphrase, salt, 32, the given N/r/p) and records them', async () => {
    const key = await createFileKey({ kind: 'passphrase', passphrase: PASS }, LOW)
    expect(key.kdf).toMatchObject({ name: 'scrypt', N: 1024, r: 8, p: 1 })
    const salt = Buffer.from(key.kdf.salt, 'base64')
    expect(salt).toHaveLength(16)
    expect(key.master.equals(scryptSync(PASS, salt, 32, LOW))).toBe(true)
    // Dropping the options would silently use Node's default N=2^14 while the header says 2^10.
    expect(key.master.equals(scryptSync(PASS, salt, 32))).toBe(false)
    expect(scryptSpy).toHaveBeenCalledWith(PASS, salt, 32, expect.objectContaining(LOW), expect.any(Function))
  })

  it('the default is N=2^16, r=8, p=1, recorded in the header and really used', async () => {
    expect(DEFAULT_SCRYPT).toEqual({ N: 2 ** 16, r: 8, p: 1 })
    const key = await createFileKey({ kind: 'passphrase', passphrase: PASS })
    expect(key.kdf).toMatchObject({ name: 'scrypt', N: 65536, r: 8, p: 1 })
    const salt = Buffer.from(key.kdf.salt, 'base64')
    expect(key.master.equals(scryptSync(PASS, salt, 32, { ...DEFAULT_SCRYPT, maxmem: 128 * 1024 * 1024 }))).toBe(true)
  })

  it('opening runs scrypt with the header parameters, not the defaults', async () => {
    const sealed = sealItems('vault', await createFileKey({ kind: 'passphrase', passphrase: PASS }, { N: 2 ** 11, r: 4, p: 2 }), new Map([['a', 'b']]))
    scryptSpy.mockClear()
    const opened = await open(sealed)
    expect(opened.items.get('a')).toBe('b')
    expect(scryptSpy).toHaveBeenCalledTimes(1)
    expect(scryptSpy.mock.calls[0]![3]).toMatchObject({ N: 2048, r: 4, p: 2 })
  })

  it('each passphrase gets a fresh salt: two keys from one passphrase differ', async () => {
    const a = await createFileKey({ kind: 'passphrase', passphrase: PASS }, LOW)
    const b = await createFileKey({ kind: 'passphrase', passphrase: PASS }, LOW)
    expect(a.kdf.salt).not.toBe(b.kdf.salt)
    expect(a.master.equals(b.master)).toBe(false)
  })
})

describe('header validation: absurd or hostile values are VAULT_CORRUPT before any key derivation', () => {
  it.each([
    ['N above 2^20', { N: 2 ** 21, r: 8, p: 1 }],
    ['N = 2^30', { N: 2 ** 30, r: 8, p: 1 }],
    ['N zero', { N: 0, r: 8, p: 1 }],
    ['N negative', { N: -1024, r: 8, p: 1 }],
    ['N fractional', { N: 1024.5, r: 8, p: 1 }],
    ['N a string', { N: '1024', r: 8, p: 1 }],
    ['N null (NaN in JSON)', { N: null, r: 8, p: 1 }],
    ['N missing', { r: 8, p: 1 }],
    ['r above 32', { N: 1024, r: 33, p: 1 }],
    ['r zero', { N: 1024, r: 0, p: 1 }],
    ['p above 16', { N: 1024, r: 8, p: 17 }],
    ['p zero', { N: 1024, r: 8, p: 0 }],
    ['N not a power of two', { N: 1000, r: 8, p: 1 }],
    ['N = 1', { N: 1, r: 8, p: 1 }],
    ['4 GiB of memory (N=2^20, r=32)', { N: 2 ** 20, r: 32, p: 1 }],
    ['1 GiB of memory (N=2^20, r=8)', { N: 2 ** 20, r: 8, p: 1 }],
    ['salt missing', { N: 1024, r: 8, p: 1, salt: undefined }],
    ['salt a number', { N: 1024, r: 8, p: 1, salt: 42 }]
  ])('%s', async (_name, kdf) => {
    await expect(open(craft(header(kdf)))).rejects.toMatchObject({
      code: 'VAULT_CORRUPT',
      message: 'The vault file is damaged (unexpected header) and was left untouched.',
      details: { file: '/data/vault.tdv', fix: expect.stringContaining('vault.tdv.bak') }
    })
    expect(scryptSpy).not.toHaveBeenCalled()
  })

  it.each([
    ['N = 2^20 with r = 2 (exactly the 256 MiB memory cap)', { N: 2 ** 20, r: 2, p: 1 }],
    ['r = 32 (its upper bound)', { N: 2 ** 15, r: 32, p: 1 }],
    ['p = 16 (its upper bound)', { N: 2 ** 10, r: 8, p: 16 }],
    ['N = 2 (the smallest power of two scrypt takes)', { N: 2, r: 1, p: 1 }]
  ])('the limits themselves are accepted: %s', async (_name, kdf) => {
    // Validation passes and key derivation runs with exactly these values (the spy answers a dummy key).
    scryptSpy.mockImplementationOnce(((...args: unknown[]) => (args[4] as (error: null, key: Buffer) => void)(null, Buffer.alloc(32))) as never)
    await expect(open(craft(header(kdf)))).rejects.toMatchObject({ code: 'VAULT_WRONG_PASSPHRASE' })
    expect(scryptSpy).toHaveBeenCalledTimes(1)
    expect(scryptSpy.mock.calls[0]![3]).toMatchObject(kdf)
  })

  it.each([
    ['an unknown KDF', header({ name: 'argon2id' })],
    ['no KDF', { ...header({}), kdf: undefined }],
    ['a KDF that is not an object', { ...header({}), kdf: 'scrypt' }],
    ['another cipher', header(LOW, { cipher: 'aes-128-cbc' })],
    ['another format name', header(LOW, { format: 'something-else' })],
    ['an unknown kind', header(LOW, { kind: 'notes' })],
    ['a version that is not a number', header(LOW, { version: '1' })],
    ['no iv', header(LOW, { iv: undefined })],
    ['no key check', header(LOW, { keyCheck: 7 })],
    ['null', null],
    ['an array', []],
    ['a string', 'vault']
  ])('%s', async (_name, value) => {
    await expect(open(craft(value))).rejects.toMatchObject({ code: 'VAULT_CORRUPT', message: expect.stringContaining('(unexpected header)') })
    expect(scryptSpy).not.toHaveBeenCalled()
  })

  it('a header that is not JSON (with a matching digest) is "unreadable header"', async () => {
    await expect(open(craft(null, { rawHeader: '{"format": tokendesk' }))).rejects.toMatchObject({
      code: 'VAULT_CORRUPT',
      message: expect.stringContaining('(unreadable header)')
    })
  })

  it('a header whose digest does not match is "damaged header"', async () => {
    const bytes = craft(header(LOW))
    bytes[20] ^= 0x01
    await expect(open(bytes)).rejects.toMatchObject({ code: 'VAULT_CORRUPT', message: expect.stringContaining('(damaged header)') })
  })

  it('a header longer than 64 KiB is refused as truncated without reading it', async () => {
    const bytes = craft(header(LOW), { headerLength: 64 * 1024 + 1 })
    await expect(open(bytes)).rejects.toMatchObject({ code: 'VAULT_CORRUPT', message: expect.stringContaining('(truncated)') })
  })

  it('versions: prefix 0 is corrupt, prefix 2 and header version 2 are "too new", both left untouched', async () => {
    await expect(open(craft(header(LOW), { prefixVersion: 0 }))).rejects.toMatchObject({ code: 'VAULT_CORRUPT', message: expect.stringContaining('bad format version') })
    await expect(open(craft(header(LOW), { prefixVersion: 2 }))).rejects.toMatchObject({
      code: 'VAULT_TOO_NEW',
      message: 'The vault file was written by a newer TokenDesk (format 2, this build reads up to 1) and was left untouched.',
      details: { fix: 'Update TokenDesk to the version that wrote this file.' }
    })
    await expect(open(craft(header(LOW, { version: 2 })))).rejects.toMatchObject({ code: 'VAULT_TOO_NEW', message: expect.stringContaining('(format 2)') })
  })

  it('not a TokenDesk file at all', async () => {
    await expect(open(Buffer.from('PK\u0003\u0004 this is a zip file, not a vault'))).rejects.toMatchObject({
      code: 'VAULT_CORRUPT',
      message: expect.stringContaining('(not a TokenDesk encrypted file)')
    })
  })

  it('a raw-key file asked for with a passphrase, and a passphrase file with a raw key, are corrupt (not wrong passphrase)', async () => {
    const raw = sealItems('vault', await createFileKey({ kind: 'raw', key: randomBytes(32) }), new Map())
    await expect(open(raw)).rejects.toMatchObject({ code: 'VAULT_CORRUPT', message: expect.stringContaining('expects a raw key') })
    const pass = sealItems('vault', await createFileKey({ kind: 'passphrase', passphrase: PASS }, LOW), new Map())
    await expect(open(pass, { kind: 'raw', key: randomBytes(32) })).rejects.toMatchObject({ code: 'VAULT_CORRUPT', message: expect.stringContaining('expects a passphrase') })
  })

  it('the token cache speaks of itself in its messages', async () => {
    await expect(openItems(Buffer.from('TD'), 'token-cache', { kind: 'raw', key: randomBytes(32) }, '/x/token-cache.tdv')).rejects.toMatchObject({
      code: 'VAULT_CORRUPT',
      message: 'The token cache file is damaged (truncated) and was left untouched.'
    })
    const sealed = sealItems('token-cache', await createFileKey({ kind: 'raw', key: randomBytes(32) }), new Map())
    await expect(openItems(sealed, 'token-cache', { kind: 'raw', key: randomBytes(32) }, '/x')).rejects.toMatchObject({
      code: 'VAULT_WRONG_PASSPHRASE',
      message: 'The token cache key does not match its file.'
    })
  })
})

describe('truncation', () => {
  it('every prefix of a real vault file is VAULT_CORRUPT, never a partial read', async () => {
    const whole = readFileSync(GOLDEN_VAULT_FILE)
    // Every length up to the end of the header region, then a stride through the ciphertext.
    const lengths = new Set<number>()
    for (let n = 0; n < 400; n += 1) lengths.add(n)
    for (let n = 400; n < whole.length; n += 37) lengths.add(n)
    lengths.add(whole.length - 1)
    for (const length of lengths) {
      await expect(
        openItems(whole.subarray(0, length), 'vault', { kind: 'passphrase', passphrase: GOLDEN_PASSPHRASE }, '/x'),
        `cut at ${length} of ${whole.length}`
      ).rejects.toMatchObject({ code: 'VAULT_CORRUPT' })
    }
  })

  it('cutting the tag off is "truncated"; a shortened ciphertext does not authenticate', async () => {
    const whole = readFileSync(GOLDEN_VAULT_FILE)
    const headerEnd = 9 + whole.readUInt32BE(5) + 32
    await expect(openItems(whole.subarray(0, headerEnd + 15), 'vault', { kind: 'passphrase', passphrase: GOLDEN_PASSPHRASE }, '/x')).rejects.toMatchObject({
      code: 'VAULT_CORRUPT',
      message: expect.stringContaining('(truncated)')
    })
    await expect(openItems(whole.subarray(0, whole.length - 1), 'vault', { kind: 'passphrase', passphrase: GOLDEN_PASSPHRASE }, '/x')).rejects.toMatchObject({
      code: 'VAULT_CORRUPT',
      message: expect.stringContaining('does not authenticate')
    })
  })
})

describe('files we cannot read or write: VAULT_IO (and never a write on a failed read)', () => {
  it('reading a path that is a directory is VAULT_IO with the errno, not "not initialized"', async () => {
    const file = join(dir, 'vault.tdv')
    mkdirSync(file)
    await expect(readEncryptedFile(file, 'vault', { kind: 'passphrase', passphrase: PASS })).rejects.toMatchObject({
      code: 'VAULT_IO',
      message: 'The vault file could not be read or written (EISDIR).',
      details: { file, fix: expect.stringContaining('writable') }
    })
  })

  it('reading through a file where a folder should be is VAULT_IO (ENOTDIR)', async () => {
    writeFileSync(join(dir, 'not-a-dir'), 'x')
    await expect(readEncryptedFile(join(dir, 'not-a-dir', 'vault.tdv'), 'vault', { kind: 'passphrase', passphrase: PASS })).rejects.toMatchObject({
      code: 'VAULT_IO',
      message: expect.stringContaining('(ENOTDIR)')
    })
  })

  it('a missing file is VAULT_NOT_INITIALIZED', async () => {
    await expect(readEncryptedFile(join(dir, 'absent.tdv'), 'token-cache', { kind: 'raw', key: randomBytes(32) })).rejects.toMatchObject({
      code: 'VAULT_NOT_INITIALIZED',
      message: 'The token cache file does not exist yet.'
    })
  })

  it('writing into a folder that does not exist is VAULT_IO, and leaves no temp file behind', async () => {
    const key = await createFileKey({ kind: 'raw', key: randomBytes(32) })
    await expect(writeEncryptedFile(join(dir, 'missing', 'vault.tdv'), 'vault', key, new Map())).rejects.toMatchObject({
      code: 'VAULT_IO',
      message: 'The vault file could not be read or written (ENOENT).'
    })
  })

  it('the unreadable vault surfaces through VaultSecretStore.unlock as VAULT_IO and nothing is written', async () => {
    const { VaultSecretStore } = await import('./vault-store')
    const { createMemoryLogger } = await import('../log')
    const file = join(dir, 'vault.tdv')
    mkdirSync(file)
    const vault = new VaultSecretStore({ file, log: createMemoryLogger(), scrypt: LOW, autoLockMs: 0 })
    await expect(vault.unlock(PASS)).rejects.toMatchObject({ code: 'VAULT_IO' })
    await expect(vault.get('credential/a/b')).rejects.toMatchObject({ code: 'VAULT_LOCKED' })
    await vault.dispose()
  })
})
