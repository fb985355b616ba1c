import { describe, expect, it } from 'vitest'
import type { EventName } from '../shared/api'
import { call, callError, useHarness } from './faults/support/harness'
import { scriptedContext, type ScriptedAnswer } from './testing/provider-context'

/**
 * The engine's commands through dispatch, on a real core whose HTTP client answers from a script:
 * what each command returns, what it refuses, and what it asks the server.
 */

const h = useHarness()
const MASTER = 'de000000-0000-4000-8000-0000000000aa'
const NEW_MASTER = 'df000000-0000-4000-8000-0000000000bb'
const JSON_HEADERS = { 'content-type': 'application/json' }
const APP_1 = 'aa000000-0000-4000-8000-000000000001'
const APP_2 = 'aa000000-0000-4000-8000-000000000002'
const APP_3 = 'aa000000-0000-4000-8000-000000000003'

function boot(...answers: ScriptedAnswer[]) {
  const { ctx, requests } = scriptedContext(answers, { defaultHeaders: JSON_HEADERS })
  return { core: h.boot({ http: ctx.http }), requests }
}

const session = (): ScriptedAnswer => ({ status: 200, body: { session_token: `${Math.floor(Date.now() / 1000) + 600}:${'ab'.repeat(32)}` } })

async function pocketpaw(core: ReturnType<typeof boot>['core'], name = 'Paw') {
  return call(core, 'accounts.create', { providerId: 'pocketpaw', name, fields: { baseUrl: 'https://paw.example.test' }, secrets: { masterToken: MASTER } })
}

async function respoke(core: ReturnType<typeof boot>['core']) {
  return call(core, 'accounts.create', {
    providerId: 'respoke',
    name: 'Resp',
    fields: { baseUrl: 'https://respoke.example.test', username: 'admin' },
    secrets: { password: 'admin-password-1' }
  })
}

describe('providers and preferences', () => {
  it('lists every provider’s description', async () => {
    const { core } = boot()
    const { providers } = await call(core, 'providers.list', {})
    expect(providers.map((p) => p.id)).toEqual(expect.arrayContaining(['respoke', 'pocketpaw', 'play-oxygen', 'keycloak-proxy', 'recipe']))
    expect(providers.every((p) => p.flows.length > 0)).toBe(true)
  })

  it('an update keeps the other preferences, is what get answers next, and is pushed as an event', async () => {
    const { core } = boot()
    const before = await call(core, 'preferences.get', {})
    const pushed: unknown[] = []
    core.events.subscribe((event: EventName, payload: unknown) => {
      if (event === 'preferences.changed') pushed.push(payload)
    })
    const next = await call(core, 'preferences.update', { clipboardClearSeconds: 5 })
    expect(next).toEqual({ ...before, clipboardClearSeconds: 5 })
    expect(await call(core, 'preferences.get', {})).toEqual(next)
    expect(pushed).toEqual([next])
  })
})

