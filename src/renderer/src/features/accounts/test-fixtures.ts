import type { SecretsStatus } from '../../../../shared/contract'
import type { Account, App, ProviderInfo, Token } from '../../../../shared/model'

/** A provider whose forms use every field kind (what the renderer must generate without knowing it). */
export const kitchenSink: ProviderInfo = {
  id: 'respoke',
  label: 'Respoke',
  description: 'Admin login, tokenIds and App-Token sessions.',
  appNoun: 'app',
  accountFields: [
    { name: 'baseUrl', label: 'Base URL', kind: 'url', required: true, placeholder: 'https://api.respoke.io/v1', help: 'The REST API root.' },
    { name: 'username', label: 'Admin user name', kind: 'text', required: true },
    { name: 'password', label: 'Admin password', kind: 'secret', required: true },
    { name: 'notes', label: 'Notes', kind: 'text', required: false, multiline: true },
    { name: 'ttl', label: 'Lifetime (seconds)', kind: 'number', required: true, default: 3600, validation: { min: 60 } },
    {
      name: 'route',
      label: 'Login route',
      kind: 'choice',
      required: true,
      default: 'admin-sessions',
      advanced: true,
      choices: [
        { value: 'admin-sessions', label: 'admin-sessions' },
        { value: 'adminsessions', label: 'adminsessions (legacy)' }
      ]
    },
    { name: 'allowInsecureHttp', label: 'Allow plain HTTP to a remote host', kind: 'boolean', required: false, default: false, advanced: true }
  ],
  appFields: [
    { name: 'appId', label: 'App ID', kind: 'text', required: true },
    { name: 'appSecret', label: 'App-Secret', kind: 'secret', required: true }
  ],
  flows: [
    { id: 'admin-login', label: 'Admin-Token', description: 'Admin login.', target: 'account', produces: 'token', primary: true },
    { id: 'app-session', label: 'App-Token session', description: 'App session.', target: 'app', produces: 'token', primary: true },
    { id: 'token-id', label: 'tokenId for a client SDK', description: 'tokenId.', target: 'app', produces: 'token', primary: false }
  ],
  canImportApps: true,
  presets: [{ id: 'sandbox', label: 'Respoke sandbox', description: 'Demo only.', fields: { username: 'demo-admin', baseUrl: 'http://127.0.0.1:4100/respoke/v1' } }]
}

export const recipeProvider: ProviderInfo = {
  id: 'recipe',
  label: 'Recipe',
  description: 'Any HTTP login, described as data.',
  appNoun: null,
  accountFields: [
    { name: 'method', label: 'Method', kind: 'choice', required: true, default: 'POST', choices: [{ value: 'POST', label: 'POST' }, { value: 'GET', label: 'GET' }] },
    { name: 'url', label: 'URL', kind: 'url', required: true },
    { name: 'headers', label: 'Headers', kind: 'text', required: false, multiline: true },
    { name: 'body', label: 'Body', kind: 'text', required: false, multiline: true },
    { name: 'tokenPointer', label: 'Token at', kind: 'text', required: true, default: '/token' }
  ],
  appFields: [],
  flows: [{ id: 'login', label: 'Recipe login', description: 'Runs the recipe.', target: 'account', produces: 'token', primary: true }],
  canImportApps: false,
  presets: []
}

export const pocketpaw: ProviderInfo = {
  id: 'pocketpaw',
  label: 'PocketPaw',
  description: 'Session tokens from a master token.',
  appNoun: null,
  accountFields: [
    { name: 'baseUrl', label: 'Base URL', kind: 'url', required: true },
    { name: 'masterToken', label: 'Master token', kind: 'secret', required: true }
  ],
  appFields: [],
  flows: [
    { id: 'session', label: 'Session token', description: 'Exchanges the master token.', target: 'account', produces: 'token', primary: true },
    {
      id: 'regenerate-master',
      label: 'Regenerate master token',
      description: 'Makes a new master token.',
      target: 'account',
      produces: 'none',
      primary: false,
      confirm: 'Every session token of this server stops working at once.'
    }
  ],
  canImportApps: false,
  presets: []
}

export const account: Account = {
  id: 'acc1',
  providerId: 'respoke',
  name: 'Staging Respoke',
  fields: { baseUrl: 'http://127.0.0.1:4100/respoke/v1', username: 'admin', ttl: 3600, route: 'admin-sessions', allowInsecureHttp: false },
  secretsSet: ['password'],
  renewal: { mode: 'fraction', fraction: 0.8 },
  notify: true,
  demo: false,
  createdAt: 1,
  updatedAt: 1
}

export const app: App = {
  id: 'app1',
  accountId: 'acc1',
  name: 'Web client',
  fields: { appId: '0dfcfe78-c4af-497f-88f6-c6b3a8151fb3' },
  secretsSet: ['appSecret'],
  renewal: { mode: 'fraction', fraction: 0.8 },
  notify: true,
  demo: false,
  createdAt: 2,
  updatedAt: 2
}

export function token(over: Partial<Token> = {}): Token {
  const now = Date.now()
  return {
    id: 'tok1',
    accountId: 'acc1',
    appId: null,
    providerId: 'respoke',
    flow: 'admin-login',
    kind: 'Admin-Token',
    label: 'Staging Respoke · Admin-Token',
    state: 'live',
    format: 'opaque',
    issuedAt: now - 60_000,
    expiresAt: now + 3_600_000,
    expirySource: 'ttl',
    notBefore: null,
    skewMs: 0,
    refresh: null,
    renewal: { policy: { mode: 'fraction', fraction: 0.8 }, method: 'reissue', nextAt: null, lastError: null, failures: 0 },
    renewals: [],
    header: { name: 'Admin-Token', prefix: '' },
    revocable: false,
    demo: false,
    updatedAt: now,
    ...over
  }
}

export const keychainOk: SecretsStatus = {
  active: { backend: 'keychain', status: 'ok', ephemeral: false, checkedAt: 0 },
  backendChosen: true,
  vault: { state: 'absent', path: '/d/vault.tdv', autoLockMinutes: 15 },
  alternatives: []
}

export const memoryOnly: SecretsStatus = {
  ...keychainOk,
  active: { backend: 'memory', status: 'ok', ephemeral: true, checkedAt: 0 }
}
