/**
 * The encrypted-file format as documented at the top of encrypted-file.ts, implemented again here
 * from that text alone (HKDF subkey, HMAC key check, AES-256-GCM over prefix+header as AAD). If
 * this independent writer and reader agree with the real ones, the documentation is the format.
 * It also lets the tests write what the real writer never would: valid crypto around bad contents.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, scryptSync } from 'node:crypto'
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createFileKey, ENCRYPTED_FILE_VERSION, openItems, readEncryptedFile, sealItems, writeEncryptedFile, writeFileAtomic } from './encrypted-file'
import { GOLDEN_PASSPHRASE, GOLDEN_VAULT_FILE, GOLDEN_VAULT_ITEMS } from './testing/golden/golden'

const KEY = randomBytes(32)
const RAW = { kind: 'raw' as const, key: KEY }

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'td-spec-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** Seals any plaintext with a raw key, following the documented layout. */
function specSeal(plaintext: string, options: { kind?: string; master?: Buffer; keyCheck?: Buffer } = {}): Buffer {
  const master = options.master ?? KEY
  const salt = randomBytes(16)
  const iv = randomBytes(12)
  const encryption = Buffer.from(hkdfSync('sha256', master, salt, 'tokendesk file encryption', 32))
  const check = options.keyCheck ?? createHmac('sha256', master).update('tokendesk key check').digest().subarray(0, 16)
  const header = {
    format: 'tokendesk-encrypted-file',
    version: 1,
    kind: options.kind ?? 'token-cache',
    kdf: { name: 'raw', salt: salt.toString('base64') },
    cipher: 'aes-256-gcm',
    iv: iv.toString('base64'),
    keyCheck: check.toString('base64')
  }
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8')
  const prefix = Buffer.concat([Buffer.from('TDEF', 'ascii'), Buffer.from([1]), Buffer.alloc(4)])
  prefix.writeUInt32BE(headerBytes.length, 5)
  const cipher = createCipheriv('aes-256-gcm', encryption, iv)
  cipher.setAAD(Buffer.concat([prefix, headerBytes]))
  const ciphertext = Buffer.concat([cipher.update(Buffer.from(plaintext, 'utf8')), cipher.final()])
  return Buffer.concat([prefix, headerBytes, createHash('sha256').update(headerBytes).digest(), ciphertext, cipher.getAuthTag()])
}

/** Opens a passphrase file following the documented layout. */
function specOpen(bytes: Buffer, passphrase: string): unknown {
  expect(bytes.subarray(0, 4).toString('ascii')).toBe('TDEF')
  expect(bytes[4]).toBe(1)
  const headerLength = bytes.readUInt32BE(5)
  const headerBytes = bytes.subarray(9, 9 + headerLength)
  expect(bytes.subarray(9 + headerLength, 9 + headerLength + 32).equals(createHash('sha256').update(headerBytes).digest())).toBe(true)
  const header = JSON.parse(headerBytes.toString('utf8')) as { kdf: { N: number; r: number; p: number; salt: string }; iv: string; keyCheck: string }
  const salt = Buffer.from(header.kdf.salt, 'base64')
  const master = scryptSync(passphrase.normalize('NFC'), salt, 32, { N: header.kdf.N, r: header.kdf.r, p: header.kdf.p })
  expect(createHmac('sha256', master).update('tokendesk key check').digest().subarray(0, 16).toString('base64')).toBe(header.keyCheck)
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(hkdfSync('sha256', master, salt, 'tokendesk file encryption', 32)), Buffer.from(header.iv, 'base64'))
  decipher.setAAD(bytes.subarray(0, 9 + headerLength))
  decipher.setAuthTag(bytes.subarray(bytes.length - 16))
  return JSON.parse(Buffer.concat([decipher.update(bytes.subarray(9 + headerLength + 32, bytes.length - 16)), decipher.final()]).toString('utf8'))
}

describe('the documented format is the format', () => {
  it('an independent reader opens the golden vault: { items: { name: value } }', () => {
    expect(ENCRYPTED_FILE_VERSION).toBe(1)
    expect(specOpen(readFileSync(GOLDEN_VAULT_FILE), GOLDEN_PASSPHRASE)).toEqual({ items: Object.fromEntries(GOLDEN_VAULT_ITEMS) })
  })

  it('an independent reader opens what sealItems writes now', async () => {
    const sealed = sealItems('vault', await createFileKey({ kind: 'passphrase', passphrase: 'pp-12345678' }, { N: 1024, r: 8, p: 1 }), new Map([['k', 'v\u0000']]))
    expect(specOpen(sealed, 'pp-12345678')).toEqual({ items: { k: 'v\u0000' } })
  })

  it('openItems opens what the independent writer seals', async () => {
    const opened = await openItems(specSeal(JSON.stringify({ items: { a: '1', b: '' } })), 'token-cache', RAW, '/x')
    expect([...opened.items]).toEqual([
      ['a', '1'],
      ['b', '']
    ])
  })
})

