import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCore, type Core } from '../../core/core'
import { createMemoryLogger } from '../../core/log'
import { dataPaths } from '../../core/paths'
import { MemorySecretStore } from '../../core/secrets/memory-store'
import { SecretsService } from '../../core/secrets/service'
import { createMemorySettingsStore } from '../../core/settings/memory-settings-store'
import type { HostKind } from '../../shared/contract'

export interface TestCoreOptions {
  host?: HostKind
  version?: string
  runtime?: string
  dataDir?: string
}

/**
 * The real core (real dispatch, real handlers) on memory stores, for host tests: the keychain
 * slot is a MemorySecretStore too, so no test ever reaches an OS keychain.
 */
export function createTestCore(options: TestCoreOptions = {}): Core {
  const paths = dataPaths(options.dataDir ?? mkdtempSync(join(tmpdir(), 'tokendesk-main-test-')))
  const log = createMemoryLogger()
  const settings = createMemorySettingsStore({}, paths.settingsFile)
  const secrets = new SecretsService({
    settings,
    log,
    vaultFile: paths.vaultFile,
    tokenCacheFile: paths.tokenCacheFile,
    stores: { keychain: new MemorySecretStore(), memory: new MemorySecretStore() }
  })
  return createCore({
    host: options.host ?? 'electron',
    version: options.version ?? '9.8.7',
    runtime: options.runtime ?? 'Electron test',
    paths,
    log,
    secrets,
    settings
  })
}
