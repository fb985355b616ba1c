/**
 * Golden encrypted files written by TokenDesk 0.1.0 (encrypted-file format 1). Every later build
 * must open them and read exactly these values (src/core/secrets/golden.test.ts): a format change
 * that cannot read them is a break for every user's vault and token cache on disk.
 *
 * The files were made once with `npx tsx src/core/secrets/testing/golden/golden.ts --write` and
 * committed; do NOT regenerate them to make a failing test pass. A new format version adds new
 * golden files next to these and keeps reading the old ones.
 *
 * Low-cost scrypt (N=2^10) is fine here: the parameters are recorded in each file's header, so the
 * file itself says how to derive its key.
 */
import { createHash } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const GOLDEN_DIR = dirname(fileURLToPath(import.meta.url))
export const GOLDEN_VAULT_FILE = join(GOLDEN_DIR, 'vault-format1.tdv')
export const GOLDEN_TOKEN_CACHE_FILE = join(GOLDEN_DIR, 'token-cache-format1.tdv')

/** NFC on purpose; golden.test.ts also opens it with the NFD spelling. */
export const GOLDEN_PASSPHRASE = 'golden passphrase \u00e9t\u00e9 v1'
export const GOLDEN_SCRYPT = { N: 2 ** 10, r: 8, p: 1 }

/** The token cache's key as the secret store holds it (`token-cache/key`, base64 of 32 bytes). */
export const GOLDEN_TOKEN_CACHE_KEY_B64 = createHash('sha256').update('tokendesk golden token cache key, format 1').digest('base64')

export const GOLDEN_VAULT_ITEMS: ReadonlyArray<readonly [string, string]> = [
  ['credential/acct-1/password', 'hunter2'],
  ['credential/acct-1/apiKey', 'key with NUL \u0000, a lone surrogate \ud800, RTL \u202e and an emoji \u{1f511}'],
  ['credential/acct-2/clientSecret', ''],
  ['credential/acct-2/masterToken', Array.from({ length: 300 }, (_, i) => `m${i}`).join('-')],
  ['token-cache/key', GOLDEN_TOKEN_CACHE_KEY_B64]
]

export const GOLDEN_TOKEN_CACHE_ITEMS: ReadonlyArray<readonly [string, string]> = [
  ['tok-respoke-1', '{"value":"8f14e45f-ceea-467a-9575-2c1a6f1f7c3e","refresh":null}'],
  ['tok-keycloak-1', '{"value":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJnb2xkZW4ifQ.c2lnbmF0dXJl","refresh":"rt-\u00e9\u0000\ud800"}'],
  ['tok-pocketpaw-1', '1767225600:0123456789abcdef0123456789abcdef']
]

async function write(): Promise<void> {
  const { createFileKey, writeEncryptedFile } = await import('../../encrypted-file')
  mkdirSync(GOLDEN_DIR, { recursive: true })
  const vaultKey = await createFileKey({ kind: 'passphrase', passphrase: GOLDEN_PASSPHRASE }, GOLDEN_SCRYPT)
  await writeEncryptedFile(GOLDEN_VAULT_FILE, 'vault', vaultKey, new Map(GOLDEN_VAULT_ITEMS))
  const cacheKey = await createFileKey({ kind: 'raw', key: Buffer.from(GOLDEN_TOKEN_CACHE_KEY_B64, 'base64') })
  await writeEncryptedFile(GOLDEN_TOKEN_CACHE_FILE, 'token-cache', cacheKey, new Map(GOLDEN_TOKEN_CACHE_ITEMS))
  console.log(`wrote ${GOLDEN_VAULT_FILE} and ${GOLDEN_TOKEN_CACHE_FILE}`)
}

if (process.argv.includes('--write') && process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  void write()
}
