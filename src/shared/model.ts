import { z } from 'zod'
import { AppErrorDataSchema } from './errors'
import { COPY_FORMATS } from './names'

/**
 * The token engine's vocabulary (DESIGN.md "Vocabulary"): providers, accounts, apps, tokens.
 * Nothing here ever carries a secret value: accounts and apps say which secrets are *set*,
 * tokens carry times and states. Only `tokens.reveal` and `tokens.copy` answer with a value.
 */

export const PROVIDER_IDS = ['respoke', 'pocketpaw', 'play-oxygen', 'keycloak-proxy', 'recipe'] as const
export const ProviderIdSchema = z.enum(PROVIDER_IDS)
export type ProviderId = z.infer<typeof ProviderIdSchema>

/** Ids are ours (random, url-safe); bounded so a bad caller cannot bloat the settings file. */
export const IdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a TokenDesk id')

export const FieldKindSchema = z.enum(['text', 'url', 'secret', 'number', 'boolean', 'choice'])
export type FieldKind = z.infer<typeof FieldKindSchema>

/** One form field of an account or app, as the UI renders it. The renderer knows no provider. */
export const FieldSpecSchema = z.object({
  name: z.string(),
  label: z.string(),
  kind: FieldKindSchema,
  required: z.boolean(),
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
  help: z.string().optional(),
  placeholder: z.string().optional(),
  /** text: several lines (headers, body templates). */
  multiline: z.boolean().optional(),
  choices: z.array(z.object({ value: z.string(), label: z.string() })).optional(),
  validation: z
    .object({
      pattern: z.string().optional(),
      /** Shown when the pattern does not match. */
      patternMessage: z.string().optional(),
      min: z.number().optional(),
      max: z.number().optional(),
      maxLength: z.number().int().optional()
    })
    .optional(),
  /** Only for the UI's layout: fields a first-time user can leave alone. */
  advanced: z.boolean().optional()
})
export type FieldSpec = z.infer<typeof FieldSpecSchema>

/** What a provider can do. `target` says where the UI offers it; `produces` whether it issues a token. */
export const FlowSpecSchema = z.object({
  id: z.string(),
  label: z.string(),
  description: z.string(),
  target: z.enum(['account', 'app']),
  produces: z.enum(['token', 'none']),
  /** The flow `tokens.issue` runs when `flow` is omitted (one per target at most). */
  primary: z.boolean(),
  /** Destructive: the UI asks first, with this sentence. */
  confirm: z.string().optional()
})
export type FlowSpec = z.infer<typeof FlowSpecSchema>

export const ProviderInfoSchema = z.object({
  id: ProviderIdSchema,
  label: z.string(),
  description: z.string(),
  /** The word for an app under this provider ("app", "client"); null: accounts issue directly. */
  appNoun: z.string().nullable(),
  accountFields: z.array(FieldSpecSchema),
  appFields: z.array(FieldSpecSchema),
  flows: z.array(FlowSpecSchema),
  /** Apps can be imported from the server (Respoke `GET /apps`). */
  canImportApps: z.boolean(),
  /** Ready-made accounts (recipes that reproduce the built-in APIs; the sandbox's demo values). */
  presets: z
    .array(z.object({ id: z.string(), label: z.string(), description: z.string(), fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])) }))
    .default([])
})
export type ProviderInfo = z.infer<typeof ProviderInfoSchema>

export const FieldValueSchema = z.union([z.string().max(64 * 1024), z.number(), z.boolean()])
export type FieldValue = z.infer<typeof FieldValueSchema>
/** Non-secret field values. Secret-kind fields never appear here. */
export const FieldValuesSchema = z.record(z.string().max(100), FieldValueSchema)
export type FieldValues = z.infer<typeof FieldValuesSchema>
/** Secret values going *towards* the core (create/update/test). Never sent back. */
export const SecretValuesSchema = z.record(z.string().max(100), z.string().max(64 * 1024))
export type SecretValues = z.infer<typeof SecretValuesSchema>

export const RenewalPolicySchema = z.discriminatedUnion('mode', [
  /** Renew when this fraction of the lifetime has passed (0.8 = at 80 %). */
  z.object({ mode: z.literal('fraction'), fraction: z.number().min(0.1).max(0.95) }),
  /** Renew this many seconds before expiry. */
  z.object({ mode: z.literal('before'), seconds: z.number().int().min(1).max(7 * 24 * 3600) }),
  /** Let it expire. */
  z.object({ mode: z.literal('off') })
])
export type RenewalPolicy = z.infer<typeof RenewalPolicySchema>
export const DEFAULT_RENEWAL: RenewalPolicy = { mode: 'fraction', fraction: 0.8 }

const Timestamp = z.number().int().nonnegative()

