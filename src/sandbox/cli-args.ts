import { parseArgs } from 'node:util'
import type { StartSandboxOptions } from './index.js'
import type { SandboxReady } from '../shared/sandbox-info.js'

/** Flags and the readable summary of `npm run sandbox`; cli.ts is only the entry point. */

export const USAGE = `Usage: npm run sandbox -- [options]

  --port <n>                        listen on 127.0.0.1:<n> (0 or absent: a free port)
  --json                            print the ready object as one JSON line first
  --respoke-ttl-seconds <s>         force every Respoke tokenId ttl (default: as sent, 86400 when absent)
  --respoke-admin-token-seconds <s> Admin-Token lifetime (default: never expires)
  --pocketpaw-session-seconds <s>   PocketPaw session token lifetime (default 86400)
  --play-oxygen-seconds <s>         Play Oxygen JWT lifetime (default 2419200, 4 weeks)
  --keycloak-access-seconds <s>     access token lifetime (default 300)
  --keycloak-refresh-seconds <s>    refresh token lifetime / SSO idle timeout (default 1800)
  --keycloak-session-max-seconds <s> SSO session max lifespan (default 36000)
  --revoke-refresh-token            Keycloak revokeRefreshToken=true
  --refresh-max-reuse <n>           Keycloak refreshTokenMaxReuse (default 0)
  --clock-offset-seconds <s>        shift the server clock (negative: --clock-offset-seconds=-300)
  --pocketpaw-remote-client         treat loopback callers as non-localhost (no auth bypass)
  --body-limit-bytes <n>            largest request body read (default 1048576)
  --help                            show this help`

export class UsageError extends Error {}

const integerFlags = {
  'respoke-ttl-seconds': 'respokeTtlSeconds',
  'respoke-admin-token-seconds': 'respokeAdminTokenSeconds',
  'pocketpaw-session-seconds': 'pocketpawSessionSeconds',
  'play-oxygen-seconds': 'playOxygenTokenSeconds',
  'keycloak-access-seconds': 'keycloakAccessTokenSeconds',
  'keycloak-refresh-seconds': 'keycloakRefreshTokenSeconds',
  'keycloak-session-max-seconds': 'keycloakSessionMaxSeconds'
} as const

function parseInteger(flag: string, text: string, minimum: number): number {
  if (!/^-?\d+$/.test(text.trim())) throw new UsageError(`--${flag} expects an integer, got "${text}".`)
  const value = Number(text)
  if (!Number.isSafeInteger(value) || value < minimum) throw new UsageError(`--${flag} must be an integer ≥ ${minimum}, got ${text}.`)
  return value
}

export function parseCliArguments(argv: string[]): { json: boolean; help: boolean; options: StartSandboxOptions } {
  let parsed: ReturnType<typeof parseFlags>
  try {
    parsed = parseFlags(argv)
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error))
  }
  const { values } = parsed
  const options: StartSandboxOptions = {}
  if (values.port !== undefined) {
    options.port = parseInteger('port', values.port, 0)
    if (options.port > 65_535) throw new UsageError(`--port must be between 0 and 65535, got ${values.port}.`)
  }
  const lifetimes: NonNullable<StartSandboxOptions['lifetimes']> = {}
  for (const [flag, setting] of Object.entries(integerFlags)) {
    const text = values[flag as keyof typeof integerFlags]
    if (text !== undefined) lifetimes[setting] = parseInteger(flag, text, 1)
  }
  if (Object.keys(lifetimes).length > 0) options.lifetimes = lifetimes
  if (values['revoke-refresh-token'] || values['refresh-max-reuse'] !== undefined) {
    options.refresh = {
      ...(values['revoke-refresh-token'] ? { revokeRefreshToken: true } : {}),
      ...(values['refresh-max-reuse'] !== undefined ? { refreshTokenMaxReuse: parseInteger('refresh-max-reuse', values['refresh-max-reuse'], 0) } : {})
    }
  }
  if (values['clock-offset-seconds'] !== undefined) {
    options.clockOffsetSeconds = parseInteger('clock-offset-seconds', values['clock-offset-seconds'], Number.MIN_SAFE_INTEGER)
  }
  if (values['pocketpaw-remote-client']) options.pocketpaw = { clientIsLocalhost: false }
  if (values['body-limit-bytes'] !== undefined) options.bodyLimitBytes = parseInteger('body-limit-bytes', values['body-limit-bytes'], 1)
  return { json: values.json === true, help: values.help === true, options }
}

function parseFlags(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      'respoke-ttl-seconds': { type: 'string' },
      'respoke-admin-token-seconds': { type: 'string' },
      'pocketpaw-session-seconds': { type: 'string' },
      'play-oxygen-seconds': { type: 'string' },
      'keycloak-access-seconds': { type: 'string' },
      'keycloak-refresh-seconds': { type: 'string' },
      'keycloak-session-max-seconds': { type: 'string' },
      'revoke-refresh-token': { type: 'boolean' },
      'refresh-max-reuse': { type: 'string' },
      'clock-offset-seconds': { type: 'string' },
      'pocketpaw-remote-client': { type: 'boolean' },
      'body-limit-bytes': { type: 'string' }
    }
  })
}

export function formatSummary(ready: SandboxReady): string {
  const { baseUrls, credentials } = ready
  const lines = [
    `TokenDesk sandbox ready at ${ready.origin} (loopback only). Press Ctrl+C to stop.`,
    '',
    'Base URLs:',
    `  Respoke         ${baseUrls.respoke}`,
    `  PocketPaw       ${baseUrls.pocketpaw}`,
    `  Play Oxygen     ${baseUrls.playOxygen}`,
    `  Keycloak proxy  ${baseUrls.keycloakProxy}   (POST /api/v1/auth/token)`,
    `  Control API     ${ready.origin}/__sandbox/`,
    '',
    'DEMO ONLY credentials (published in src/sandbox/README.md; not secrets):',
    `  Respoke admin   ${credentials.respoke.username} / ${credentials.respoke.password}`,
    ...credentials.respoke.apps.map((app) => `  Respoke app     appId ${app.appId}  App-Secret ${app.appSecret}  roleId ${app.roleId}`),
    `  PocketPaw       master token ${credentials.pocketpaw.masterToken}`,
    ...credentials.playOxygen.clients.map((client) => `  Play Oxygen     client_id ${client.clientId}  api_key ${client.apiKey}  secret ${client.secret}`),
    ...credentials.keycloakProxy.users.map((user) => `  Keycloak user   ${user.username} / ${user.password}`),
    ...credentials.keycloakProxy.clients.map((client) => `  Keycloak client ${client.clientId} / ${client.clientSecret}  grants ${client.grants.join(', ')}`)
  ]
  return lines.join('\n')
}
