/**
 * Properties over the bridge (security.md §6 row 7, goal G4, scenario 38): for every command of the
 * contract and any payload — arbitrary values, JSON values, and requests shaped like the command's
 * own with a field dropped, retyped, added or `__proto__`-poisoned — the real core's dispatch
 * resolves to a typed error or a result inside the contract. It never rejects, never answers
 * INTERNAL / INVALID_RESPONSE (a handler that threw something untyped or broke the contract), never
 * echoes a stored secret, and its answer survives JSON (what the WebSocket bridge sends).
 *
 * 1,000 runs per command (numRuns below); fast-check prints the seed and the counterexample path
 * on failure: replay with `fc.assert(..., { seed, path })`. Network work goes to a closed loopback
 * port, so it fails fast with HTTP_UNREACHABLE instead of waiting.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { COMMAND_NAMES, type CommandName } from '../shared/api'
import { commands } from '../shared/contract'
import { ERROR_CODES } from '../shared/errors'
import { createCore, type Core } from './core'
import { createHttpClient } from './http/client'
import { createMemoryLogger } from './log'
import { dataPaths } from './paths'
import { MemorySecretStore } from './secrets/memory-store'
import { SecretsService } from './secrets/service'
import { TEST_SCRYPT } from './secrets/testing/keyring-env'
import { createMemorySettingsStore } from './settings/memory-settings-store'

/** 1,000 per property; `npm run mutation` lowers it (TD_PROPERTY_RUNS) so each mutant runs in seconds. */
const NUM_RUNS = Number(process.env.TD_PROPERTY_RUNS) || 1000
const CANARY = 'canary-dispatch-secret-7f3a9c'

let core: Core
let dir: string
let closedUrl: string
const ids: { accounts: string[]; apps: string[] } = { accounts: [], apps: [] }
/** How each command answered, per code: printed at the end so a run shows what it exercised. */
const tally = new Map<string, Map<string, number>>()

async function closedLoopbackPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'td-dispatch-prop-'))
  closedUrl = `http://127.0.0.1:${await closedLoopbackPort()}`
  const paths = dataPaths(dir)
  const log = createMemoryLogger()
  const settings = createMemorySettingsStore({}, paths.settingsFile)
  const secrets = new SecretsService({
    settings,
    log,
    vaultFile: paths.vaultFile,
    tokenCacheFile: paths.tokenCacheFile,
    vaultScrypt: TEST_SCRYPT,
    // The keychain slot is memory too: no property run may reach an OS keychain.
    stores: { keychain: new MemorySecretStore(), memory: new MemorySecretStore() }
  })
  // One attempt, no backoff sleeps, no proxy from the environment: a refused connection answers at once.
  const http = createHttpClient({ log, env: {}, maxAttempts: 1, connectTimeoutMs: 1_000, totalTimeoutMs: 2_000, sleep: async () => undefined })
  core = createCore({ host: 'browser', version: '0.0.0-prop', runtime: 'Node test', paths, log, secrets, settings, http })
  await seed()
}, 60_000)

