/**
 * Boots the real core (bootCore: keychain backend, real files) in a process of its own, so a test
 * can give it a broken D-Bus / Secret Service, and drives it through dispatch only. Usage:
 *   node --import tsx core-child.ts '<json: { dataDir, steps }>' (or @<file with that JSON>)
 * A step is { command, request } ("$account" in a request is the first account's id) or
 * { secretEquals: { field, value } } (does the first account's stored secret equal value?).
 * Prints one JSON line per step; never a secret value.
 */
import { readFileSync } from 'node:fs'
import { isAppError } from '../../../shared/errors'
import { bootCore } from '../../boot'

type Step = { command: string; request: unknown } | { secretEquals: { field: string; value: string } }
const arg = process.argv[2] ?? '{}'
// "@file": the program is in a file (a 200 KB secret does not fit in argv).
const input = JSON.parse(arg.startsWith('@') ? readFileSync(arg.slice(1), 'utf8') : arg) as { dataDir: string; steps: Step[] }
const core = await bootCore({ host: 'browser', dataDir: input.dataDir, version: '0.0.0-test', runtime: 'faults child' })

async function firstAccount(): Promise<string | null> {
  const listed = await core.dispatch('accounts.list', {})
  return listed.ok ? ((listed.value as { accounts: Array<{ id: string }> }).accounts[0]?.id ?? null) : null
}

const substitute = (value: unknown, id: string | null): unknown => JSON.parse(JSON.stringify(value).split('"$account"').join(JSON.stringify(id ?? 'none')))

for (const step of input.steps) {
  const started = performance.now()
  if ('command' in step) {
    const result = await core.dispatch(step.command as never, substitute(step.request, await firstAccount()) as never)
    const summary = result.ok
      ? { ok: true, value: step.command === 'accounts.list' ? { accounts: (result.value as { accounts: Array<{ id: string; name: string }> }).accounts.map((a) => a.name) } : step.command === 'secrets.status' ? result.value : null }
      : { ok: false, code: result.error.code, message: result.error.message }
    console.log(JSON.stringify({ step: step.command, ...summary, ms: Math.round(performance.now() - started) }))
  } else {
    const id = await firstAccount()
    try {
      const stored = await core.secrets.store.get(`credential/${id}/${step.secretEquals.field}`)
      console.log(JSON.stringify({ step: 'secretEquals', ok: true, value: stored === step.secretEquals.value, ms: Math.round(performance.now() - started) }))
    } catch (error) {
      console.log(JSON.stringify({ step: 'secretEquals', ok: false, code: isAppError(error) ? error.code : 'NOT_APP_ERROR', ms: Math.round(performance.now() - started) }))
    }
  }
}
await Promise.race([core.dispose().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 3000))])
// A call stuck in libsecret keeps a worker thread busy: exit explicitly.
process.exit(0)
