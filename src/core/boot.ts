import { mkdirSync } from 'node:fs'
import type { HostKind, SandboxStatus } from '../shared/contract'
import { createCore, type Core } from './core'
import { createFileLogger } from './log'
import { dataPaths } from './paths'
import { MemorySecretStore } from './secrets/memory-store'

export interface BootOptions {
  host: HostKind
  dataDir: string
  version: string
  runtime: string
  /** Echo warnings and errors to stderr (browser mode runs in a terminal). */
  echoLog?: boolean
  sandboxStatus?: () => SandboxStatus
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
  const core = createCore({
    host: options.host,
    version: options.version,
    runtime: options.runtime,
    paths,
    log,
    secretStore: new MemorySecretStore(),
    ...(options.sandboxStatus ? { sandboxStatus: options.sandboxStatus } : {})
  })
  return core
}
