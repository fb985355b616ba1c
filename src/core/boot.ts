import { mkdirSync } from 'node:fs'
import type { HostKind, SandboxStatus } from '../shared/contract'
import { createCore, type Core } from './core'
import { createFileLogger } from './log'
import { dataPaths } from './paths'
import { SecretsService } from './secrets/service'
import type { SecretStore } from './secrets/port'
import type { ClipboardPort } from './clipboard/port'
import type { SettingsBackingFactory } from './settings/port'
import { openSettingsStore } from './settings/settings-store'

export interface BootOptions {
  host: HostKind
  dataDir: string
  version: string
  runtime: string
  /** Echo warnings and errors to stderr (browser mode runs in a terminal). */
  echoLog?: boolean
  sandboxStatus?: () => SandboxStatus
  /**
   * The settings file underneath: Electron passes `createElectronStoreBacking` from
   * src/main/settings-store.ts; browser mode and tests leave it out and get conf.
   */
  settingsBacking?: SettingsBackingFactory
  /** Tests: a keychain on a private service name, or with a fake keytar. */
  createKeychain?: () => SecretStore
  /** Electron: the real clipboard (browser mode has none). */
  clipboard?: ClipboardPort
}

/**
 * The one way a host (Electron main or browser mode) builds the core: data directory, log,
 * secret store, settings store. Hosts pass only what differs between them.
 */
export async function bootCore(options: BootOptions): Promise<Core> {
  const paths = dataPaths(options.dataDir)
  mkdirSync(paths.dataDir, { recursive: true, mode: 0o700 })
  const log = createFileLogger({ file: paths.logFile, echo: options.echoLog ?? false })
  log.info('boot', `TokenDesk ${options.version} starting (${options.host}, ${options.runtime})`)
  const settings = openSettingsStore({
    file: paths.settingsFile,
    log,
    ...(options.settingsBacking ? { backing: options.settingsBacking } : {})
  })
  // The configured backend (default: keychain) is used as it is. If it is unhealthy the user
  // sees why and how to fix it (secrets.status / app.diagnostics) and may choose another one:
  // there is no silent fallback, and a broken keychain never causes anything to be deleted.
  const secrets = new SecretsService({
    settings,
    log,
    vaultFile: paths.vaultFile,
    tokenCacheFile: paths.tokenCacheFile,
    ...(options.createKeychain ? { createKeychain: options.createKeychain } : {})
  })
  // Logged, not awaited: a hung keychain must not hold up start-up (the UI asks for status itself).
  void secrets.active.health().then((health) =>
    log.info('boot', `secret store: ${health.backend} ${health.status}${health.errorCode ? ` (${health.errorCode})` : ''}`)
  )
  const core = createCore({
    host: options.host,
    version: options.version,
    runtime: options.runtime,
    paths,
    log,
    secrets,
    settings,
    ...(options.sandboxStatus ? { sandboxStatus: options.sandboxStatus } : {}),
    ...(options.clipboard ? { clipboard: options.clipboard } : {})
  })
  await core.seedDemo()
  return core
}
