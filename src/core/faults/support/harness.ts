import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect } from 'vitest'
import type { CommandName, CommandRequest, CommandResponse } from '../../../shared/api'
import type { Token } from '../../../shared/model'
import type { Result } from '../../../shared/result'
import type { SandboxHandle } from '../../../sandbox/test-support'
import type { ClipboardPort } from '../../clipboard/port'
import { createCore, type Core } from '../../core'
import type { HttpClient } from '../../http/client'
import { createFileLogger } from '../../log'
import { dataPaths } from '../../paths'
import { MemorySecretStore } from '../../secrets/memory-store'
import type { SecretStore } from '../../secrets/port'
import { openSettingsStore } from '../../settings/settings-store'
import type { TimerPort } from '../../tokens/scheduler'

/**
 * The fault suite's harness: a real core (createCore) driven through `dispatch` only, against the
 * real sandbox, with a keychain stand-in that outlives a core (so a "restart" sees what was kept).
 */

export interface Harness {
  readonly dir: string
  readonly keychain: MemorySecretStore
  boot(options?: { timers?: TimerPort; http?: HttpClient; clipboard?: ClipboardPort }): Core
  /** Stops a core as a crash would: nothing flushed, nothing disposed (its timers are stopped). */
  abandon(core: Core): void
  logText(): string
}

export function useHarness(): Harness {
  let dir = ''
  let keychain = new MemorySecretStore()
  let cores: Core[] = []
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tokendesk-faults-'))
    keychain = new MemorySecretStore()
    cores = []
  })
  afterEach(async () => {
    for (const core of cores) await core.dispose().catch(() => undefined)
    rmSync(dir, { recursive: true, force: true })
  })
  return {
    get dir() {
      return dir
    },
    get keychain() {
      return keychain
    },
    boot(options = {}) {
      const paths = dataPaths(dir)
      const log = createFileLogger({ file: paths.logFile, minLevel: 'debug' })
      const settings = openSettingsStore({ file: paths.settingsFile, log })
      settings.update((s) => ({ ...s, secrets: { ...s.secrets, backend: 'memory', chosenByUser: true } }))
      const store = keychain
      const persistent: SecretStore = { backend: 'memory', health: () => store.health(), get: (k) => store.get(k), set: (k, v) => store.set(k, v), delete: (k) => store.delete(k), keys: () => store.keys() }
      const core = createCore({
        host: 'browser',
        version: 'test',
        runtime: 'test',
        paths,
        log,
        settings,
        secretStore: persistent,
        ...(options.timers ? { timers: options.timers } : {}),
        ...(options.http ? { http: options.http } : {}),
        ...(options.clipboard ? { clipboard: options.clipboard } : {})
      })
      cores.push(core)
      return core
    },
    abandon(core) {
      cores = cores.filter((c) => c !== core)
      // What a killed process leaves: no flush, no clean-up. Only its timers stop, so it cannot act any more.
      ;(core.tokens as unknown as { scheduler: { dispose(): void } }).scheduler.dispose()
    },
    logText() {
      const logs = join(dir, 'logs')
      try {
        return readdirSync(logs)
          .map((name) => readFileSync(join(logs, name), 'utf8'))
          .join('\n')
      } catch {
        return ''
      }
    }
  }
}

export async function call<C extends CommandName>(core: Core, command: C, request: CommandRequest<C>): Promise<CommandResponse<C>> {
  const result = (await core.dispatch(command, request)) as Result<CommandResponse<C>>
  if (!result.ok) throw new Error(`${command} failed: ${result.error.code} ${result.error.message}`)
  return result.value
}

export interface PublicError {
  code: string
  message: string
  details?: Record<string, unknown>
}

export async function callError(core: Core, command: CommandName, request: unknown): Promise<PublicError> {
  const result = await core.dispatch(command, request)
  if (result.ok) throw new Error(`${command} unexpectedly succeeded: ${JSON.stringify(result.value).slice(0, 300)}`)
  return result.error as PublicError
}

/**
 * A typed error a user can act on: the expected code, and a message that is one or more
 * sentences (capital or quote first, full stop at the end), no stack, no "[object", no JSON dump.
 */
