import type { Handler } from './dispatch'
import { AppError } from '../shared/errors'
import type { Preferences } from '../shared/model'
import type { AccountsService } from './accounts/service'
import { PROVIDERS } from './providers/registry'
import type { ProviderContext } from './providers/provider'
import { recipeFromCurl, testRecipe } from './providers/recipe'
import type { SettingsStore } from './settings/port'
import type { TokensService } from './tokens/service'
import type { EventBus } from './events'

type EngineCommand =
  | 'providers.list'
  | 'preferences.get'
  | 'preferences.update'
  | 'accounts.list'
  | 'accounts.create'
  | 'accounts.update'
  | 'accounts.remove'
  | 'accounts.testLogin'
  | 'accounts.runAction'
  | 'apps.list'
  | 'apps.create'
  | 'apps.update'
  | 'apps.remove'
  | 'apps.import'
  | 'tokens.list'
  | 'tokens.issue'
  | 'tokens.refresh'
  | 'tokens.revoke'
  | 'tokens.forget'
  | 'tokens.clearExpired'
  | 'tokens.inspect'
  | 'tokens.audit'
  | 'tokens.reveal'
  | 'tokens.copy'
  | 'renewal.setPolicy'
  | 'recipes.test'
  | 'recipes.fromCurl'

export type EngineHandlers = { [C in EngineCommand]: Handler<C> }

export interface EngineDeps {
  accounts: AccountsService
  tokens: TokensService
  settings: SettingsStore
  events: EventBus
  context: ProviderContext
}

/** The token engine's commands: thin, each one call into a service. */
export function createEngineHandlers({ accounts, tokens, settings, events, context }: EngineDeps): EngineHandlers {
  const preferences = (): Preferences => settings.get().preferences
  return {
    'providers.list': async () => ({ providers: Object.values(PROVIDERS).map((provider) => provider.info) }),
    'preferences.get': async () => preferences(),
    'preferences.update': async (change) => {
      const next = settings.update((current) => ({ ...current, preferences: { ...current.preferences, ...change } })).preferences
      events.emit('preferences.changed', next)
      return next
    },

    'accounts.list': async () => accounts.list(),
    'accounts.create': async (request) => accounts.createAccount(request),
    'accounts.update': async ({ id, ...change }) => accounts.updateAccount(id, change),
    'accounts.remove': async ({ id }) => {
      accounts.account(id)
      const removedTokens = await tokens.dropOwned({ accountId: id })
      const { apps } = await accounts.removeAccount(id)
      return { removedApps: apps.length, removedTokens }
    },
    'accounts.testLogin': async ({ id, draft }) => {
      if (draft) {
        const { provider, input } = await accounts.draftInput(draft, id !== undefined ? { accountId: id } : undefined)
        return provider.testLogin(input, context)
      }
      const account = accounts.account(id!)
      return accounts.provider(account.providerId).testLogin(await accounts.flowInput(account.id, null), context)
    },
    'accounts.runAction': async ({ id, action }) => {
      const account = accounts.account(id)
      const provider = accounts.provider(account.providerId)
      const flow = provider.info.flows.find((f) => f.id === action && f.produces === 'none')
      if (!flow || !provider.runAction) {
        throw new AppError('FLOW_NOT_SUPPORTED', `${provider.info.label} has no action "${action}".`)
      }
      const result = await provider.runAction(action, await accounts.flowInput(id, null), context)
      // New secrets are stored before anything else: losing a regenerated master token locks the user out.
      if (result.secrets) await accounts.replaceAccountSecrets(id, result.secrets)
      const affectedTokens = result.revokesAllTokens ? tokens.markRevoked(id, `revoked by ${flow.label}`) : 0
      return { message: result.message, affectedTokens }
    },

    'apps.list': async ({ accountId }) => ({ apps: accounts.list().apps.filter((app) => accountId === undefined || app.accountId === accountId) }),
    'apps.create': async ({ accountId, ...input }) => accounts.createApp(accountId, input),
    'apps.update': async ({ id, ...change }) => accounts.updateApp(id, change),
    'apps.remove': async ({ id }) => {
      accounts.app(id)
      const removedTokens = await tokens.dropOwned({ appId: id })
      await accounts.removeApp(id)
      return { removedTokens }
    },
    'apps.import': async ({ accountId }) => {
      const account = accounts.account(accountId)
      const provider = accounts.provider(account.providerId)
      if (!provider.importApps) throw new AppError('NOT_SUPPORTED', `${provider.info.label} cannot list its apps; add them by hand.`)
      const listed = await provider.importApps(await accounts.flowInput(accountId, null), context)
      const existing = accounts.list().apps.filter((app) => app.accountId === accountId)
      const imported = []
      let alreadyPresent = 0
      for (const candidate of listed) {
        const key = JSON.stringify(candidate.fields.appId ?? candidate.fields.clientId ?? candidate.name)
        if (existing.some((app) => JSON.stringify(app.fields.appId ?? app.fields.clientId ?? app.name) === key)) {
          alreadyPresent++
          continue
        }
        imported.push(await accounts.createAppUnchecked(accountId, candidate))
      }
      return { imported, alreadyPresent }
    },

    'tokens.list': async () => ({ tokens: tokens.list() }),
    'tokens.issue': async ({ accountId, appId, flow }) => tokens.issue(accountId, appId ?? null, flow),
    'tokens.refresh': async ({ id }) => tokens.refresh(id),
    'tokens.revoke': async ({ id }) => tokens.revoke(id),
    'tokens.forget': async ({ id }) => ({ forgotten: await tokens.forget(id) }),
    'tokens.clearExpired': async ({ accountId }) => ({ removed: await tokens.clearExpired(accountId) }),
    'tokens.inspect': async ({ id, part }) => tokens.inspect(id, part),
    'tokens.audit': async ({ id }) => ({ events: tokens.auditOf(id) }),
    'tokens.reveal': async ({ id, part }) => tokens.reveal(id, part),
    'tokens.copy': async ({ id, format, part }) => tokens.copy(id, format, part),
    'renewal.setPolicy': async ({ accountId, appId, policy, notify }) => ({ policy, ...tokens.setPolicy(accountId, appId ?? null, policy, notify) }),

    'recipes.test': async ({ id, draft }) => {
      if (draft) {
        if (draft.providerId !== 'recipe') throw new AppError('VALIDATION_FAILED', 'Only recipes can be tested as recipes; use Test login.')
        const { input } = await accounts.draftInput(draft, id !== undefined ? { accountId: id } : undefined)
        return testRecipe(input, context)
      }
      if (id === undefined) throw new AppError('VALIDATION_FAILED', 'Give a recipe account id or a draft.')
      const account = accounts.account(id)
      if (account.providerId !== 'recipe') throw new AppError('VALIDATION_FAILED', `${account.name} is not a recipe.`)
      return testRecipe(await accounts.flowInput(id, null), context)
    },
    'recipes.fromCurl': async ({ command }) => recipeFromCurl(command)
  }
}
