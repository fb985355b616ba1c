/**
 * DEMO ONLY. Fixed, published credentials for the sandbox's one data set. They are printed by
 * `npm run sandbox`, listed in src/sandbox/README.md, and must never be used anywhere real.
 * Shapes follow the real services: Respoke ids are UUIDs (app ids and secrets lowercase,
 * account, role and issued tokens uppercase), the PocketPaw master is a uuid4 string.
 */

export interface RespokeDemoApp {
  id: string
  secret: string
  name: string
  description: string
  developmentMode: boolean
  roles: { id: string; name: string }[]
}

export const RESPOKE_DEMO = {
  username: 'demo-admin',
  password: 'demo-admin-password',
  accountId: 'DE000000-0000-4000-8000-00000000AC01',
  apps: [
    {
      id: 'de000000-0000-4000-8000-0000000a0001',
      secret: 'de000000-0000-4000-8000-000000005ec1',
      name: 'TokenDesk demo app',
      description: 'DEMO ONLY sandbox app',
      developmentMode: false,
      roles: [{ id: 'DE000000-0000-4000-8000-0000000F0001', name: 'demo-role' }]
    },
    {
      id: 'de000000-0000-4000-8000-0000000a0002',
      secret: 'de000000-0000-4000-8000-000000005ec2',
      name: 'TokenDesk demo app (development mode)',
      description: 'DEMO ONLY sandbox app in development mode: roleId optional',
      developmentMode: true,
      roles: [{ id: 'DE000000-0000-4000-8000-0000000F0002', name: 'dev-role' }]
    }
  ] satisfies RespokeDemoApp[]
} as const

export const POCKETPAW_DEMO = {
  masterToken: 'de000000-0000-4000-8000-0000000000aa'
} as const

export interface PlayOxygenDemoClient {
  clientId: string
  apiKey: string
  secret: string
}

export const PLAY_OXYGEN_DEMO: { clients: PlayOxygenDemoClient[] } = {
  clients: [
    { clientId: '1001', apiKey: 'po2_demo_123456789', secret: 'sandbox_demo_123456789' },
    { clientId: '1002', apiKey: 'po2_demo_987654321', secret: 'sandbox_demo_987654321' }
  ]
}

export const KEYCLOAK_REALM = 'tokendesk-demo'

export interface KeycloakDemoUser {
  id: string
  username: string
  password: string
  enabled: boolean
  requiredActions: boolean
  isEditor: boolean
  /** Only users marked announced appear in the ready line; the rest exist to reach error paths. */
  announced: boolean
}

export interface KeycloakDemoClient {
  clientId: string
  /** null: a public client (no secret). */
  secret: string | null
  enabled: boolean
  bearerOnly: boolean
  directAccessGrants: boolean
  serviceAccounts: boolean
  /**
   * With service accounts on, Keycloak creates the user `service-account-<clientid>`; its id is the
   * `sub` of every client_credentials token. Fixed here so it stays the same across resets.
   */
  serviceAccountUserId: string | null
  consentRequired: boolean
  defaultScopes: string[]
  optionalScopes: string[]
  announced: boolean
}

const userDefaults = { password: 'demo-user-password', enabled: true, requiredActions: false, isEditor: false, announced: false }

export const KEYCLOAK_DEMO_USERS: KeycloakDemoUser[] = [
  { ...userDefaults, id: 'de000000-0000-4000-8000-0000000e0001', username: 'demo.user', announced: true },
  { ...userDefaults, id: 'de000000-0000-4000-8000-0000000e0002', username: 'demo.editor', password: 'demo-editor-password', isEditor: true, announced: true },
  { ...userDefaults, id: 'de000000-0000-4000-8000-0000000e0003', username: 'disabled.user', enabled: false },
  { ...userDefaults, id: 'de000000-0000-4000-8000-0000000e0004', username: 'pending.user', requiredActions: true }
]

const clientDefaults = {
  enabled: true,
  bearerOnly: false,
  directAccessGrants: false,
  serviceAccounts: false,
  serviceAccountUserId: null,
  consentRequired: false,
  defaultScopes: ['email', 'profile'],
  optionalScopes: ['openid', 'offline_access', 'roles'],
  announced: false
}

export const KEYCLOAK_DEMO_CLIENTS: KeycloakDemoClient[] = [
  { ...clientDefaults, clientId: 'tokendesk-demo', secret: 'demo-client-secret', directAccessGrants: true, announced: true },
  { ...clientDefaults, clientId: 'tokendesk-service', secret: 'demo-service-secret', serviceAccounts: true, serviceAccountUserId: 'de000000-0000-4000-8000-0000000e0101', announced: true },
  { ...clientDefaults, clientId: 'tokendesk-public', secret: null, directAccessGrants: true },
  { ...clientDefaults, clientId: 'tokendesk-disabled', secret: 'demo-client-secret', enabled: false, directAccessGrants: true },
  { ...clientDefaults, clientId: 'tokendesk-bearer-only', secret: 'demo-client-secret', bearerOnly: true },
  { ...clientDefaults, clientId: 'tokendesk-consent', secret: 'demo-client-secret', directAccessGrants: true, consentRequired: true }
]

/** The grants a client allows, as announced. */
export function keycloakClientGrants(client: KeycloakDemoClient): string[] {
  const grants: string[] = []
  if (client.directAccessGrants) grants.push('password', 'refresh_token')
  if (client.serviceAccounts) grants.push('client_credentials')
  return grants
}