export function expectActionable(error: PublicError, code: string, mentions?: RegExp): void {
  expect(error.code, error.message).toBe(code)
  expect(error.message.length).toBeGreaterThan(15)
  expect(error.message.length).toBeLessThan(600)
  expect(error.message).toMatch(/^[A-Z"“0-9]/)
  expect(error.message).toMatch(/[.!?)"”]$/)
  expect(error.message).not.toMatch(/\bat .+:\d+:\d+|\[object |undefined|NaN|^\{/)
  if (mentions) expect(error.message).toMatch(mentions)
}

export function expectSentence(message: string): void {
  expectActionable({ code: 'X', message }, 'X')
}

/** The sandbox's control API. */
export async function addFault(sandbox: SandboxHandle, spec: Record<string, unknown>): Promise<string> {
  const response = await fetch(sandbox.url('/__sandbox/faults'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec) })
  if (response.status !== 201) throw new Error(`fault refused: ${response.status} ${await response.text()}`)
  return ((await response.json()) as { id: string }).id
}

export async function clearFaults(sandbox: SandboxHandle): Promise<void> {
  await fetch(sandbox.url('/__sandbox/faults'), { method: 'DELETE' })
}

export async function counters(sandbox: SandboxHandle): Promise<Record<string, number>> {
  return (await (await fetch(sandbox.url('/__sandbox/counters'))).json()) as Record<string, number>
}

export async function resetCounters(sandbox: SandboxHandle): Promise<void> {
  await fetch(sandbox.url('/__sandbox/counters'), { method: 'DELETE' })
}

export const KC_TOKEN = '/keycloak-proxy/api/v1/auth/token'
export const KC_COUNTER = 'POST /keycloak-proxy/api/v1/auth/token'

export interface Owner {
  accountId: string
  appId?: string
}

export async function addKeycloak(core: Core, sandbox: SandboxHandle, fields: Record<string, unknown> = {}): Promise<Owner> {
  const ready = sandbox.sandbox.ready
  const account = await call(core, 'accounts.create', {
    providerId: 'keycloak-proxy',
    name: 'Keycloak',
    fields: { baseUrl: ready.baseUrls.keycloakProxy, username: 'demo.user', ...fields },
    secrets: { password: 'demo-user-password' }
  })
  const app = await call(core, 'apps.create', {
    accountId: account.id,
    name: 'tokendesk-demo',
    fields: { clientId: 'tokendesk-demo', grant: 'password' },
    secrets: { clientSecret: 'demo-client-secret' }
  })
  return { accountId: account.id, appId: app.id }
}

export async function addPlayOxygen(core: Core, sandbox: SandboxHandle): Promise<Owner> {
  const ready = sandbox.sandbox.ready
  const client = ready.credentials.playOxygen.clients[0]!
  const account = await call(core, 'accounts.create', { providerId: 'play-oxygen', name: 'PO', fields: { baseUrl: ready.baseUrls.playOxygen }, secrets: {} })
  const app = await call(core, 'apps.create', {
    accountId: account.id,
    name: `Client ${client.clientId}`,
    fields: { clientId: client.clientId },
    secrets: { apiKey: client.apiKey, secret: client.secret }
  })
  return { accountId: account.id, appId: app.id }
}

export async function addPocketpaw(core: Core, sandbox: SandboxHandle, baseUrl?: string): Promise<Owner> {
  const ready = sandbox.sandbox.ready
  const account = await call(core, 'accounts.create', {
    providerId: 'pocketpaw',
    name: 'Paw',
    fields: { baseUrl: baseUrl ?? ready.baseUrls.pocketpaw },
    secrets: { masterToken: ready.credentials.pocketpaw.masterToken }
  })
  return { accountId: account.id }
}

/** Everything a user would miss if it vanished: accounts, apps, stored secret keys, tokens and their values. */
export interface Kept {
  accounts: string[]
  apps: string[]
  secretKeys: string[]
  tokens: Array<{ id: string; value: string | null; refresh: string | null }>
}

export async function snapshot(core: Core, keychain: SecretStore): Promise<Kept> {
  const { accounts, apps } = await call(core, 'accounts.list', {})
  const tokens: Kept['tokens'] = []
  for (const token of (await call(core, 'tokens.list', {})).tokens as Token[]) {
    const value = await core.dispatch('tokens.reveal', { id: token.id })
    const refresh = await core.dispatch('tokens.reveal', { id: token.id, part: 'refresh' })
    tokens.push({ id: token.id, value: value.ok ? (value.value as { value: string }).value : null, refresh: refresh.ok ? (refresh.value as { value: string }).value : null })
  }
  return { accounts: accounts.map((a) => a.id).sort(), apps: apps.map((a) => a.id).sort(), secretKeys: (await keychain.keys()).filter((k) => !k.startsWith('token-cache/')).sort(), tokens }
}

/** Nothing lost: the same accounts, apps and secrets, every earlier token still listed with its value readable. */
export async function expectNothingLost(core: Core, keychain: SecretStore, before: Kept, options: { valuesMayChange?: boolean } = {}): Promise<void> {
  const after = await snapshot(core, keychain)
  expect(after.accounts).toEqual(before.accounts)
  expect(after.apps).toEqual(before.apps)
  expect(after.secretKeys).toEqual(before.secretKeys)
  for (const key of before.secretKeys) expect(await keychain.get(key), key).not.toBeNull()
  // Every token kept before is still listed (new ones may have been issued since).
  expect(after.tokens.map((t) => t.id)).toEqual(expect.arrayContaining(before.tokens.map((t) => t.id)))
  for (const token of before.tokens) {
    const now = after.tokens.find((t) => t.id === token.id)!
    if (token.value !== null) expect(now.value, `value of ${token.id}`).not.toBeNull()
    if (!options.valuesMayChange) expect(now.value).toBe(token.value)
  }
}

export function tokenResponse(fields: Record<string, unknown>, status = 200): Record<string, unknown> {
  return { kind: 'status', status, body: fields }
}

/** A syntactically valid unsigned JWT with the given claims (the client never verifies signatures). */
export function fakeJwt(claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT' }): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part(header)}.${part(claims)}.${Buffer.from('signature').toString('base64url')}`
}
