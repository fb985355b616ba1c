import type { Settings } from './schema'

/** What the diagnostics view shows about the settings file. */
export interface SettingsStatus {
  path: string
  status: 'ok' | 'error'
  reason?: string
}

/**
 * Accounts, apps, token metadata and preferences (never a secret). Reads are synchronous and
 * validated; `update` validates the whole document before writing it (file mode 0600).
 * While the file on disk is unusable (corrupt, too new), `get` answers defaults and `update`
 * throws the same typed error, so the bad file is never overwritten.
 */
export interface SettingsStore {
  readonly path: string
  get(): Settings
  update(change: (current: Settings) => Settings): Settings
  status(): SettingsStatus
}

/** The file underneath: conf in plain Node, electron-store in Electron (src/main/settings-store.ts). */
export interface SettingsBacking {
  readonly path: string
  /** The parsed file, `{}` when there is none. Throws when the file cannot be parsed. */
  read(): unknown
  write(document: Record<string, unknown>): void
}

export interface SettingsBackingOptions {
  /** Directory of the file. */
  dir: string
  /** File name without extension ("settings" → settings.json). */
  name: string
  fileMode: number
}

export type SettingsBackingFactory = (options: SettingsBackingOptions) => SettingsBacking
