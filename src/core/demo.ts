import type { SandboxStatus } from '../shared/contract'
import type { FieldValues, ProviderId, SecretValues } from '../shared/model'
import type { AccountsService } from './accounts/service'
import type { Logger } from './log'

interface DemoApp {
  name: string
  fields: FieldValues
  secrets: SecretValues
}

interface DemoAccount {
  providerId: ProviderId
  name: string
  fields: FieldValues
  secrets: SecretValues
  apps: DemoApp[]
}

/** The four demo accounts of `--demo`, from what the running sandbox announces (DEMO ONLY credentials). */
export function demoAccounts(sandbox: Extract<SandboxStatus, { status: 'running' }>): DemoAccount[] {
  const { baseUrls, credentials } = sandbox
  const keycloakUser = credentials.keycloakProxy.users[0]
  return [
    {
      providerId: 'respoke',
      name: 'Demo Respoke',
      fields: { baseUrl: baseUrls.respoke, username: credentials.respoke.username },
      secrets: { password: credentials.respoke.password },
      apps: credentials.respoke.apps.map((app, index) => ({
        name: index === 0 ? 'Demo app' : `Demo app ${index + 1}`,
        fields: { appId: app.appId, roleId: app.roleId, endpointId: 'demo-user', ttl: 3600 },
        secrets: { appSecret: app.appSecret }
      }))
    },
    {
      providerId: 'pocketpaw',
      name: 'Demo PocketPaw',
      fields: { baseUrl: baseUrls.pocketpaw },
      secrets: { masterToken: credentials.pocketpaw.masterToken },
      apps: []
    },
    {
      providerId: 'play-oxygen',
      name: 'Demo Play Oxygen',
      fields: { baseUrl: baseUrls.playOxygen },
      secrets: {},
      apps: credentials.playOxygen.clients.map((client) => ({
        name: `Client ${client.clientId}`,
        fields: { clientId: client.clientId },
        secrets: { apiKey: client.apiKey, secret: client.secret }
      }))
    },
    {
      providerId: 'keycloak-proxy',
      name: 'Demo Keycloak',
      fields: { baseUrl: baseUrls.keycloakProxy, bodyFormat: 'json', ...(keycloakUser ? { username: keycloakUser.username } : {}) },
      secrets: keycloakUser ? { password: keycloakUser.password } : {},
      apps: credentials.keycloakProxy.clients.map((client) => ({
        name: client.clientId,
        fields: { clientId: client.clientId, grant: client.grants.includes('password') ? 'password' : 'client_credentials' },
        secrets: { clientSecret: client.clientSecret }
      }))
    }
  ]
}

/**
 * `--demo`: one ready account per API, so the first token is one click away. A later `--demo`
 * start finds them (by provider and the demo mark), points them at this launch's sandbox port and
 * refreshes their published credentials: never a duplicate.
 */
export async function seedDemoAccounts(accounts: AccountsService, sandbox: SandboxStatus, log: Logger): Promise<void> {
  if (sandbox.status !== 'running') return
  for (const demo of demoAccounts(sandbox)) {
    try {
      const existing = accounts.list().accounts.find((a) => a.demo && a.providerId === demo.providerId)
      const account = existing
        ? await accounts.updateAccount(existing.id, { fields: { ...existing.fields, ...demo.fields }, secrets: demo.secrets })
        : await accounts.createAccount({ ...demo, demo: true })
      const apps = accounts.list().apps.filter((app) => app.accountId === account.id)
      for (const app of demo.apps) {
        const found = apps.find((a) => a.demo && a.name === app.name)
        if (found) await accounts.updateApp(found.id, { secrets: app.secrets })
        else await accounts.createApp(account.id, { ...app, demo: true })
      }
    } catch (error) {
      log.error('demo', `could not prepare the ${demo.name} account`, error instanceof Error ? `${error.name}: ${error.message}` : undefined)
    }
  }
}