/** Fresh seeded accounts and apps (an earlier property may have removed the previous ones). */
async function seed(): Promise<void> {
  ids.accounts = []
  ids.apps = []
  // An earlier property may have moved the secrets to a vault it then locked: back to memory.
  await core.dispatch('secrets.chooseBackend', { backend: 'memory', moveSecrets: false })
  const seeds: Array<{ providerId: string; fields: Record<string, unknown>; secrets: Record<string, string>; app?: { fields: Record<string, unknown>; secrets: Record<string, string> } }> = [
    {
      providerId: 'respoke',
      fields: { baseUrl: closedUrl, username: 'admin' },
      secrets: { password: CANARY },
      app: { fields: { appId: 'app-1', roleId: 'role-1', endpointId: 'user', ttl: 60 }, secrets: { appSecret: `${CANARY}-app` } }
    },
    { providerId: 'pocketpaw', fields: { baseUrl: closedUrl }, secrets: { masterToken: `${CANARY}-master` } },
    {
      providerId: 'play-oxygen',
      fields: { baseUrl: closedUrl },
      secrets: {},
      app: { fields: { clientId: 'client-1' }, secrets: { apiKey: `${CANARY}-key`, secret: `${CANARY}-secret` } }
    },
    {
      providerId: 'keycloak-proxy',
      fields: { baseUrl: closedUrl, bodyFormat: 'json', username: 'user' },
      secrets: { password: `${CANARY}-kc` },
      app: { fields: { clientId: 'cli', grant: 'client_credentials' }, secrets: { clientSecret: `${CANARY}-cs` } }
    },
    { providerId: 'recipe', fields: { method: 'POST', url: `${closedUrl}/login`, tokenFrom: 'json:/token' }, secrets: { password: `${CANARY}-recipe` } }
  ]
  for (const [index, seed] of seeds.entries()) {
    const account = await core.dispatch('accounts.create', { providerId: seed.providerId, name: `Seed ${index}`, fields: seed.fields, secrets: seed.secrets })
    if (!account.ok) continue // a provider whose fields changed: the other seeds still give ids
    const accountId = (account.value as { id: string }).id
    ids.accounts.push(accountId)
    if (seed.app) {
      const app = await core.dispatch('apps.create', { accountId, name: `App ${index}`, ...seed.app })
      if (app.ok) ids.apps.push((app.value as { id: string }).id)
    }
  }
}

afterAll(async () => {
  const lines = [...tally].map(([command, counts]) => `  ${command}: ${[...counts].map(([code, n]) => `${code} ${n}`).join(', ')}`)
  console.log(`dispatch properties, answers per command:\n${lines.join('\n')}`)
  await core?.dispose()
  rmSync(dir, { recursive: true, force: true })
})

