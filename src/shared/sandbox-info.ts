import { z } from 'zod'

/**
 * What the local sandbox announces when it is ready (`npm run sandbox -- --json` prints exactly
 * this as its first stdout line) and what the Diagnostics view shows. Demo credentials only:
 * they are published in the README and are not secrets.
 */
export const SandboxBaseUrlsSchema = z.object({
  respoke: z.string(),
  pocketpaw: z.string(),
  playOxygen: z.string(),
  keycloakProxy: z.string()
})

export const SandboxCredentialsSchema = z.object({
  respoke: z.object({
    username: z.string(),
    password: z.string(),
    apps: z.array(z.object({ appId: z.string(), appSecret: z.string(), roleId: z.string() }))
  }),
  pocketpaw: z.object({ masterToken: z.string() }),
  playOxygen: z.object({
    clients: z.array(z.object({ clientId: z.string(), apiKey: z.string(), secret: z.string() }))
  }),
  keycloakProxy: z.object({
    users: z.array(z.object({ username: z.string(), password: z.string() })),
    clients: z.array(
      z.object({ clientId: z.string(), clientSecret: z.string(), grants: z.array(z.string()) })
    )
  })
})

export const SandboxReadySchema = z.object({
  sandbox: z.literal('ready'),
  origin: z.string(),
  baseUrls: SandboxBaseUrlsSchema,
  credentials: SandboxCredentialsSchema
})

export type SandboxBaseUrls = z.infer<typeof SandboxBaseUrlsSchema>
export type SandboxCredentials = z.infer<typeof SandboxCredentialsSchema>
export type SandboxReady = z.infer<typeof SandboxReadySchema>
