// @ts-check
/**
 * Mutation testing of the engine: `npm run mutation` (not part of `npm test`; it takes a while).
 * Reports: reports/mutation/mutation.json (Stryker's mutation-testing-report schema) and .html.
 * A smaller scope for a quick look: `npx stryker run --mutate src/core/secrets/value-codec.ts`, or a
 * lower bound in minutes with only named unit tests: stryker.unit.config.mjs.
 *
 * The tests come from vitest.mutation.config.ts, which leaves the keychain tests out: keytar
 * must never be loaded in Stryker's worker threads (its native module crashes GLib there).
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.ts', related: true },
  mutate: [
    'src/core/dispatch.ts',
    'src/core/secrets/**/*.ts',
    'src/core/tokens/**/*.ts',
    'src/core/providers/**/*.ts',
    'src/core/http/**/*.ts',
    '!src/core/**/*.test.ts',
    '!src/core/**/testing/**'
  ],
  // String literals are messages and log lines: mutating them says nothing about the tests.
  mutator: { excludedMutations: ['StringLiteral'] },
  // Static mutants (module-level constants) force a full reload per mutant: too slow for their worth.
  ignoreStatic: true,
  // Two cores shared by many: one test runner at a time.
  concurrency: 1,
  timeoutMS: 20_000,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  // Inside .tmp/ (git- and eslint-ignored) so a running sandbox never lands in anyone's lint or tests.
  tempDirName: '.tmp/stryker',
  ignorePatterns: ['out', 'test-results', 'playwright-report', 'e2e', 'reports', 'resources', 'build', 'dist', '.tmp'],
  cleanTempDir: true
}
