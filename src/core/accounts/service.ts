import { randomBytes } from 'node:crypto'
import { AppError } from '../../shared/errors'
import { normalizeFields, validateFields } from '../../shared/fields'
import {
  DEFAULT_RENEWAL,
  type Account,
  type App,
  type FieldSpec,
  type FieldValues,
  type ProviderId,
  type RenewalPolicy,
  type SecretValues
} from '../../shared/model'
import type { Logger } from '../log'
import type { CredentialSet, FlowInput, Provider } from '../providers/provider'
import type { SecretStore } from '../secrets/port'
import type { SettingsStore } from '../settings/port'

export function newId(): string {
  return randomBytes(9).toString('base64url')
}

export interface AccountsServiceOptions {
  settings: SettingsStore
  /** The facade over the backend in use. */
  secrets: () => SecretStore
  providers: Readonly<Record<ProviderId, Provider>>
  log: Logger
  now: () => number
  /** Every secret value handled is registered here so no log line can carry it. */
  redact: (value: string) => void
}

/**
 * How long credentials read from the secret store are reused for issuing and renewing. A keychain
 * read is a D-Bus/IPC round trip (3–15 ms each, measured by `npm run bench`), paid per secret on
 * every issue and every scheduled renewal. The values are already held in memory by the log's
 * redaction set, so caching them adds no new exposure; every write, removal, backend switch and
 * vault lock drops the cache, and the TTL bounds how long an outside change (a keychain edited
 * or locked behind TokenDesk's back) goes unseen.
 */
export const SECRET_CACHE_MS = 60_000

export interface AccountInput {
  providerId: ProviderId
  name: string
  fields: FieldValues
  secrets: SecretValues
  demo?: boolean
}

/**
 * Accounts and apps: metadata in settings, each secret one item in the secret store
 * (`credential/<accountId>/<field>`, apps `credential/<accountId>/app/<appId>/<field>`).
 * Secrets are written before the metadata that points at them and deleted after it, so an
 * interruption leaves at worst an orphaned secret, never an account whose secret is gone.
 */
export class AccountsService {
  private readonly listeners = new Set<() => void>()
  private readonly secretCache = new Map<string, { store: SecretStore; names: string; secrets: SecretValues; at: number }>()
  /** Bumped whenever the cache is dropped, so a read that raced a write is not cached. */
  private secretGeneration = 0

  constructor(private readonly options: AccountsServiceOptions) {}

