import { AppError } from '../../shared/errors'
import type { SettingsStore } from './port'
import { defaultSettings, SettingsSchema, type Settings } from './schema'

/** Settings that live only in memory: tests and hosts that build the core without a data folder. */
export function createMemorySettingsStore(initial: Partial<Settings> = {}, path = '(memory)'): SettingsStore {
  let current: Settings = SettingsSchema.parse({ ...defaultSettings(), ...initial })
  return {
    path,
    get: () => current,
    update: (change) => {
      const checked = SettingsSchema.safeParse(change(structuredClone(current)))
      if (!checked.success) throw new AppError('INVALID_REQUEST', 'That setting value is not allowed.')
      current = checked.data
      return current
    },
    status: () => ({ path, status: 'ok' })
  }
}