/** A valid-looking request for each command, built from the seeded ids (fast-check picks them). */
function requestShape(command: CommandName): fc.Arbitrary<Record<string, unknown>> {
  const id = fc.oneof(fc.constantFrom(...ids.accounts, ...ids.apps, 'missing-id'), fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/))
  const accountId = fc.oneof(fc.constantFrom(...ids.accounts, 'missing-account'), id)
  const appId = fc.oneof(fc.constantFrom(...ids.apps, 'missing-app'), id)
  const name = fc.string({ minLength: 1, maxLength: 100 })
  const fields = fc.dictionary(fc.string({ maxLength: 20 }), fc.oneof(fc.string({ maxLength: 40 }), fc.integer(), fc.boolean(), fc.constant(closedUrl)), { maxKeys: 4 })
  const secrets = fc.dictionary(fc.string({ maxLength: 20 }), fc.string({ maxLength: 40 }), { maxKeys: 3 })
  const provider = fc.constantFrom('respoke', 'pocketpaw', 'play-oxygen', 'keycloak-proxy', 'recipe')
  const passphrase = fc.string({ minLength: 8, maxLength: 40 })
  const part = fc.constantFrom('token', 'refresh')
  const policy = fc.oneof(
    fc.record({ mode: fc.constant('fraction'), fraction: fc.double({ min: 0.1, max: 0.95, noNaN: true }) }),
    fc.record({ mode: fc.constant('before'), seconds: fc.integer({ min: 1, max: 3600 }) }),
    fc.record({ mode: fc.constant('off') })
  )
  const draft = fc.record({ providerId: provider, fields, secrets }, { requiredKeys: ['providerId'] })
  const shapes: Record<CommandName, fc.Arbitrary<Record<string, unknown>>> = {
    'app.info': fc.constant({}),
    'app.diagnostics': fc.constant({}),
    'secrets.status': fc.record({ probeAlternatives: fc.boolean() }, { requiredKeys: [] }),
    'secrets.chooseBackend': fc.record({ backend: fc.constantFrom('keychain', 'vault', 'memory'), moveSecrets: fc.boolean() }, { requiredKeys: ['backend'] }),
    'vault.create': fc.record({ passphrase }),
    'vault.unlock': fc.record({ passphrase }),
    'vault.lock': fc.constant({}),
    'vault.changePassphrase': fc.record({ current: passphrase, next: passphrase }),
    'vault.setAutoLock': fc.record({ minutes: fc.integer({ min: 0, max: 1440 }) }),
    'providers.list': fc.constant({}),
    'preferences.get': fc.constant({}),
    'preferences.update': fc.record(
      { clipboardClearSeconds: fc.integer({ min: 0, max: 3600 }), expiringSeconds: fc.integer({ min: 1, max: 86400 }), notifications: fc.boolean() },
      { requiredKeys: [] }
    ),
    'accounts.list': fc.constant({}),
    'accounts.create': fc.record({ providerId: provider, name, fields, secrets }, { requiredKeys: ['providerId', 'name'] }),
    'accounts.update': fc.record({ id: accountId, name, fields, secrets }, { requiredKeys: ['id'] }),
    'accounts.remove': fc.record({ id }),
    'accounts.testLogin': fc.record({ id: accountId, draft }, { requiredKeys: [] }),
    'accounts.runAction': fc.record({ id: accountId, action: fc.oneof(fc.constant('regenerate-master'), fc.string({ minLength: 1, maxLength: 100 })) }),
    'apps.list': fc.record({ accountId }, { requiredKeys: [] }),
    'apps.create': fc.record({ accountId, name, fields, secrets }, { requiredKeys: ['accountId', 'name'] }),
    'apps.update': fc.record({ id: appId, name, fields, secrets }, { requiredKeys: ['id'] }),
    'apps.remove': fc.record({ id }),
    'apps.import': fc.record({ accountId }),
    'tokens.list': fc.constant({}),
    'tokens.issue': fc.record({ accountId, appId, flow: fc.string({ minLength: 1, maxLength: 100 }) }, { requiredKeys: ['accountId'] }),
    'tokens.refresh': fc.record({ id }),
    'tokens.revoke': fc.record({ id }),
    'tokens.forget': fc.record({ id }),
    'tokens.clearExpired': fc.record({ accountId }, { requiredKeys: [] }),
    'tokens.inspect': fc.record({ id, part }, { requiredKeys: ['id'] }),
    'tokens.audit': fc.record({ id }),
    'tokens.reveal': fc.record({ id, part }, { requiredKeys: ['id'] }),
    'tokens.copy': fc.record({ id, format: fc.string({ maxLength: 20 }), part }, { requiredKeys: ['id'] }),
    'renewal.setPolicy': fc.record({ accountId, appId, policy, notify: fc.boolean() }, { requiredKeys: ['accountId', 'policy'] }),
    'recipes.test': fc.record({ id: accountId, draft }, { requiredKeys: [] }),
    'recipes.fromCurl': fc.record({ command: fc.oneof(fc.string({ minLength: 1, maxLength: 200 }), fc.constant(`curl -X POST ${closedUrl}/login -u user:pasted-by-the-user`)) })
  }
  return shapes[command]
}

