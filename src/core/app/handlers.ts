import type { AppInfo, Diagnostics, HostKind, SandboxStatus } from '../../shared/contract'
import type { Handler } from '../dispatch'
import type { DataPaths } from '../paths'
import type { SecretStore } from '../secrets/port'

export interface AppHandlerDeps {
  host: HostKind
  version: string
  runtime: string
  paths: DataPaths
  secretStore: () => SecretStore
  settingsStatus: () => Diagnostics['settings']
  sandboxStatus: () => SandboxStatus
}

export function createAppHandlers(deps: AppHandlerDeps): {
  'app.info': Handler<'app.info'>
  'app.diagnostics': Handler<'app.diagnostics'>
} {
  const info = (): AppInfo => ({
    name: 'TokenDesk',
    version: deps.version,
    host: deps.host,
    platform: process.platform,
    arch: process.arch,
    runtime: deps.runtime,
    dataDir: deps.paths.dataDir
  })
  return {
    'app.info': async () => info(),
    'app.diagnostics': async () => collectDiagnostics(deps)
  }
}

export async function collectDiagnostics(deps: AppHandlerDeps): Promise<Diagnostics> {
  return {
    secretStore: await deps.secretStore().health(),
    settings: deps.settingsStatus(),
    logFile: deps.paths.logFile,
    sandbox: deps.sandboxStatus()
  }
}
