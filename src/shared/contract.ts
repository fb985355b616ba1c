import { z } from 'zod'
import { ERROR_CODES } from './errors'
import { SandboxBaseUrlsSchema, SandboxCredentialsSchema } from './sandbox-info'

/**
 * THE contract. Every command (request + response) and every event (payload) is declared here
 * once. Types, channel names, the preload API, main's IPC registration and the WebSocket bridge
 * are all derived from these two objects: adding a command is one entry here plus one handler.
 */

const Empty = z.object({}).strict()

export const HostKindSchema = z.enum(['electron', 'browser'])

export const AppInfoSchema = z.object({
  name: z.literal('TokenDesk'),
  version: z.string(),
  host: HostKindSchema,
  platform: z.string(),
  arch: z.string(),
  runtime: z.string(),
  dataDir: z.string()
})

export const SecretBackendSchema = z.enum(['keychain', 'vault', 'memory'])

export const SecretStoreHealthSchema = z.object({
  backend: SecretBackendSchema,
  /** ok: usable. locked: exists but needs unlocking. unavailable: cannot be used here. */
  status: z.enum(['ok', 'locked', 'unavailable', 'checking']),
  /** What is wrong, in one sentence a user understands. */
  reason: z.string().optional(),
  /** How to fix it. */
  fix: z.string().optional(),
  errorCode: z.enum(ERROR_CODES).optional(),
  /** Where the backend lives: "Secret Service (gnome-keyring)", a vault file path, "memory". */
  location: z.string().optional(),
  /** True when secrets vanish when the app exits (memory backend). */
  ephemeral: z.boolean(),
  checkedAt: z.number(),
  /** How long the health probe took (write, read back, delete), when one ran. */
  probeMs: z.number().optional()
})

export const SandboxStatusSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('off'), hint: z.string() }),
  z.object({
    status: z.literal('running'),
    origin: z.string(),
    baseUrls: SandboxBaseUrlsSchema,
    credentials: SandboxCredentialsSchema
  }),
  z.object({ status: z.literal('failed'), reason: z.string() })
])

export const DiagnosticsSchema = z.object({
  secretStore: SecretStoreHealthSchema,
  settings: z.object({ path: z.string(), status: z.enum(['ok', 'error']), reason: z.string().optional() }),
  logFile: z.string(),
  sandbox: SandboxStatusSchema
})

export const VaultInfoSchema = z.object({
  /** absent: no vault file yet. locked: file exists, passphrase needed. unlocked: usable. */
  state: z.enum(['absent', 'locked', 'unlocked']),
  path: z.string(),
  /** 0 = never lock automatically. */
  autoLockMinutes: z.number()
})

export const SecretsStatusSchema = z.object({
  /** The backend in use, probed now. */
  active: SecretStoreHealthSchema,
  /** False until the user chose a backend: the first run offers the choice when the keychain is unhealthy. */
  backendChosen: z.boolean(),
  vault: VaultInfoSchema,
  /** The other backends' health (only when asked with probeAlternatives). */
  alternatives: z.array(SecretStoreHealthSchema)
})

/** Passphrases cross the bridge only towards main, never back. Bounded so a paste accident cannot stall scrypt. */
const PassphraseSchema = z.string().min(1).max(1024)
const NewPassphraseSchema = z.string().min(8, 'Use at least 8 characters.').max(1024)

export const commands = {
  'app.info': { request: Empty, response: AppInfoSchema },
  'app.diagnostics': { request: Empty, response: DiagnosticsSchema },
  'secrets.status': {
    request: z.object({ probeAlternatives: z.boolean().default(false) }).strict(),
    response: SecretsStatusSchema
  },
  /** Switches the secret backend; with moveSecrets, copies + verifies every secret before deleting the old ones. */
  'secrets.chooseBackend': {
    request: z.object({ backend: SecretBackendSchema, moveSecrets: z.boolean().default(true) }).strict(),
    response: z.object({ status: SecretsStatusSchema, moved: z.number().int(), leftBehind: z.number().int() })
  },
  'vault.create': { request: z.object({ passphrase: NewPassphraseSchema }).strict(), response: VaultInfoSchema },
  'vault.unlock': { request: z.object({ passphrase: PassphraseSchema }).strict(), response: VaultInfoSchema },
  'vault.lock': { request: Empty, response: VaultInfoSchema },
  'vault.changePassphrase': {
    request: z.object({ current: PassphraseSchema, next: NewPassphraseSchema }).strict(),
    response: VaultInfoSchema
  },
  'vault.setAutoLock': {
    request: z.object({ minutes: z.number().int().min(0).max(24 * 60) }).strict(),
    response: VaultInfoSchema
  }
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>

export const events = {
  /** Pushed whenever a health probe finishes or the backend changes. */
  'app.diagnosticsChanged': { payload: DiagnosticsSchema },
  /** Pushed when the backend changes, the vault locks/unlocks (also by idle auto-lock) or its settings change. */
  'secrets.statusChanged': { payload: SecretsStatusSchema }
} as const satisfies Record<string, { payload: z.ZodType }>

export type AppInfo = z.infer<typeof AppInfoSchema>
export type Diagnostics = z.infer<typeof DiagnosticsSchema>
export type SecretStoreHealth = z.infer<typeof SecretStoreHealthSchema>
export type SecretBackend = z.infer<typeof SecretBackendSchema>
export type VaultInfo = z.infer<typeof VaultInfoSchema>
export type SecretsStatus = z.infer<typeof SecretsStatusSchema>
export type SandboxStatus = z.infer<typeof SandboxStatusSchema>
export type HostKind = z.infer<typeof HostKindSchema>