/** A shaped request with one thing wrong: a field dropped, retyped, an extra key, or an own `__proto__` key. */
function mutated(shape: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<unknown> {
  const wrongValue = fc.oneof(
    fc.anything(),
    fc.constantFrom(null, undefined, Number.NaN, Infinity, -1, '', '1', [], {}, true, 'x'.repeat(70_000)),
    fc.array(fc.integer(), { maxLength: 2000 })
  )
  return fc.oneof(
    shape,
    fc.tuple(shape, fc.nat()).map(([request, at]) => {
      const keys = Object.keys(request)
      if (keys.length === 0) return request
      const dropped = keys[at % keys.length]
      return Object.fromEntries(Object.entries(request).filter(([key]) => key !== dropped))
    }),
    fc.tuple(shape, fc.nat(), wrongValue).map(([request, at, value]) => {
      const keys = Object.keys(request)
      return keys.length === 0 ? { junk: value } : { ...request, [keys[at % keys.length]!]: value }
    }),
    fc.tuple(shape, fc.string({ maxLength: 12 }), wrongValue).map(([request, key, value]) => ({ ...request, [key]: value })),
    shape.map((request) => {
      const rest = JSON.stringify(request).slice(1, -1)
      return JSON.parse(`{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"polluted":1}}${rest ? `,${rest}` : ''}}`) as unknown
    })
  )
}

function payload(command: CommandName): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true }) },
    { weight: 1, arbitrary: fc.jsonValue() },
    { weight: 3, arbitrary: mutated(requestShape(command)) }
  )
}

async function checkAnswer(command: string, request: unknown): Promise<void> {
  const result = await core.dispatch(command, request) // a rejection fails the property
  const counts = tally.get(command) ?? new Map<string, number>()
  const outcome = result.ok ? 'ok' : result.error.code
  counts.set(outcome, (counts.get(outcome) ?? 0) + 1)
  tally.set(command, counts)
  expect(typeof result).toBe('object')
  expect(result).not.toBeNull()
  const wire = JSON.stringify(result)
  expect(JSON.parse(wire)).toEqual(JSON.parse(wire)) // survives the bridge's JSON
  if (result.ok) {
    expect(commands[command as CommandName].response.safeParse(result.value).success).toBe(true)
  } else {
    expect(ERROR_CODES).toContain(result.error.code)
    // Untyped throws and contract breaks are bugs, not answers.
    expect(['INTERNAL', 'INVALID_RESPONSE'], `${command} answered ${result.error.code}: ${result.error.message}`).not.toContain(result.error.code)
    expect(typeof result.error.message).toBe('string')
    expect(result.error.message.length).toBeGreaterThan(0)
    expect(result.error.message).not.toMatch(/\n\s+at /) // no stack
  }
  // Secrets typed into the seeded accounts never come back (nothing here is a reveal/copy of a token).
  expect(wire.includes(CANARY), `${command} echoed a stored secret`).toBe(false)
  expect(({} as Record<string, unknown>).isAdmin).toBeUndefined()
  expect(({} as Record<string, unknown>).polluted).toBeUndefined()
}

describe('dispatch properties (real handlers, memory secrets, closed loopback port)', () => {
  it('seeds at least one account and one app for the shaped requests', () => {
    expect(ids.accounts.length).toBeGreaterThan(0)
    expect(ids.apps.length).toBeGreaterThan(0)
  })

  it.each(COMMAND_NAMES.map((name) => [name]))(
    '%s: any payload resolves to a typed error or a valid result, never a throw',
    async (command) => {
      await seed()
      await fc.assert(
        fc.asyncProperty(payload(command), (request) => checkAnswer(command, request)),
        { numRuns: NUM_RUNS }
      )
    },
    240_000
  )

  it('any command name at all (strings, prototype names, non-strings) with any payload', async () => {
    await seed()
    const name = fc.oneof(
      fc.constantFrom(...COMMAND_NAMES),
      fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'app.info ', 'APP.INFO', ''),
      fc.string(),
      fc.anything()
    )
    await fc.assert(
      fc.asyncProperty(name, fc.oneof(fc.anything(), fc.jsonValue()), async (command, request) => {
        const result = await core.dispatch(command, request)
        if (typeof command !== 'string' || !COMMAND_NAMES.includes(command as CommandName)) {
          expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } })
          expect(result.ok === false && result.error.message.length).toBeLessThanOrEqual(200)
        } else {
          await checkAnswer(command, request)
        }
      }),
      { numRuns: NUM_RUNS }
    )
  }, 240_000)
})
