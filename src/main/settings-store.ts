import ElectronStore from 'electron-store'
import type { SettingsBacking, SettingsBackingOptions } from '../core/settings/port'

/**
 * The settings file in Electron: electron-store (conf underneath, same JSON file and atomic
 * writes). The core's SettingsStore does the schema, migrations, 0600 and corrupt-file handling;
 * this adapter only reads and writes. Pass it to bootCore as `settingsBacking`.
 * The only file allowed to import electron-store.
 */
export function createElectronStoreBacking(options: SettingsBackingOptions): SettingsBacking {
  const store = new ElectronStore<Record<string, unknown>>({
    cwd: options.dir,
    name: options.name,
    configFileMode: options.fileMode,
    // Never wipe a file that cannot be parsed: the core keeps a copy and reports it.
    clearInvalidConfig: false,
    accessPropertiesByDotNotation: false,
    watch: false
  })
  return {
    path: store.path,
    read: () => store.store,
    write: (document) => {
      store.store = document
    }
  }
}