  onChange(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  list(): { accounts: Account[]; apps: App[] } {
    const settings = this.options.settings.get()
    return { accounts: settings.accounts, apps: settings.apps }
  }

  provider(id: ProviderId): Provider {
    const provider = this.options.providers[id]
    if (!provider) throw new AppError('PROVIDER_NOT_FOUND', `TokenDesk does not know the provider "${id}".`)
    return provider
  }

  account(id: string): Account {
    const account = this.options.settings.get().accounts.find((a) => a.id === id)
    if (!account) throw new AppError('ACCOUNT_NOT_FOUND', 'That account no longer exists. It may have been removed.', { accountId: id })
    return account
  }

  app(id: string, accountId?: string): App {
    const app = this.options.settings.get().apps.find((a) => a.id === id)
    if (!app || (accountId !== undefined && app.accountId !== accountId)) {
      throw new AppError('APP_NOT_FOUND', 'That app no longer exists, or belongs to another account.', { appId: id })
    }
    return app
  }

  accountSpecs(providerId: ProviderId, fields: FieldValues): FieldSpec[] {
    const provider = this.provider(providerId)
    return [...provider.info.accountFields, ...(provider.extraSecretFields?.(fields) ?? [])]
  }

  appSpecs(providerId: ProviderId): FieldSpec[] {
    return this.provider(providerId).info.appFields
  }

  /** Checks a draft (create, update, test) and answers the normalized fields. */
  checkDraft(specs: FieldSpec[], fields: FieldValues, secrets: SecretValues, storedSecrets: readonly string[] = []): FieldValues {
    const errors = validateFields(specs, fields, secrets, { storedSecrets })
    const names = Object.keys(errors)
    if (names.length > 0) {
      const first = errors[names[0]!]!
      throw new AppError('VALIDATION_FAILED', names.length === 1 ? first : `${first} (and ${names.length - 1} more)`, { fields: errors })
    }
    return normalizeFields(specs, fields)
  }

  async createAccount(input: AccountInput): Promise<Account> {
    const provider = this.provider(input.providerId)
    const specs = this.accountSpecs(input.providerId, input.fields)
    const fields = this.checkDraft(specs, input.fields, input.secrets)
    const now = this.options.now()
    const account: Account = {
      id: newId(),
      providerId: input.providerId,
      name: input.name.trim(),
      fields,
      secretsSet: [],
      renewal: DEFAULT_RENEWAL,
      notify: true,
      demo: input.demo ?? false,
      createdAt: now,
      updatedAt: now
    }
    account.secretsSet = await this.writeSecrets(accountPrefix(account.id), input.secrets, [])
    try {
      this.options.settings.update((current) => ({ ...current, accounts: [...current.accounts, account] }))
    } catch (error) {
      await this.deleteSecrets(accountPrefix(account.id), account.secretsSet)
      throw error
    }
    this.options.log.info('accounts', `created ${provider.info.label} account ${account.id}`)
    this.changed()
    return account
  }

  async updateAccount(id: string, change: { name?: string; fields?: FieldValues; secrets?: SecretValues }): Promise<Account> {
    const account = this.account(id)
    const fields = change.fields ?? account.fields
    const specs = this.accountSpecs(account.providerId, fields)
    const secrets = change.secrets ?? {}
    const normalized = this.checkDraft(specs, fields, secrets, account.secretsSet)
    const secretsSet = await this.writeSecrets(accountPrefix(id), secrets, account.secretsSet)
    const updated: Account = { ...account, name: change.name?.trim() ?? account.name, fields: normalized, secretsSet, updatedAt: this.options.now() }
    this.replaceAccount(updated)
    return updated
  }

  /** Stores secrets an action replaced (a regenerated master token) before anything else uses them. */
  async replaceAccountSecrets(id: string, secrets: SecretValues): Promise<void> {
    const account = this.account(id)
    const secretsSet = await this.writeSecrets(accountPrefix(id), secrets, account.secretsSet)
    this.replaceAccount({ ...account, secretsSet, updatedAt: this.options.now() })
  }

  setAccountPolicy(id: string, renewal: RenewalPolicy, notify: boolean | undefined): Account {
    const account = this.account(id)
    const updated = { ...account, renewal, notify: notify ?? account.notify, updatedAt: this.options.now() }
    this.replaceAccount(updated)
    return updated
  }

  async removeAccount(id: string): Promise<{ apps: App[] }> {
    const account = this.account(id)
    const apps = this.options.settings.get().apps.filter((app) => app.accountId === id)
    this.options.settings.update((current) => ({
      ...current,
      accounts: current.accounts.filter((a) => a.id !== id),
      apps: current.apps.filter((app) => app.accountId !== id)
    }))
    // After the metadata is gone: every item under the account's prefix, apps' included.
    await this.deletePrefix(accountPrefix(account.id))
    this.changed()
    return { apps }
  }

  async createApp(
    accountId: string,
    input: { name: string; fields: FieldValues; secrets: SecretValues; demo?: boolean },
    /** Secrets that may be missing for now (imported apps). */
    deferredSecrets: readonly string[] = []
  ): Promise<App> {
    const account = this.account(accountId)
    const specs = this.appSpecs(account.providerId)
    if (specs.length === 0) {
      throw new AppError('NOT_SUPPORTED', `${this.provider(account.providerId).info.label} accounts have no apps: they issue tokens directly.`)
    }
    const fields = this.checkDraft(specs, input.fields, input.secrets, deferredSecrets)
    const now = this.options.now()
    const app: App = {
      id: newId(),
      accountId,
      name: input.name.trim(),
      fields,
      secretsSet: [],
      renewal: account.renewal,
      notify: account.notify,
      demo: input.demo ?? false,
      createdAt: now,
      updatedAt: now
    }
    app.secretsSet = await this.writeSecrets(appPrefix(accountId, app.id), input.secrets, [])
    try {
      this.options.settings.update((current) => ({ ...current, apps: [...current.apps, app] }))
    } catch (error) {
      await this.deleteSecrets(appPrefix(accountId, app.id), app.secretsSet)
      throw error
    }
    this.changed()
    return app
  }

  /** An app listed by the server (import): its secrets are not listed there, so the user adds them later. */
  async createAppUnchecked(accountId: string, input: { name: string; fields: FieldValues }): Promise<App> {
    const account = this.account(accountId)
    const secretNames = this.appSpecs(account.providerId).filter((spec) => spec.kind === 'secret').map((spec) => spec.name)
    this.checkDraft(this.appSpecs(account.providerId), input.fields, {}, secretNames)
    return this.createApp(accountId, { ...input, secrets: {} }, secretNames)
  }

  async updateApp(id: string, change: { name?: string; fields?: FieldValues; secrets?: SecretValues }): Promise<App> {
    const app = this.app(id)
    const account = this.account(app.accountId)
    const specs = this.appSpecs(account.providerId)
    const normalized = this.checkDraft(specs, change.fields ?? app.fields, change.secrets ?? {}, app.secretsSet)
    const secretsSet = await this.writeSecrets(appPrefix(app.accountId, id), change.secrets ?? {}, app.secretsSet)
    const updated: App = { ...app, name: change.name?.trim() ?? app.name, fields: normalized, secretsSet, updatedAt: this.options.now() }
    this.replaceApp(updated)
    return updated
  }

  setAppPolicy(id: string, renewal: RenewalPolicy, notify: boolean | undefined): App {
    const app = this.app(id)
    const updated = { ...app, renewal, notify: notify ?? app.notify, updatedAt: this.options.now() }
    this.replaceApp(updated)
    return updated
  }

  async removeApp(id: string): Promise<App> {
    const app = this.app(id)
    this.options.settings.update((current) => ({ ...current, apps: current.apps.filter((a) => a.id !== id) }))
    await this.deletePrefix(appPrefix(app.accountId, id))
    this.changed()
    return app
  }

  /** What a flow runs with: values plus the secrets loaded from the store. */
  async flowInput(accountId: string, appId: string | null): Promise<FlowInput> {
    const account = this.account(accountId)
    const app = appId === null ? null : this.app(appId, accountId)
    return {
      account: await this.credentialSet(accountPrefix(account.id), account),
      app: app ? await this.credentialSet(appPrefix(account.id, app.id), app) : null
    }
  }

  /** A saved account with unsaved changes laid over it, or a draft: for Test login. */
  async draftInput(
    draft: { providerId: ProviderId; fields: FieldValues; secrets: SecretValues },
    base?: { accountId: string }
  ): Promise<{ provider: Provider; input: FlowInput }> {
    const stored = base ? await this.flowInput(base.accountId, null) : null
    const specs = this.accountSpecs(draft.providerId, draft.fields)
    const fields = this.checkDraft(specs, draft.fields, draft.secrets, stored ? Object.keys(stored.account.secrets) : [])
    for (const value of Object.values(draft.secrets)) if (value) this.options.redact(value)
    const secrets = { ...(stored?.account.secrets ?? {}), ...Object.fromEntries(Object.entries(draft.secrets).filter(([, v]) => v !== '')) }
    return {
      provider: this.provider(draft.providerId),
      input: { account: { id: base?.accountId ?? 'draft', name: 'This account', fields, secrets }, app: null }
    }
  }

  /** Drops cached credentials: the secret store changed under us (backend switch, vault locked or unlocked). */
  forgetCachedSecrets(): void {
    this.secretGeneration++
    this.secretCache.clear()
  }

  private async credentialSet(prefix: string, owner: { name: string; fields: FieldValues; secretsSet: string[]; id: string }): Promise<CredentialSet> {
    const store = this.options.secrets()
    const names = owner.secretsSet.join('\n')
    const now = this.options.now()
    const cached = this.secretCache.get(prefix)
    if (cached && cached.store === store && cached.names === names && now - cached.at >= 0 && now - cached.at < SECRET_CACHE_MS) {
      return { id: owner.id, name: owner.name, fields: owner.fields, secrets: { ...cached.secrets } }
    }
    const generation = this.secretGeneration
    const secrets: SecretValues = {}
    for (const name of owner.secretsSet) {
      const value = await store.get(`${prefix}/${name}`)
      if (value === null) {
        throw new AppError('SECRET_NOT_FOUND', `${owner.name}: the stored ${name} is missing from the secret store. Edit it and enter it again.`, {
          field: name
        })
      }
      this.options.redact(value)
      secrets[name] = value
    }
    if (generation === this.secretGeneration) this.secretCache.set(prefix, { store, names, secrets: { ...secrets }, at: now })
    return { id: owner.id, name: owner.name, fields: owner.fields, secrets }
  }

  /** Writes the given secrets; '' clears one. Returns the names now set. */
  private async writeSecrets(prefix: string, secrets: SecretValues, already: string[]): Promise<string[]> {
    this.forgetCachedSecrets()
    const store = this.options.secrets()
    const set = new Set(already)
    for (const [name, value] of Object.entries(secrets)) {
      if (value === '') {
        if (set.delete(name)) await store.delete(`${prefix}/${name}`)
        continue
      }
      this.options.redact(value)
      await store.set(`${prefix}/${name}`, value)
      set.add(name)
    }
    return [...set].sort()
  }

  private async deleteSecrets(prefix: string, names: string[]): Promise<void> {
    this.forgetCachedSecrets()
    for (const name of names) await this.options.secrets().delete(`${prefix}/${name}`).catch(() => false)
  }

  private async deletePrefix(prefix: string): Promise<void> {
    this.forgetCachedSecrets()
    const store = this.options.secrets()
    const keys = await store.keys()
    for (const key of keys) if (key.startsWith(`${prefix}/`)) await store.delete(key)
  }

  private replaceAccount(updated: Account): void {
    this.options.settings.update((current) => ({ ...current, accounts: current.accounts.map((a) => (a.id === updated.id ? updated : a)) }))
    this.changed()
  }

  private replaceApp(updated: App): void {
    this.options.settings.update((current) => ({ ...current, apps: current.apps.map((a) => (a.id === updated.id ? updated : a)) }))
    this.changed()
  }

  private changed(): void {
    this.forgetCachedSecrets()
    for (const listener of this.listeners) listener()
  }
}

export function accountPrefix(accountId: string): string {
  return `credential/${accountId}`
}

export function appPrefix(accountId: string, appId: string): string {
  return `credential/${accountId}/app/${appId}`
}
