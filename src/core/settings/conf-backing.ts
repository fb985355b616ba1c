import Conf from 'conf'
import type { SettingsBacking, SettingsBackingOptions } from './port'

/** The plain-Node settings file (browser mode and tests). Validation is ours (zod), not conf's. */
export function createConfBacking(options: SettingsBackingOptions): SettingsBacking {
  const conf = new Conf<Record<string, unknown>>({
    cwd: options.dir,
    configName: options.name,
    configFileMode: options.fileMode,
    // Never wipe a file we cannot parse: the store reports it and keeps a copy.
    clearInvalidConfig: false,
    accessPropertiesByDotNotation: false,
    watch: false
  })
  return {
    path: conf.path,
    read: () => conf.store,
    write: (document) => {
      conf.store = document
    }
  }
}
