import { defineConfig } from 'vitest/config'

/** The unit tests named in MUT_TESTS only (stryker.unit.config.mjs): a lower bound, measured in minutes. */
export default defineConfig({
  test: {
    name: 'mutation-unit',
    environment: 'node',
    include: (process.env.MUT_TESTS ?? '').split(',').filter(Boolean),
    env: { TD_PROPERTY_RUNS: '100' },
    testTimeout: 60_000
  }
})
