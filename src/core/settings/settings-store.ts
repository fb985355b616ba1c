import { chmodSync, copyFileSync, existsSync, readFileSync } from 'node:fs'
import { basename, dirname } from 'node:path'
import { AppError } from '../../shared/errors'
import type { Logger } from '../log'
import { createConfBacking } from './conf-backing'
import type { SettingsBacking, SettingsBackingFactory, SettingsStatus, SettingsStore } from './port'
import { defaultSettings, migrateSettings, SettingsSchema, type Settings } from './schema'

export interface OpenSettingsOptions {
  /** Full path of the settings file, e.g. dataPaths().settingsFile. */
  file: string
  log: Logger
  /** conf by default; Electron passes electron-store's. */
  backing?: SettingsBackingFactory
}

export const SETTINGS_FILE_MODE = 0o600

/**
 * Opens the settings file, migrating old versions forward. A file that cannot be parsed, fails
 * the schema or comes from a newer version is never wiped: a copy is kept next to it
 * (`settings.json.corrupt-<time>`), the store answers defaults and refuses writes until the
 * file is fixed or moved away, and status() says so.
 */
export function openSettingsStore(options: OpenSettingsOptions): SettingsStore {
  const factory = options.backing ?? createConfBacking
  const name = basename(options.file).replace(/\.json$/, '')
  let backing: SettingsBacking | null = null
  let failure: AppError | null = null
  let current: Settings = defaultSettings()

  const keepBadCopy = (): string | undefined => {
    if (!existsSync(options.file)) return undefined
    const copy = `${options.file}.corrupt-${Date.now()}`
    try {
      copyFileSync(options.file, copy)
      chmodSync(copy, SETTINGS_FILE_MODE)
      return copy
    } catch {
      return undefined
    }
  }

  const fail = (code: 'SETTINGS_CORRUPT' | 'SETTINGS_TOO_NEW', message: string, extra: Record<string, unknown>): void => {
    const copy = keepBadCopy()
    failure = new AppError(code, message, {
      fix:
        code === 'SETTINGS_TOO_NEW'
          ? 'Update TokenDesk to the version that wrote the settings file.'
          : `Fix or move away "${options.file}" and restart TokenDesk; a copy of the bad file is kept${copy ? ` at "${copy}"` : ''}.`,
      file: options.file,
      ...(copy ? { copy } : {}),
      ...extra
    })
    options.log.error('settings', `${code}: running on defaults, not writing`, { file: options.file, copy, ...extra })
  }

  try {
    // Read the file ourselves first: conf turns a JSON array or string into an object, hiding damage.
    const onDisk: unknown = existsSync(options.file) ? JSON.parse(readFileSync(options.file, 'utf8')) : {}
    backing = factory({ dir: dirname(options.file), name, fileMode: SETTINGS_FILE_MODE })
    const outcome = migrateSettings(typeof onDisk === 'object' && onDisk !== null && !Array.isArray(onDisk) ? backing.read() : onDisk)
    if (outcome.kind === 'ok') {
      current = outcome.settings
      if (outcome.migratedFrom !== null || !existsSync(options.file)) {
        backing.write(current)
        if (outcome.migratedFrom !== null) options.log.info('settings', `migrated settings from version ${outcome.migratedFrom}`)
      }
      if (existsSync(options.file)) chmodSync(options.file, SETTINGS_FILE_MODE)
    } else if (outcome.kind === 'too-new') {
      fail('SETTINGS_TOO_NEW', `The settings file was written by a newer TokenDesk (version ${outcome.version}).`, { version: outcome.version })
    } else {
      fail('SETTINGS_CORRUPT', 'The settings file does not match what TokenDesk expects.', { issues: outcome.issues })
    }
  } catch (error) {
    const parseError = error instanceof SyntaxError || (error instanceof Error && /JSON|Unexpected|schema/i.test(error.message))
    if (parseError) fail('SETTINGS_CORRUPT', 'The settings file is not valid JSON.', {})
    else {
      failure = new AppError('SETTINGS_IO', 'The settings file could not be read.', {
        fix: 'Check that the data folder exists and is writable.',
        file: options.file
      })
      options.log.error('settings', 'settings file unreadable', error instanceof Error ? error.message : undefined)
    }
  }

  return {
    path: options.file,
    get: () => current,
    update: (change) => {
      if (failure || !backing) throw failure ?? new AppError('SETTINGS_IO', 'The settings file is not available.')
      const checked = SettingsSchema.safeParse(change(structuredClone(current)))
      if (!checked.success) throw new AppError('INVALID_REQUEST', 'That setting value is not allowed.', { issues: checked.error.issues.slice(0, 5).map((i) => i.message) })
      const next = checked.data
      try {
        backing.write(next)
        chmodSync(options.file, SETTINGS_FILE_MODE)
      } catch (error) {
        options.log.error('settings', 'write failed', error instanceof Error ? error.message : undefined)
        throw new AppError('SETTINGS_IO', 'The settings could not be saved.', { fix: 'Check that the data folder is writable and the disk is not full.', file: options.file })
      }
      current = next
      return current
    },
    status: (): SettingsStatus =>
      failure ? { path: options.file, status: 'error', reason: `${failure.message} ${String(failure.details?.fix ?? '')}`.trim() } : { path: options.file, status: 'ok' }
  }
}
