import { z } from 'zod'
import { ERROR_CODES } from './errors'
import {
  AccountSchema,
  AppSchema,
  AuditEventSchema,
  CopyFormatSchema,
  FieldValuesSchema,
  IdSchema,
  NoticeSchema,
  PreferencesSchema,
  ProviderIdSchema,
  ProviderInfoSchema,
  RenewalPolicySchema,
  SecretValuesSchema,
  TokenPartSchema,
  TokenSchema
} from './model'
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

const Name = z.string().trim().min(1, 'Give it a name.').max(100)

/** A login described but not (yet) saved: the form's values, for Test login before Save. */
const DraftSchema = z
  .object({
    providerId: ProviderIdSchema,
    fields: FieldValuesSchema.default({}),
    secrets: SecretValuesSchema.default({})
  })
  .strict()

export const LoginCheckSchema = z.object({
  /** One sentence: "Logged in as demo-admin; 2 apps visible." */
  message: z.string(),
  /** What the check got back, never a value: "Admin-Token (opaque, 36 characters)". */
  facts: z.array(z.string()),
  ms: z.number(),
  /**
   * What the check proved: the credentials (a login worked; the default), or only that the
   * address is the API (Keycloak without a client: nothing can log in yet).
   */
  checked: z.enum(['credentials', 'address']).optional()
})

export const RecipeTestSchema = z.object({
  status: z.number().int(),
  ms: z.number(),
  /** The token, masked: first 4 and last 4 characters at most, never the whole value. */
  tokenMasked: z.string(),
  tokenLength: z.number().int(),
  expiresAt: z.number().nullable(),
  expirySource: z.string(),
  /** Everything the recipe located, each as "where → what" sentences, masked. */
  extracted: z.array(z.string())
})

export const TokenInspectionSchema = z.object({
  format: z.enum(['jwt', 'pocketpaw', 'opaque']),
  length: z.number().int(),
  /** JWT: decoded header and claims (no signature). */
  jwtHeader: z.record(z.string(), z.unknown()).optional(),
  jwtClaims: z.record(z.string(), z.unknown()).optional(),
  /** PocketPaw: its encoded expiry and how long the signature is. */
  pocketpaw: z.object({ expiresAt: z.number(), signatureHexLength: z.number().int() }).optional(),
  /** Facts in sentences: "iat 2026-11-23 19:04:05 (local)", "signature HS512, not verified". */
  notes: z.array(z.string())
})

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
  },

  /** Every provider with the field schema of its accounts and apps and its flows: the UI builds its forms from this. */
  'providers.list': { request: Empty, response: z.object({ providers: z.array(ProviderInfoSchema) }) },
  'preferences.get': { request: Empty, response: PreferencesSchema },
  'preferences.update': { request: PreferencesSchema.partial().strict(), response: PreferencesSchema },

  'accounts.list': { request: Empty, response: z.object({ accounts: z.array(AccountSchema), apps: z.array(AppSchema) }) },
  /** Secrets go to the secret store; the answer says which are set, never their values. */
  'accounts.create': {
    request: z
      .object({ providerId: ProviderIdSchema, name: Name, fields: FieldValuesSchema.default({}), secrets: SecretValuesSchema.default({}) })
      .strict(),
    response: AccountSchema
  },
  /** Leaves every stored secret alone unless a new value is given (an empty string clears an optional one). */
  'accounts.update': {
    request: z.object({ id: IdSchema, name: Name.optional(), fields: FieldValuesSchema.optional(), secrets: SecretValuesSchema.optional() }).strict(),
    response: AccountSchema
  },
  /** Removes the account, its apps, their tokens and every secret of theirs. */
  'accounts.remove': {
    request: z.object({ id: IdSchema }).strict(),
    response: z.object({ removedApps: z.number().int(), removedTokens: z.number().int() })
  },
  /** Logs in without keeping a token: a saved account (optionally with changed values) or a draft. */
  'accounts.testLogin': {
    request: z
      .object({ id: IdSchema.optional(), draft: DraftSchema.optional() })
      .strict()
      .refine((r) => r.id !== undefined || r.draft !== undefined, 'Give an account id or a draft.'),
    response: LoginCheckSchema
  },
  /** Runs a flow that issues nothing (PocketPaw: regenerate the master token). */
  'accounts.runAction': {
    request: z.object({ id: IdSchema, action: z.string().min(1).max(100) }).strict(),
    response: z.object({ message: z.string(), affectedTokens: z.number().int() })
  },

  'apps.list': { request: z.object({ accountId: IdSchema.optional() }).strict(), response: z.object({ apps: z.array(AppSchema) }) },
  'apps.create': {
    request: z.object({ accountId: IdSchema, name: Name, fields: FieldValuesSchema.default({}), secrets: SecretValuesSchema.default({}) }).strict(),
    response: AppSchema
  },
  'apps.update': {
    request: z.object({ id: IdSchema, name: Name.optional(), fields: FieldValuesSchema.optional(), secrets: SecretValuesSchema.optional() }).strict(),
    response: AppSchema
  },
  'apps.remove': { request: z.object({ id: IdSchema }).strict(), response: z.object({ removedTokens: z.number().int() }) },
  /** Respoke: imports the account's apps from `GET /apps` (their secrets are not listed there: add them per app). */
  'apps.import': {
    request: z.object({ accountId: IdSchema }).strict(),
    response: z.object({ imported: z.array(AppSchema), alreadyPresent: z.number().int() })
  },

  /** Metadata of every token (never a value). */
  'tokens.list': { request: Empty, response: z.object({ tokens: z.array(TokenSchema) }) },
  /** Runs a flow; with `flow` omitted, the provider's primary flow for the target. */
  'tokens.issue': {
    request: z.object({ accountId: IdSchema, appId: IdSchema.optional(), flow: z.string().min(1).max(100).optional() }).strict(),
    response: TokenSchema
  },
  /** Renews now: with the refresh token where there is one, else by issuing again. */
  'tokens.refresh': { request: z.object({ id: IdSchema }).strict(), response: TokenSchema },
  /** Revokes / logs out at the server where the API allows it, and marks the token revoked. */
  'tokens.revoke': { request: z.object({ id: IdSchema }).strict(), response: TokenSchema },
  /** Forgets the token here (the server is not told). */
  'tokens.forget': { request: z.object({ id: IdSchema }).strict(), response: z.object({ forgotten: z.boolean() }) },
  'tokens.clearExpired': {
    request: z.object({ accountId: IdSchema.optional() }).strict(),
    response: z.object({ removed: z.number().int() })
  },
  'tokens.inspect': { request: z.object({ id: IdSchema, part: TokenPartSchema.default('token') }).strict(), response: TokenInspectionSchema },
  'tokens.audit': { request: z.object({ id: IdSchema }).strict(), response: z.object({ events: z.array(AuditEventSchema) }) },
  /** The value, audited. The UI hides it again after `hideAfterMs`. */
  'tokens.reveal': {
    request: z.object({ id: IdSchema, part: TokenPartSchema.default('token') }).strict(),
    response: z.object({ value: z.string(), hideAfterMs: z.number().int() })
  },
  /**
   * Electron: writes the clipboard in main and clears it later (`text` absent). Browser mode:
   * answers the text for the page to write, and says that auto-clear is not possible there.
   */
  'tokens.copy': {
    request: z.object({ id: IdSchema, format: CopyFormatSchema.default('raw'), part: TokenPartSchema.default('token') }).strict(),
    response: z.object({
      /** "Demo Keycloak access token as a Bearer header". */
      description: z.string(),
      target: z.enum(['clipboard', 'page']),
      text: z.string().optional(),
      /** When TokenDesk clears the clipboard (only if it still holds this value); null: it cannot. */
      clearsAt: z.number().nullable()
    })
  },
  'renewal.setPolicy': {
    request: z.object({ accountId: IdSchema, appId: IdSchema.optional(), policy: RenewalPolicySchema, notify: z.boolean().optional() }).strict(),
    response: z.object({ policy: RenewalPolicySchema, notify: z.boolean(), tokensUpdated: z.number().int() })
  },

  /** Runs a recipe (saved or draft) once and shows what it extracted, masked. Keeps nothing. */
  'recipes.test': {
    request: z.object({ id: IdSchema.optional(), draft: DraftSchema.optional() }).strict(),
    response: RecipeTestSchema
  },
  /** Turns a pasted curl command line into recipe fields; credentials found in it become secrets. */
  'recipes.fromCurl': {
    request: z.object({ command: z.string().min(1).max(64 * 1024) }).strict(),
    response: z.object({ fields: FieldValuesSchema, secrets: SecretValuesSchema, warnings: z.array(z.string()) })
  }
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>

