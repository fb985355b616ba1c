import type { HostKind, SandboxStatus } from '../shared/contract'
import { collectDiagnostics, createAppHandlers } from './app/handlers'
import { createDispatch, type Dispatch, type Handlers } from './dispatch'
import { EventBus } from './events'
import type { Logger } from './log'
import type { DataPaths } from './paths'
import { createSecretsHandlers } from './secrets/handlers'
import type { SecretStore } from './secrets/port'
import { SecretsService } from './secrets/service'
import { createMemorySettingsStore } from './settings/memory-settings-store'
import type { SettingsStore } from './settings/port'
import { AccountsService } from './accounts/service'
import { createClipboardGuard, type ClipboardPort } from './clipboard/port'
import { seedDemoAccounts } from './demo'
import { createEngineHandlers } from './engine-handlers'
import { createHttpClient, type HttpClient } from './http/client'
import type { ProviderContext } from './providers/provider'
import { PROVIDERS } from './providers/registry'
import { TokenRecordStore } from './tokens/record-store'
import { systemTimers, type TimerPort } from './tokens/scheduler'
import { TokensService } from './tokens/service'

export interface CoreOptions {
  host: HostKind
  version: string
  /** Human-readable runtime, e.g. "Electron 45.4.1" or "Node v20.20.2". */
  runtime: string
  paths: DataPaths
  log: Logger
  /** The secret backends and the one in use (see secrets/service.ts). bootCore always passes both. */
  secrets?: SecretsService
  settings?: SettingsStore
  /** Tests and older callers: one fixed store (keychain or memory) with settings in memory. */
  secretStore?: SecretStore
  settingsStatus?: () => { path: string; status: 'ok' | 'error'; reason?: string }
  sandboxStatus?: () => SandboxStatus
  /** Electron: the real clipboard. Browser mode leaves it out: the page writes the clipboard. */
  clipboard?: ClipboardPort
  /** Tests: a fake clock and timers. */
  timers?: TimerPort
  /** Tests: an HTTP client with other deadlines. */
  http?: HttpClient
}

export interface Core {
  dispatch: Dispatch
  events: EventBus
  log: Logger
  /** The secret backends; `secrets.store` is what services use to read and write credentials. */
  secrets: SecretsService
  settings: SettingsStore
  accounts: AccountsService
  tokens: TokensService
  /** `--demo`: creates (or refreshes) the four demo accounts for the running sandbox. */
  seedDemo(): Promise<void>
  dispose(): Promise<void>
}

const SANDBOX_OFF: SandboxStatus = {
  status: 'off',
  hint: 'Start TokenDesk with --demo to run the built-in sandbox.'
}

/** Composition root of the domain: both hosts (Electron and browser mode) call this. */
export function createCore(options: CoreOptions): Core {
  const events = new EventBus(options.log)
  const fixed = options.secretStore
  const settings =
    options.settings ??
    createMemorySettingsStore({ secrets: { backend: fixed?.backend ?? 'memory', chosenByUser: false, vaultAutoLockMinutes: 15 } })
  const secrets =
    options.secrets ??
    new SecretsService({
      settings,
      log: options.log,
      vaultFile: options.paths.vaultFile,
      tokenCacheFile: options.paths.tokenCacheFile,
      ...(fixed && fixed.backend !== 'vault' ? { stores: { [fixed.backend]: fixed } } : {})
    })
  const appDeps = {
    host: options.host,
    version: options.version,
    runtime: options.runtime,
    paths: options.paths,
    secretStore: () => secrets.store,
    settingsStatus: options.settingsStatus ?? (() => settings.status()),
    sandboxStatus: options.sandboxStatus ?? (() => SANDBOX_OFF)
  }
  const timers = options.timers ?? systemTimers
  const http = options.http ?? createHttpClient({ log: options.log, now: timers.now, userAgent: `TokenDesk/${options.version}` })
  const context: ProviderContext = { http, log: options.log, now: timers.now }
  const redact = (value: string): void => secrets.redact(value)
  const accounts = new AccountsService({ settings, secrets: () => secrets.store, providers: PROVIDERS, log: options.log, now: timers.now, redact })
  const clipboard = options.clipboard
    ? createClipboardGuard(options.clipboard, (tokenId, reason) => events.emit('clipboard.cleared', { tokenId, reason }), timers)
    : null
  const tokens = new TokensService({
    accounts,
    records: new TokenRecordStore(options.paths.tokenRecordsFile, options.log),
    cache: () => secrets.tokenCache(),
    events,
    log: options.log,
    timers,
    context,
    preferences: () => settings.get().preferences,
    clipboard,
    redact
  })
  tokens.start()
  const unsubscribeAccounts = accounts.onChange(() => events.emit('accounts.changed', accounts.list()))
  const handlers: Handlers = {
    ...createAppHandlers(appDeps),
    ...createSecretsHandlers(secrets),
    ...createEngineHandlers({ accounts, tokens, settings, events, context })
  }
  const dispatch = createDispatch(handlers, options.log)
  // Backend switched, vault (auto-)locked or unlocked: push fresh status and diagnostics.
  const unsubscribe = secrets.onChange(() => {
    accounts.forgetCachedSecrets()
    void (async () => {
      try {
        events.emit('secrets.statusChanged', await secrets.status(false))
        events.emit('app.diagnosticsChanged', await collectDiagnostics(appDeps))
      } catch (error) {
        options.log.warn('secrets', 'could not publish the secret store status', error instanceof Error ? error.name : undefined)
      }
    })()
  })
  return {
    dispatch,
    events,
    log: options.log,
    secrets,
    settings,
    accounts,
    tokens,
    seedDemo: async () => {
      const sandbox = appDeps.sandboxStatus()
      if (sandbox.status !== 'running') return
      const health = await secrets.active.health()
      if (health.status !== 'ok' && secrets.useMemoryUntilChosen()) {
        options.log.info('demo', `the ${health.backend} cannot be used yet; demo credentials are kept in memory for this run`)
      }
      await seedDemoAccounts(accounts, sandbox, options.log)
    },
    dispose: async () => {
      unsubscribe()
      unsubscribeAccounts()
      await tokens.dispose()
      await secrets.dispose()
    }
  }
}
