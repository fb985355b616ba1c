// @ts-check
/**
 * A quick lower bound of the mutation score: mutates MUT_FILES and runs only the unit tests in
 * MUT_TESTS (vitest.unit-scope.config.ts), not every related suite. On the 2-core machine a file
 * takes minutes this way, against an hour or more with `npm run mutation`, where the fault and
 * engine suites cover the same code. Reports: reports/mutation/<MUT_TAG>.json and .html.
 *
 *   MUT_FILES=src/core/tokens/expiry.ts MUT_TESTS=src/core/tokens/expiry.test.ts MUT_TAG=expiry npx stryker run stryker.unit.config.mjs
 */
import base from './stryker.config.mjs'

const files = (process.env.MUT_FILES ?? '').split(',').filter(Boolean)
const tag = process.env.MUT_TAG ?? 'unit'

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  vitest: { configFile: 'vitest.unit-scope.config.ts', related: false },
  mutate: [...files, '!src/core/**/*.test.ts', '!src/core/**/testing/**'],
  tempDirName: `.tmp/stryker-${tag}`,
  jsonReporter: { fileName: `reports/mutation/${tag}.json` },
  htmlReporter: { fileName: `reports/mutation/${tag}.html` },
  reporters: ['clear-text', 'json', 'html', 'progress-append-only']
}
