import { z } from 'zod'

/**
 * Everything a test or a demo may change at run time. Defaults are the real services' defaults
 * (seed-apis.md): Keycloak realm 300 s / 1800 s / 36000 s, PocketPaw 24 h, Guardian 4 weeks,
 * Respoke "ttl as sent" with 86400 when absent.
 */
const seconds = z.number().int().positive()

export const LifetimesSchema = z.strictObject({
  /** When set, replaces the ttl a Respoke client sends (null: use the ttl as sent). */
  respokeTtlSeconds: seconds.nullable(),
  respokeDefaultTtlSeconds: seconds,
  /** Admin-Token lifetime is undocumented; null means it never expires. */
  respokeAdminTokenSeconds: seconds.nullable(),
  pocketpawSessionSeconds: seconds,
  playOxygenTokenSeconds: seconds,
  keycloakAccessTokenSeconds: seconds,
  /** Keycloak's ssoSessionIdleTimeout: what refresh_expires_in reports. */
  keycloakRefreshTokenSeconds: seconds,
  keycloakSessionMaxSeconds: seconds
})

export const RefreshRulesSchema = z.strictObject({
  revokeRefreshToken: z.boolean(),
  refreshTokenMaxReuse: z.number().int().min(0)
})

export const PocketpawSettingsSchema = z.strictObject({
  /** Tests run on loopback; set false to see the middleware's non-localhost answers. */
  clientIsLocalhost: z.boolean(),
  localhostAuthBypass: z.boolean()
})

export const RespokeSettingsSchema = z.strictObject({
  /** The real accounting is unclear (Remaining above Limit was recorded), so enforcing is opt-in. */
  enforceRateLimit: z.boolean(),
  rateLimitPerSecond: z.number().int().positive()
})

export const PlayOxygenSettingsSchema = z.strictObject({
  /** Po2's own 401 body is undocumented, so it is configurable. */
  loginUnauthorized: z.strictObject({ status: z.number().int().min(400).max(599), body: z.json() }),
  /** Guardian's tutorial sends text/plain "invalid_token"; JSON apps send {"message": ...}. */
  tokenErrorFormat: z.enum(['json', 'text'])
})

export const KeycloakSettingsSchema = z.strictObject({
  sslRequired: z.boolean(),
  tokenType: z.enum(['Bearer', 'bearer'])
})

export const SandboxSettingsSchema = z.strictObject({
  clockOffsetSeconds: z.number().int(),
  lifetimes: LifetimesSchema,
  refresh: RefreshRulesSchema,
  pocketpaw: PocketpawSettingsSchema,
  respoke: RespokeSettingsSchema,
  playOxygen: PlayOxygenSettingsSchema,
  keycloak: KeycloakSettingsSchema
})

export type SandboxSettings = z.infer<typeof SandboxSettingsSchema>

export const SandboxSettingsPatchSchema = z.strictObject({
  clockOffsetSeconds: z.number().int().optional(),
  lifetimes: LifetimesSchema.partial().optional(),
  refresh: RefreshRulesSchema.partial().optional(),
  pocketpaw: PocketpawSettingsSchema.partial().optional(),
  respoke: RespokeSettingsSchema.partial().optional(),
  playOxygen: PlayOxygenSettingsSchema.partial().optional(),
  keycloak: KeycloakSettingsSchema.partial().optional()
})

export type SandboxSettingsPatch = z.infer<typeof SandboxSettingsPatchSchema>

export function defaultSettings(): SandboxSettings {
  return {
    clockOffsetSeconds: 0,
    lifetimes: {
      respokeTtlSeconds: null,
      respokeDefaultTtlSeconds: 86_400,
      respokeAdminTokenSeconds: null,
      pocketpawSessionSeconds: 24 * 3600,
      playOxygenTokenSeconds: 4 * 7 * 86_400,
      keycloakAccessTokenSeconds: 300,
      keycloakRefreshTokenSeconds: 1800,
      keycloakSessionMaxSeconds: 36_000
    },
    refresh: { revokeRefreshToken: false, refreshTokenMaxReuse: 0 },
    pocketpaw: { clientIsLocalhost: true, localhostAuthBypass: true },
    respoke: { enforceRateLimit: false, rateLimitPerSecond: 10 },
    playOxygen: {
      loginUnauthorized: { status: 401, body: { errors: { detail: 'Unauthorized' } } },
      tokenErrorFormat: 'json'
    },
    keycloak: { sslRequired: false, tokenType: 'Bearer' }
  }
}

export function applySettingsPatch(base: SandboxSettings, patch: SandboxSettingsPatch): SandboxSettings {
  return {
    clockOffsetSeconds: patch.clockOffsetSeconds ?? base.clockOffsetSeconds,
    lifetimes: { ...base.lifetimes, ...patch.lifetimes },
    refresh: { ...base.refresh, ...patch.refresh },
    pocketpaw: { ...base.pocketpaw, ...patch.pocketpaw },
    respoke: { ...base.respoke, ...patch.respoke },
    playOxygen: { ...base.playOxygen, ...patch.playOxygen },
    keycloak: { ...base.keycloak, ...patch.keycloak }
  }
}