describe('accounts', () => {
  it('remove answers how many apps and tokens went with it; an unknown id is ACCOUNT_NOT_FOUND and removes nothing', async () => {
    const { core } = boot(session(), session())
    const paw = await pocketpaw(core)
    const other = await pocketpaw(core, 'Other')
    await call(core, 'tokens.issue', { accountId: paw.id })
    await call(core, 'tokens.issue', { accountId: other.id })
    expect(await callError(core, 'accounts.remove', { id: 'missing' })).toMatchObject({ code: 'ACCOUNT_NOT_FOUND' })
    expect(core.tokens.list()).toHaveLength(2)
    expect(await call(core, 'accounts.remove', { id: paw.id })).toEqual({ removedApps: 0, removedTokens: 1 })
    expect(core.tokens.list().map((t) => t.accountId)).toEqual([other.id])
  })

  it('test login of a saved account uses its stored secret; a draft for it may leave the secret out, a new draft may not', async () => {
    const health = (status: number): ScriptedAnswer => ({ status, body: {} })
    const { core, requests } = boot(session(), health(200), health(401), session(), health(200), health(401))
    const paw = await pocketpaw(core)
    const saved = await call(core, 'accounts.testLogin', { id: paw.id })
    expect(saved.message).toMatch(/^Master token accepted; session token verified/)
    expect(requests[0]!.headers).toMatchObject({ authorization: `Bearer ${MASTER}` })
    const draft = { providerId: 'pocketpaw' as const, fields: { baseUrl: 'https://paw2.example.test' }, secrets: {} }
    expect((await call(core, 'accounts.testLogin', { id: paw.id, draft })).message).toMatch(/^Master token accepted/)
    expect(requests[3]).toMatchObject({ url: expect.stringMatching(/^https:\/\/paw2\.example\.test\//), headers: { authorization: `Bearer ${MASTER}` } })
    expect(await callError(core, 'accounts.testLogin', { draft })).toMatchObject({ code: 'VALIDATION_FAILED' })
    expect(requests).toHaveLength(6)
  })

  it('an action stores the new secret before anything else and marks the account’s tokens revoked', async () => {
    const { core, requests } = boot(session(), { status: 200, body: { token: NEW_MASTER } }, session())
    const paw = await pocketpaw(core)
    const token = await call(core, 'tokens.issue', { accountId: paw.id })
    expect(await call(core, 'accounts.runAction', { id: paw.id, action: 'regenerate-master' })).toEqual({
      message: 'Generated a new master token and stored it. Every session token of this server is now invalid.',
      affectedTokens: 1
    })
    expect(core.tokens.list()[0]).toMatchObject({ id: token.id, state: 'revoked' })
    await call(core, 'tokens.issue', { accountId: paw.id })
    expect(requests[2]!.headers).toMatchObject({ authorization: `Bearer ${NEW_MASTER}` })
  })

  it('an action the provider does not have, or a token flow named as one, is FLOW_NOT_SUPPORTED without a request', async () => {
    const { core, requests } = boot()
    const paw = await pocketpaw(core)
    expect(await callError(core, 'accounts.runAction', { id: paw.id, action: 'teleport' })).toEqual({
      code: 'FLOW_NOT_SUPPORTED',
      message: 'PocketPaw has no action "teleport".'
    })
    expect((await callError(core, 'accounts.runAction', { id: paw.id, action: 'session' })).code).toBe('FLOW_NOT_SUPPORTED')
    const resp = await respoke(core)
    expect((await callError(core, 'accounts.runAction', { id: resp.id, action: 'admin-login' })).code).toBe('FLOW_NOT_SUPPORTED')
    expect(requests).toEqual([])
  })
})

describe('apps', () => {
  it('import adds the listed apps once: a second import counts them as already present', async () => {
    const login = (): ScriptedAnswer => ({ status: 200, body: { token: 'admin-token-value-0001' } })
    const listing: ScriptedAnswer = {
      status: 200,
      body: [
        { id: APP_1, name: 'First' },
        { id: APP_2, name: 'Second' }
      ]
    }
    const grown: ScriptedAnswer = { status: 200, body: [...(listing.body as object[]), { id: APP_3, name: 'Third' }] }
    const { core } = boot(login(), listing, login(), grown, login(), listing)
    const resp = await respoke(core)
    const first = await call(core, 'apps.import', { accountId: resp.id })
    expect(first.alreadyPresent).toBe(0)
    expect(first.imported.map((app) => [app.name, app.fields.appId])).toEqual([
      ['First', APP_1],
      ['Second', APP_2]
    ])
    const second = await call(core, 'apps.import', { accountId: resp.id })
    expect(second.imported.map((app) => app.name)).toEqual(['Third'])
    expect(second.alreadyPresent).toBe(2)
    expect((await call(core, 'apps.list', { accountId: resp.id })).apps).toHaveLength(3)
    // Another account's apps with the same ids are its own: they do not count as present here.
    const other = await respoke(core)
    expect((await call(core, 'apps.import', { accountId: other.id })).imported).toHaveLength(2)
  })

  it('a provider that cannot list apps says so', async () => {
    const { core } = boot()
    const paw = await pocketpaw(core)
    expect(await callError(core, 'apps.import', { accountId: paw.id })).toEqual({ code: 'NOT_SUPPORTED', message: 'PocketPaw cannot list its apps; add them by hand.' })
  })

  it('list filters by account; remove answers the tokens removed, an unknown app is APP_NOT_FOUND; update renames', async () => {
    const { core } = boot({ status: 200, body: { access_token: 'keycloak-access-value-1', expires_in: 300 } })
    const keycloak = (name: string) =>
      call(core, 'accounts.create', { providerId: 'keycloak-proxy', name, fields: { baseUrl: 'https://auth.example.test', username: 'jane' }, secrets: { password: 'pw-123456' } })
    const first = await keycloak('First')
    const second = await keycloak('Second')
    const client = (accountId: string, name: string) => call(core, 'apps.create', { accountId, name, fields: { clientId: name, grant: 'password' }, secrets: {} })
    const app = await client(first.id, 'One')
    await client(second.id, 'Two')
    expect((await call(core, 'apps.list', { accountId: first.id })).apps.map((a) => a.name)).toEqual(['One'])
    expect((await call(core, 'apps.list', {})).apps).toHaveLength(2)
    expect(await callError(core, 'apps.remove', { id: 'missing' })).toMatchObject({ code: 'APP_NOT_FOUND' })
    await call(core, 'tokens.issue', { accountId: first.id, appId: app.id })
    expect(await call(core, 'apps.remove', { id: app.id })).toEqual({ removedTokens: 1 })
    expect((await call(core, 'apps.list', {})).apps.map((a) => a.name)).toEqual(['Two'])
    expect((await call(core, 'apps.update', { id: (await call(core, 'apps.list', {})).apps[0]!.id, name: 'Renamed' })).name).toBe('Renamed')
    expect((await call(core, 'accounts.update', { id: first.id, name: 'First again' })).name).toBe('First again')
    expect((await call(core, 'accounts.list', {})).accounts.map((a) => a.name)).toEqual(['First again', 'Second'])
  })
})

describe('recipes', () => {
  const recipeFields = { method: 'POST', url: 'https://login.example.test/session', body: '{"key": "{{secret:apiKey}}"}', tokenFrom: 'json:/token', expiryFrom: 'json:/ttl' }
  const answer: ScriptedAnswer = { status: 200, body: { token: 'recipe-token-value-12345', ttl: 60 } }

  it('a draft or a saved recipe runs once and answers what it found, masked', async () => {
    const { core, requests } = boot(answer, answer, answer)
    const draft = { providerId: 'recipe' as const, fields: recipeFields, secrets: { apiKey: 'key-value-1' } }
    const tested = await call(core, 'recipes.test', { draft })
    expect(tested).toMatchObject({ status: 200, tokenMasked: 'reci…2345', tokenLength: 24, expirySource: 'recipe' })
    expect(requests[0]!.body).toBe('{"key": "key-value-1"}')
    const saved = await call(core, 'accounts.create', { providerId: 'recipe', name: 'Login', fields: recipeFields, secrets: { apiKey: 'key-value-2' } })
    expect((await call(core, 'recipes.test', { id: saved.id })).tokenMasked).toBe('reci…2345')
    expect(requests[1]!.body).toBe('{"key": "key-value-2"}')
    // A draft for a saved recipe may leave its secrets out: the stored ones are used.
    await call(core, 'recipes.test', { id: saved.id, draft: { ...draft, secrets: {} } })
    expect(requests[2]!.body).toBe('{"key": "key-value-2"}')
  })

  it('only recipes are tested as recipes, and something must be named', async () => {
    const { core, requests } = boot()
    const paw = await pocketpaw(core)
    expect(await callError(core, 'recipes.test', { draft: { providerId: 'pocketpaw', fields: {}, secrets: {} } })).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'Only recipes can be tested as recipes; use Test login.'
    })
    expect(await callError(core, 'recipes.test', {})).toEqual({ code: 'VALIDATION_FAILED', message: 'Give a recipe account id or a draft.' })
    expect(await callError(core, 'recipes.test', { id: paw.id })).toEqual({ code: 'VALIDATION_FAILED', message: 'Paw is not a recipe.' })
    expect(requests).toEqual([])
  })

  it('a curl command becomes recipe fields with its credentials as secrets', async () => {
    const { core } = boot()
    const result = await call(core, 'recipes.fromCurl', { command: "curl -X POST https://login.example.test/session -H 'Authorization: Bearer abc123secret'" })
    expect(result.fields).toMatchObject({ method: 'POST' })
    expect(Object.values(result.secrets)).toEqual(['abc123secret'])
  })
})

describe('tokens', () => {
  it('issue names a flow; clear expired and set policy answer counts; the value commands reach the token', async () => {
    const { core } = boot(session(), session())
    const paw = await pocketpaw(core)
    expect(await callError(core, 'tokens.issue', { accountId: paw.id, flow: 'nope' })).toMatchObject({ code: 'FLOW_NOT_SUPPORTED' })
    const token = await call(core, 'tokens.issue', { accountId: paw.id, flow: 'session' })
    expect(token.kind).toBe('session')
    expect(await call(core, 'tokens.clearExpired', { accountId: paw.id })).toEqual({ removed: 0 })
    expect(await call(core, 'renewal.setPolicy', { accountId: paw.id, policy: { mode: 'off' } })).toEqual({ policy: { mode: 'off' }, notify: true, tokensUpdated: 1 })
    expect((await call(core, 'tokens.reveal', { id: token.id })).value).toMatch(/^\d+:(ab)+$/)
    expect((await call(core, 'tokens.copy', { id: token.id, format: 'header' })).text).toMatch(/^Authorization: Bearer \d+:/)
    expect((await call(core, 'tokens.audit', { id: token.id })).events.map((e) => e.kind)).toEqual(['issued', 'revealed', 'copied'])
    expect((await call(core, 'tokens.refresh', { id: token.id })).id).toBe(token.id)
    expect(await callError(core, 'tokens.revoke', { id: token.id })).toMatchObject({ code: 'NOT_SUPPORTED' })
    expect((await call(core, 'tokens.inspect', { id: token.id })).format).toBe('pocketpaw')
    expect(await call(core, 'tokens.forget', { id: token.id })).toEqual({ forgotten: true })
    expect(await call(core, 'tokens.list', {})).toEqual({ tokens: [] })
  })
})
