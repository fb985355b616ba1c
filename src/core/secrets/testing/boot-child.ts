/**
 * Boots the real core (real keychain backend, real files) in a process of its own, for
 * acceptance tests that need a particular D-Bus environment. Usage:
 *   node --import tsx boot-child.ts <dataDir> '<commands: Array<[command, request]>>' ['<store: Array<[key, value]>>'] ['<expect: Array<[key, value]>>']
 * Runs the commands in order, stores the given secrets through the core's secret store, and
 * compares the expected ones (printing only whether they match, never a value). Prints one JSON
 * line per command result, then {"stored": n}, then {"matches": boolean[]}.
 */
import { bootCore } from '../../boot'

const [dataDir, commandsJson, secretsJson, expectJson] = process.argv.slice(2)
const core = await bootCore({ host: 'browser', dataDir: dataDir!, version: '0.0.0-test', runtime: 'Node test child' })
for (const [command, request] of JSON.parse(commandsJson ?? '[]') as Array<[string, unknown]>) {
  console.log(JSON.stringify({ command, result: await core.dispatch(command, request) }))
}
let stored = 0
for (const [key, value] of JSON.parse(secretsJson ?? '[]') as Array<[string, string]>) {
  await core.secrets.store.set(key, value)
  stored++
}
console.log(JSON.stringify({ stored }))
const matches: boolean[] = []
for (const [key, value] of JSON.parse(expectJson ?? '[]') as Array<[string, string]>) matches.push((await core.secrets.store.get(key)) === value)
console.log(JSON.stringify({ matches }))
await core.dispose()
process.exit(0)
