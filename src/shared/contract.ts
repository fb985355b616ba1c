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
  checkedAt: z.number()
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

export const commands = {
  'app.info': { request: Empty, response: AppInfoSchema },
  'app.diagnostics': { request: Empty, response: DiagnosticsSchema }
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>

export const events = {
  /** Pushed whenever a health probe finishes or the backend changes. */
  'app.diagnosticsChanged': { payload: DiagnosticsSchema }
} as const satisfies Record<string, { payload: z.ZodType }>

export type AppInfo = z.infer<typeof AppInfoSchema>
export type Diagnostics = z.infer<typeof DiagnosticsSchema>
export type SecretStoreHealth = z.infer<typeof SecretStoreHealthSchema>
export type SecretBackend = z.infer<typeof SecretBackendSchema>
export type SandboxStatus = z.infer<typeof SandboxStatusSchema>
export type HostKind = z.infer<typeof HostKindSchema>
