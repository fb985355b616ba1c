import { randomBytes, randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { generateKeyPair } from 'jose'
import { SandboxContext } from './context.js'
import { KEYCLOAK_DEMO_CLIENTS, KEYCLOAK_DEMO_USERS, keycloakClientGrants, PLAY_OXYGEN_DEMO, RESPOKE_DEMO } from './demo-data.js'
import { API_PREFIXES, buildServer } from './server.js'
import { applySettingsPatch, defaultSettings, SandboxSettingsPatchSchema, type SandboxSettings, type SandboxSettingsPatch } from './settings.js'
import { SandboxReadySchema, type SandboxReady } from '../shared/sandbox-info.js'

export type { SandboxSettings, SandboxSettingsPatch } from './settings.js'
export type { SandboxReady } from '../shared/sandbox-info.js'

export interface StartSandboxOptions extends SandboxSettingsPatch {
  /** 0 or absent: a free port. The sandbox always binds 127.0.0.1. */
  port?: number
  /** Largest request body read, in bytes (default 1 MiB); larger ones get each API's 413. */
  bodyLimitBytes?: number
}

export interface RunningSandbox {
  ready: SandboxReady
  /** The ready object as of now: the PocketPaw master changes when it is regenerated. */
  readyNow(): SandboxReady
  /** Stops listening and drops open connections. Safe to call twice. */
  close(): Promise<void>
}

export const SANDBOX_HOST = '127.0.0.1'

function describeReady(origin: string, ctx: SandboxContext): SandboxReady {
  return SandboxReadySchema.parse({
    sandbox: 'ready',
    origin,
    baseUrls: {
      respoke: `${origin}${API_PREFIXES.respoke}/v1`,
      pocketpaw: `${origin}${API_PREFIXES.pocketpaw}`,
      playOxygen: `${origin}${API_PREFIXES.playOxygen}`,
      keycloakProxy: `${origin}${API_PREFIXES.keycloakProxy}`
    },
    credentials: {
      respoke: {
        username: RESPOKE_DEMO.username,
        password: RESPOKE_DEMO.password,
        apps: RESPOKE_DEMO.apps.map((app) => ({ appId: app.id, appSecret: app.secret, roleId: app.roles[0]?.id ?? '' }))
      },
      pocketpaw: { masterToken: ctx.pocketpaw.masterToken },
      playOxygen: { clients: PLAY_OXYGEN_DEMO.clients.map((client) => ({ ...client })) },
      keycloakProxy: {
        users: KEYCLOAK_DEMO_USERS.filter((user) => user.announced).map((user) => ({ username: user.username, password: user.password })),
        clients: KEYCLOAK_DEMO_CLIENTS.filter((client) => client.announced).map((client) => ({
          clientId: client.clientId,
          clientSecret: client.secret ?? '',
          grants: keycloakClientGrants(client)
        }))
      }
    }
  })
}

/** Starts all four seed APIs on one loopback port. Throws on invalid options or a busy port. */
export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const { port = 0, bodyLimitBytes = 1024 * 1024, ...patch } = options
  const settings: SandboxSettings = applySettingsPatch(defaultSettings(), SandboxSettingsPatchSchema.parse(patch))
  const keycloakAccess = generateKeyPair('RS256').then(({ privateKey }) => ({ privateKey, kid: randomUUID() }))
  // A failure surfaces on the first Keycloak request (as a 500), never as an unhandled rejection.
  keycloakAccess.catch(() => undefined)
  const ctx = new SandboxContext(settings, {
    playOxygenSecret: randomBytes(64),
    keycloakAccess,
    keycloakRefreshSecret: randomBytes(64)
  })
  const app = buildServer(ctx, () => describeReady(ctx.origin, ctx), { bodyLimitBytes })
  await app.listen({ host: SANDBOX_HOST, port })
  const address: AddressInfo | string | null = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('the sandbox is not listening on a TCP port')
  ctx.origin = `http://${SANDBOX_HOST}:${address.port}`
  const ready = describeReady(ctx.origin, ctx)
  let closing: Promise<void> | undefined
  return {
    ready,
    readyNow: () => describeReady(ctx.origin, ctx),
    close: () => (closing ??= app.close())
  }
}
