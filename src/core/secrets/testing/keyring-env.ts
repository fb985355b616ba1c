/** Set by scripts/with-keyring.sh: a private D-Bus session with an unlocked gnome-keyring. */
export const IN_KEYRING = process.env.TOKENDESK_IN_KEYRING === '1'

export const KEYRING_HINT =
  'The keychain tests need a real Secret Service: run them via `bash scripts/with-keyring.sh npx vitest run src/core` (a private D-Bus session with an unlocked gnome-keyring).'

/** Cheap scrypt for tests; the production cost is measured in vault.test.ts. */
export const TEST_SCRYPT = { N: 2 ** 10, r: 8, p: 1 }
