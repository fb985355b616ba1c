import { defineConfig } from 'vitest/config'

/**
 * The Vitest project StrykerJS runs (`npm run mutation`, see stryker.config.mjs): the engine's
 * Node tests only. The keychain tests are left out on purpose: keytar's native module crashes
 * GLib when it is loaded inside Stryker's worker threads, and they need a private D-Bus session
 * anyway. They keep running in their own process in `npm test` (scripts/with-keyring.sh).
 */
export const KEYCHAIN_TESTS = [
  'src/core/secrets/acceptance.test.ts',
  'src/core/secrets/backends.test.ts',
  'src/core/secrets/boot-secrets.test.ts',
  'src/core/secrets/keychain.test.ts',
  'src/core/secrets/keychain-errors.test.ts',
  'src/core/secrets/keychain-failures.test.ts',
  'src/core/secrets/migrate.test.ts'
]

export default defineConfig({
  test: {
    name: 'mutation',
    environment: 'node',
    include: ['src/core/**/*.test.ts'],
    exclude: ['**/node_modules/**', ...KEYCHAIN_TESTS],
    // The property suites run 1,000 cases each in `npm test`; 100 per mutant keeps a run in hours, not days.
    env: { TD_PROPERTY_RUNS: '100' },
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
