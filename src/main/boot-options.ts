import type { BootOptions } from '../core/boot'
import type { ClipboardPort } from '../core/clipboard/port'
import type { SettingsBackingFactory } from '../core/settings/port'
import type { SandboxStatus } from '../shared/contract'

export interface ElectronBootInput {
  userDataDir: string
  version: string
  electronVersion: string
  /** The embedded sandbox's status when started with `--demo`. */
  sandboxStatus?: () => SandboxStatus
  /** electron-store underneath the settings store (src/main/settings-store.ts). */
  settingsBacking?: SettingsBackingFactory
  /** Electron's clipboard: copy happens in main and is cleared later. */
  clipboard?: ClipboardPort
}

/** What the Electron host passes to `bootCore`: everything that differs from browser mode. */
export function electronBootOptions(input: ElectronBootInput): BootOptions {
  return {
    host: 'electron',
    dataDir: input.userDataDir,
    version: input.version,
    runtime: `Electron ${input.electronVersion}`,
    ...(input.settingsBacking ? { settingsBacking: input.settingsBacking } : {}),
    ...(input.sandboxStatus ? { sandboxStatus: input.sandboxStatus } : {}),
    ...(input.clipboard ? { clipboard: input.clipboard } : {})
  }
}