export const AccountSchema = z.object({
  id: IdSchema,
  providerId: ProviderIdSchema,
  name: z.string().min(1).max(100),
  fields: FieldValuesSchema,
  /** Names of the secret fields that have a stored value. */
  secretsSet: z.array(z.string()),
  /** Renewal for tokens issued directly by the account (apps have their own). */
  renewal: RenewalPolicySchema,
  /** Send "expires soon" / "expired" notifications for its tokens. */
  notify: z.boolean(),
  demo: z.boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp
})
export type Account = z.infer<typeof AccountSchema>

export const AppSchema = z.object({
  id: IdSchema,
  accountId: IdSchema,
  name: z.string().min(1).max(100),
  fields: FieldValuesSchema,
  secretsSet: z.array(z.string()),
  renewal: RenewalPolicySchema,
  notify: z.boolean(),
  demo: z.boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp
})
export type App = z.infer<typeof AppSchema>

export const TOKEN_STATES = ['live', 'expiring', 'expired', 'revoked', 'refresh-failed'] as const
export const TokenStateSchema = z.enum(TOKEN_STATES)
export type TokenState = z.infer<typeof TokenStateSchema>

export const EXPIRY_SOURCES = ['jwt-exp', 'expires_in', 'pocketpaw-prefix', 'expiryTime', 'ttl', 'recipe', 'unknown', 'none'] as const
/** How TokenDesk knows when a token dies. `none`: the server says it never expires (offline token). */
export const ExpirySourceSchema = z.enum(EXPIRY_SOURCES)
export type ExpirySource = z.infer<typeof ExpirySourceSchema>

export const TokenFormatSchema = z.enum(['jwt', 'pocketpaw', 'opaque'])

export const TokenSchema = z.object({
  id: IdSchema,
  accountId: IdSchema,
  appId: IdSchema.nullable(),
  providerId: ProviderIdSchema,
  flow: z.string(),
  /** "access", "session", "App-Token", "tokenId", "Admin-Token", "JWT", … */
  kind: z.string(),
  /** "Demo Keycloak · tokendesk-demo · access": what a person calls it. */
  label: z.string(),
  state: TokenStateSchema,
  format: TokenFormatSchema,
  /** Local clock, corrected for the server's skew. */
  issuedAt: Timestamp,
  /** null: unknown (source 'unknown', shown with its age) or never (source 'none'). */
  expiresAt: Timestamp.nullable(),
  expirySource: ExpirySourceSchema,
  notBefore: Timestamp.nullable(),
  /** Server clock minus ours when issued (ms); a warning is shown above 120 s. */
  skewMs: z.number().int(),
  /** The refresh token that renews this one, when the API gave one. */
  refresh: z
    .object({
      expiresAt: Timestamp.nullable(),
      expirySource: ExpirySourceSchema,
      /** The server hands out a new refresh token on every use. */
      rotates: z.boolean()
    })
    .nullable(),
  /** How this token is renewed, if at all: by its refresh token, or by issuing again with stored credentials. */
  renewal: z.object({
    policy: RenewalPolicySchema,
    method: z.enum(['refresh-token', 'reissue', 'none']),
    nextAt: Timestamp.nullable(),
    lastError: AppErrorDataSchema.nullable(),
    failures: z.number().int().nonnegative()
  }),
  /** Every renewal so far (the timeline draws them as segments), newest last, at most 50. */
  renewals: z.array(z.object({ at: Timestamp, expiresAt: Timestamp.nullable() })),
  /** What the server calls the header this token goes in, for "Copy as header". */
  header: z.object({ name: z.string(), prefix: z.string() }),
  /** The token can be revoked / logged out at the server. */
  revocable: z.boolean(),
  demo: z.boolean(),
  updatedAt: Timestamp
})
export type Token = z.infer<typeof TokenSchema>

export const AUDIT_KINDS = ['issued', 'refreshed', 'copied', 'revealed', 'expiring', 'expired', 'revoked', 'failed', 'forgotten'] as const
export const AuditEventSchema = z.object({
  at: Timestamp,
  kind: z.enum(AUDIT_KINDS),
  /** One sentence, never a value: "copied as a curl line", "refresh failed: refresh token expired". */
  detail: z.string()
})
export type AuditEvent = z.infer<typeof AuditEventSchema>

export { COPY_FORMATS } from './names'
export const CopyFormatSchema = z.enum(COPY_FORMATS)
export type CopyFormat = z.infer<typeof CopyFormatSchema>

export const TokenPartSchema = z.enum(['token', 'refresh'])

export const NoticeSchema = z.object({
  tokenId: IdSchema,
  kind: z.enum(['expiring', 'expired', 'renewal-failed', 'renewed']),
  /** "Demo Keycloak · access expires in 1 min". */
  title: z.string(),
  body: z.string(),
  at: Timestamp
})
export type Notice = z.infer<typeof NoticeSchema>

export const PreferencesSchema = z.object({
  clipboardClearSeconds: z.number().int().min(0).max(3600),
  /** A token counts as "expiring" this long before expiry (capped at 20 % of a short lifetime). */
  expiringSeconds: z.number().int().min(1).max(24 * 3600),
  notifications: z.boolean()
})
export type Preferences = z.infer<typeof PreferencesSchema>
