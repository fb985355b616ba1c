import type { HostKind, SandboxStatus } from '../shared/contract'
import { createAppHandlers } from './app/handlers'
import { createDispatch, type Dispatch, type Handlers } from './dispatch'
import { EventBus } from './events'
import type { Logger } from './log'
import type { DataPaths } from './paths'
import type { SecretStore } from './secrets/port'

export interface CoreOptions {
  host: HostKind
  version: string
  /** Human-readable runtime, e.g. "Electron 45.4.1" or "Node v20.20.2". */
  runtime: string
  paths: DataPaths
  log: Logger
  secretStore: SecretStore
  settingsStatus?: () => { path: string; status: 'ok' | 'error'; reason?: string }
  sandboxStatus?: () => SandboxStatus
}

export interface Core {
  dispatch: Dispatch
  events: EventBus
  log: Logger
  dispose(): Promise<void>
}

const SANDBOX_OFF: SandboxStatus = {
  status: 'off',
  hint: 'Start TokenDesk with --demo to run the built-in sandbox.'
}

/** Composition root of the domain: both hosts (Electron and browser mode) call this. */
export function createCore(options: CoreOptions): Core {
  const events = new EventBus(options.log)
  const handlers: Handlers = {
    ...createAppHandlers({
      host: options.host,
      version: options.version,
      runtime: options.runtime,
      paths: options.paths,
      secretStore: () => options.secretStore,
      settingsStatus: options.settingsStatus ?? (() => ({ path: options.paths.settingsFile, status: 'ok' })),
      sandboxStatus: options.sandboxStatus ?? (() => SANDBOX_OFF)
    })
  }
  const dispatch = createDispatch(handlers, options.log)
  return {
    dispatch,
    events,
    log: options.log,
    dispose: async () => {}
  }
}
