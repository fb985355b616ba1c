/**
 * §7.46: a process holding live tokens dies from an uncaught throw. Boots a core against an
 * in-process sandbox with its data in argv[2], issues a Keycloak token, tells the test (stdout,
 * one JSON line) the canary values it holds, then throws from a timer: no dispose, no flush.
 */
import { startSandbox } from '../../../sandbox/index.js'
import { createCore } from '../../core'
import { createFileLogger } from '../../log'
import { dataPaths } from '../../paths'
import { MemorySecretStore } from '../../secrets/memory-store'
import { openSettingsStore } from '../../settings/settings-store'

const dataDir = process.argv[2]!
const sandbox = await startSandbox({ port: 0 })
const paths = dataPaths(dataDir)
const log = createFileLogger({ file: paths.logFile, minLevel: 'debug' })
const settings = openSettingsStore({ file: paths.settingsFile, log })
settings.update((s) => ({ ...s, secrets: { ...s.secrets, backend: 'memory', chosenByUser: true } }))
const core = createCore({ host: 'browser', version: 'crash', runtime: 'crash child', paths, log, settings, secretStore: new MemorySecretStore() })
const must = async (command: string, request: unknown): Promise<Record<string, string>> => {
  const result = await core.dispatch(command as never, request as never)
  if (!result.ok) throw new Error(`${command}: ${result.error.code}`)
  return result.value as Record<string, string>
}
const account = await must('accounts.create', { providerId: 'keycloak-proxy', name: 'K', fields: { baseUrl: sandbox.ready.baseUrls.keycloakProxy, username: 'demo.user' }, secrets: { password: 'demo-user-password' } })
const app = await must('apps.create', { accountId: account.id, name: 'c', fields: { clientId: 'tokendesk-demo', grant: 'password' }, secrets: { clientSecret: 'demo-client-secret' } })
const token = await must('tokens.issue', { accountId: account.id, appId: app.id })
const access = (await must('tokens.reveal', { id: token.id })).value
const refresh = (await must('tokens.reveal', { id: token.id, part: 'refresh' })).value
await must('tokens.refresh', { id: token.id }) // a renewal in the log too
const renewed = (await must('tokens.reveal', { id: token.id })).value
// What is written behind is on disk (so the scan below has real files to search); the tokens stay in memory.
await core.tokens.flush()
await (await core.secrets.tokenCache()).flush()
console.log(JSON.stringify({ canaries: [access, refresh, renewed, 'demo-user-password', 'demo-client-secret'] }))
setTimeout(() => {
  throw new Error(`crash while holding ${token.id}`)
}, 20)