export const events = {
  /** Pushed whenever a health probe finishes or the backend changes. */
  'app.diagnosticsChanged': { payload: DiagnosticsSchema },
  /** Pushed when the backend changes, the vault locks/unlocks (also by idle auto-lock) or its settings change. */
  'secrets.statusChanged': { payload: SecretsStatusSchema },
  /** Accounts or apps were created, changed or removed (the whole, small, list). */
  'accounts.changed': { payload: z.object({ accounts: z.array(AccountSchema), apps: z.array(AppSchema) }) },
  /** A delta: tokens created or changed, and ids forgotten. 10,000 tokens never resend the list. */
  'tokens.changed': { payload: z.object({ upserted: z.array(TokenSchema), removed: z.array(IdSchema) }) },
  /** "expires in 1 min", "expired", "renewal failed", "renewed": the host turns them into notifications or toasts. */
  'tokens.notice': { payload: NoticeSchema },
  /** The clipboard TokenDesk wrote was cleared (Electron only). */
  'clipboard.cleared': { payload: z.object({ tokenId: IdSchema, reason: z.enum(['timer', 'expiry', 'quit']) }) },
  'preferences.changed': { payload: PreferencesSchema },
  /** The host wants this token shown (a notification was clicked). */
  'tokens.focus': { payload: z.object({ tokenId: IdSchema }) }
} as const satisfies Record<string, { payload: z.ZodType }>

export type AppInfo = z.infer<typeof AppInfoSchema>
export type Diagnostics = z.infer<typeof DiagnosticsSchema>
export type SecretStoreHealth = z.infer<typeof SecretStoreHealthSchema>
export type SecretBackend = z.infer<typeof SecretBackendSchema>
export type VaultInfo = z.infer<typeof VaultInfoSchema>
export type SecretsStatus = z.infer<typeof SecretsStatusSchema>
export type SandboxStatus = z.infer<typeof SandboxStatusSchema>
export type HostKind = z.infer<typeof HostKindSchema>
export type LoginCheck = z.infer<typeof LoginCheckSchema>
export type RecipeTest = z.infer<typeof RecipeTestSchema>
export type TokenInspection = z.infer<typeof TokenInspectionSchema>