describe('authenticated but unexpected contents are VAULT_CORRUPT', () => {
  it.each([
    ['not JSON', '{"items":', 'unreadable contents'],
    ['JSON null', 'null', 'unexpected contents'],
    ['no items', '{}', 'unexpected contents'],
    ['items null', '{"items":null}', 'unexpected contents'],
    ['items a string', '{"items":"a"}', 'unexpected contents'],
    ['a value that is a number', '{"items":{"a":"ok","b":1}}', 'unexpected contents'],
    ['a value that is null', '{"items":{"a":null}}', 'unexpected contents']
  ])('%s', async (_name, plaintext, what) => {
    await expect(openItems(specSeal(plaintext), 'token-cache', RAW, '/x/cache.tdv')).rejects.toMatchObject({
      code: 'VAULT_CORRUPT',
      message: `The token cache file is damaged (${what}) and was left untouched.`
    })
  })

  it('a key check of another length is a key mismatch, not a crash', async () => {
    for (const keyCheck of [Buffer.alloc(0), randomBytes(3), randomBytes(32)]) {
      await expect(openItems(specSeal('{"items":{}}', { keyCheck }), 'token-cache', RAW, '/x')).rejects.toMatchObject({ code: 'VAULT_WRONG_PASSPHRASE' })
    }
  })

  it('a right key check over a wrong ciphertext key does not authenticate', async () => {
    // The key check matches KEY, but the data was encrypted with another key.
    const other = randomBytes(32)
    const sealed = specSeal('{"items":{}}', { master: other, keyCheck: createHmac('sha256', KEY).update('tokendesk key check').digest().subarray(0, 16) })
    await expect(openItems(sealed, 'token-cache', RAW, '/x')).rejects.toMatchObject({
      code: 'VAULT_CORRUPT',
      message: expect.stringContaining('does not authenticate')
    })
  })
})

describe('atomic writes', () => {
  it('writes 0600, keeps the previous file as a 0600 .bak, and leaves no temp file', async () => {
    const file = join(dir, 'cache.tdv')
    const key = await createFileKey(RAW)
    await writeEncryptedFile(file, 'token-cache', key, new Map([['v', '1']]))
    expect(readdirSync(dir)).toEqual(['cache.tdv'])
    chmodSync(file, 0o644)
    await writeEncryptedFile(file, 'token-cache', key, new Map([['v', '2']]))
    expect(readdirSync(dir).sort()).toEqual(['cache.tdv', 'cache.tdv.bak'])
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(statSync(`${file}.bak`).mode & 0o777).toBe(0o600)
    expect((await readEncryptedFile(file, 'token-cache', RAW)).items.get('v')).toBe('2')
    expect((await readEncryptedFile(`${file}.bak`, 'token-cache', RAW)).items.get('v')).toBe('1')
  })

  it('without keepBackup there is no .bak', async () => {
    const file = join(dir, 'plain.bin')
    await writeFileAtomic(file, Buffer.from('one'), { keepBackup: false })
    await writeFileAtomic(file, Buffer.from('two'), { keepBackup: false })
    expect(readdirSync(dir)).toEqual(['plain.bin'])
    expect(readFileSync(file, 'utf8')).toBe('two')
  })

  it('a failed write removes its temp file, keeps the old file, and is VAULT_IO', async () => {
    const file = join(dir, 'cache.tdv')
    mkdirSync(file) // the target is a folder: the backup copy and the rename fail
    writeFileSync(join(file, 'inside'), 'x')
    await expect(writeEncryptedFile(file, 'token-cache', await createFileKey(RAW), new Map())).rejects.toMatchObject({
      code: 'VAULT_IO',
      message: expect.stringMatching(/^The token cache file could not be read or written \(E[A-Z]+\)\.$/)
    })
    expect(readdirSync(dir)).toEqual(['cache.tdv'])
    expect(readdirSync(file)).toEqual(['inside'])
  })
})
