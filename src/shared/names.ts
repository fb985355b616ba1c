/**
 * The contract's command and event names, and the enumerations the renderer's first chunk needs,
 * as plain literals: importing them costs no zod. The renderer's start-up chunk used to build
 * the whole zod contract (hundreds of schemas, ~100 KB of zod) only to learn these names.
 *
 * Still one contract: api.ts fails to compile unless these are exactly the contract's keys, and
 * names.test.ts checks the order.
 */
export const COMMAND_NAMES = [
  'app.info',
  'app.diagnostics',
  'secrets.status',
  'secrets.chooseBackend',
  'vault.create',
  'vault.unlock',
  'vault.lock',
  'vault.changePassphrase',
  'vault.setAutoLock',
  'providers.list',
  'preferences.get',
  'preferences.update',
  'accounts.list',
  'accounts.create',
  'accounts.update',
  'accounts.remove',
  'accounts.testLogin',
  'accounts.runAction',
  'apps.list',
  'apps.create',
  'apps.update',
  'apps.remove',
  'apps.import',
  'tokens.list',
  'tokens.issue',
  'tokens.refresh',
  'tokens.revoke',
  'tokens.forget',
  'tokens.clearExpired',
  'tokens.inspect',
  'tokens.audit',
  'tokens.reveal',
  'tokens.copy',
  'renewal.setPolicy',
  'recipes.test',
  'recipes.fromCurl'
] as const

export const EVENT_NAMES = [
  'app.diagnosticsChanged',
  'secrets.statusChanged',
  'accounts.changed',
  'tokens.changed',
  'tokens.notice',
  'clipboard.cleared',
  'preferences.changed',
  'tokens.focus'
] as const

/** The clipboard formats of `tokens.copy` (model.ts builds CopyFormatSchema from this list). */
export const COPY_FORMATS = ['raw', 'header', 'curl', 'export-bash', 'export-fish', 'export-powershell'] as const
