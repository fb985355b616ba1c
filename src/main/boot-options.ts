import type { BootOptions } from '../core/boot'
import type { SettingsBackingFactory } from '../core/settings/port'
import type { SandboxStatus } from '../shared/contract'

export interface ElectronBootInput {
  userDataDir: string
  version: string
  electronVersion: string
  demo: boolean
  /** electron-store underneath the settings store (src/main/settings-store.ts). */
  settingsBacking?: SettingsBackingFactory
}

/** Until the sandbox issue lands, `--demo` says plainly that it is not there yet. */
export const DEMO_NOT_YET: SandboxStatus = {
  status: 'off',
  hint: 'The built-in sandbox (--demo) is not available in this version yet.'
}

/** What the Electron host passes to `bootCore`: everything that differs from browser mode. */
export function electronBootOptions(input: ElectronBootInput): BootOptions {
  return {
    host: 'electron',
    dataDir: input.userDataDir,
    version: input.version,
    runtime: `Electron ${input.electronVersion}`,
    ...(input.settingsBacking ? { settingsBacking: input.settingsBacking } : {}),
    ...(input.demo ? { sandboxStatus: () => DEMO_NOT_YET } : {})
  }
}
