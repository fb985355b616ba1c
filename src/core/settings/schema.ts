import { z } from 'zod'
import { SecretBackendSchema } from '../../shared/contract'
import { AccountSchema, AppSchema } from '../../shared/model'

/**
 * The settings file: accounts, apps and preferences. Never a secret: credentials go to the
 * secret store, issued tokens to the encrypted token cache, token metadata to its own record
 * store (tokens.json, written behind). Bump SETTINGS_VERSION and add a step to
 * SETTINGS_MIGRATIONS whenever the shape changes.
 */
export const SETTINGS_VERSION = 2

export const SettingsSchema = z.object({
  schemaVersion: z.literal(SETTINGS_VERSION),
  secrets: z.object({
    backend: SecretBackendSchema,
    /** False until the user picks a backend (first run shows the choice when the keychain is unhealthy). */
    chosenByUser: z.boolean(),
    vaultAutoLockMinutes: z.number().int().min(0).max(24 * 60)
  }),
  preferences: z.object({
    clipboardClearSeconds: z.number().int().min(0).max(3600),
    expiringSeconds: z.number().int().min(1).max(24 * 3600),
    notifications: z.boolean()
  }),
  accounts: z.array(AccountSchema),
  apps: z.array(AppSchema)
})

export type Settings = z.infer<typeof SettingsSchema>

export function defaultSettings(): Settings {
  return {
    schemaVersion: SETTINGS_VERSION,
    secrets: { backend: 'keychain', chosenByUser: false, vaultAutoLockMinutes: 15 },
    preferences: { clipboardClearSeconds: 30, expiringSeconds: 60, notifications: true },
    accounts: [],
    apps: []
  }
}

type RawSettings = Record<string, unknown>

/**
 * SETTINGS_MIGRATIONS[n] turns a version-n document into version n+1. Version 0 is a file
 * without `schemaVersion` (an empty or pre-release file): it gets the defaults for every
 * missing field and keeps whatever it had.
 */
export const SETTINGS_MIGRATIONS: ReadonlyArray<(raw: RawSettings) => RawSettings> = [
  (raw) => {
    const defaults = defaultSettings()
    const secrets = typeof raw.secrets === 'object' && raw.secrets !== null ? raw.secrets : {}
    const preferences = typeof raw.preferences === 'object' && raw.preferences !== null ? raw.preferences : {}
    return {
      ...defaults,
      ...raw,
      schemaVersion: 1,
      secrets: { ...defaults.secrets, ...secrets },
      preferences: { clipboardClearSeconds: 30, ...preferences }
    }
  },
  // 1 → 2: accounts and apps get their real shape (version 1 only ever held empty placeholder
  // arrays); token metadata moves out to tokens.json; preferences gain expiry and notification settings.
  (raw) => {
    const preferences = typeof raw.preferences === 'object' && raw.preferences !== null ? raw.preferences : {}
    const { tokens: _tokens, ...rest } = raw
    return {
      ...rest,
      schemaVersion: 2,
      preferences: { expiringSeconds: 60, notifications: true, ...preferences },
      accounts: Array.isArray(raw.accounts) ? raw.accounts : [],
      apps: Array.isArray(raw.apps) ? raw.apps : []
    }
  }
]

export type MigrationOutcome = { kind: 'ok'; settings: Settings; migratedFrom: number | null } | { kind: 'too-new'; version: number } | { kind: 'invalid'; issues: string[] }

export function migrateSettings(raw: unknown): MigrationOutcome {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { kind: 'invalid', issues: ['not a JSON object'] }
  let document = raw as RawSettings
  const found = document.schemaVersion ?? 0
  if (typeof found !== 'number' || !Number.isInteger(found) || found < 0) return { kind: 'invalid', issues: ['schemaVersion is not a version number'] }
  if (found > SETTINGS_VERSION) return { kind: 'too-new', version: found }
  for (let version = found; version < SETTINGS_VERSION; version++) document = SETTINGS_MIGRATIONS[version]!(document)
  const parsed = SettingsSchema.safeParse(document)
  if (!parsed.success) {
    return { kind: 'invalid', issues: parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`) }
  }
  return { kind: 'ok', settings: parsed.data, migratedFrom: found === SETTINGS_VERSION ? null : found }
}
