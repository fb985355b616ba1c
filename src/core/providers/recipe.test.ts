import { afterAll, describe, expect, it } from 'vitest'
import { AppError } from '../../shared/errors'
import type { FieldValues, SecretValues } from '../../shared/model'
import { PLAY_OXYGEN_DEMO, POCKETPAW_DEMO } from '../../sandbox/demo-data'
import { jwtPart, patchSettings, useSandbox } from '../../sandbox/test-support'
import { createHttpClient } from '../http/client'
import type { Logger } from '../log'
import type { FlowInput, ProviderContext } from './provider'
import { maskToken, recipeProvider, testRecipe } from './recipe'
import { RECIPE_PRESETS } from './recipe/presets'

const handle = useSandbox()

const logLines: string[] = []
const log: Logger = {
  debug: (scope, message) => void logLines.push(`${scope} ${message}`),
  info: (scope, message) => void logLines.push(`${scope} ${message}`),
  warn: (scope, message) => void logLines.push(`${scope} ${message}`),
  error: (scope, message) => void logLines.push(`${scope} ${message}`),
  redact: () => undefined
}
const http = createHttpClient({ log, sleep: () => Promise.resolve(), maxAttempts: 1 })
const ctx: ProviderContext = { http, log, now: () => Date.now() }
afterAll(async () => {
  await http.close?.()
})

const DEMO_CLIENT = PLAY_OXYGEN_DEMO.clients[0]!

function preset(id: string): FieldValues {
  const found = RECIPE_PRESETS.find((entry) => entry.id === id)
  if (!found) throw new Error(`no preset ${id}`)
  return { ...found.fields }
}

function input(fields: FieldValues, secrets: SecretValues, name = 'My API'): FlowInput {
  return { account: { id: 'acc1', name, fields, secrets }, app: null }
}

function pocketpaw(extra: FieldValues = {}, secrets: SecretValues = { masterToken: POCKETPAW_DEMO.masterToken }): FlowInput {
  return input({ ...preset('pocketpaw-session'), baseUrl: handle.sandbox.ready.baseUrls.pocketpaw, ...extra }, secrets)
}

function playOxygen(extra: FieldValues = {}, secrets: SecretValues = { apiKey: DEMO_CLIENT.apiKey, secret: DEMO_CLIENT.secret }): FlowInput {
  return input({ ...preset('play-oxygen-session'), baseUrl: handle.sandbox.ready.baseUrls.playOxygen, ...extra }, secrets)
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof AppError) return error
    throw error
  }
  throw new Error('expected an AppError')
}

async function addFault(fault: Record<string, unknown>): Promise<void> {
  const response = await fetch(handle.url('/__sandbox/faults'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) })
  expect(response.status).toBe(201)
}

async function requestCount(route: string): Promise<number> {
  const counters = (await (await fetch(handle.url('/__sandbox/counters'))).json()) as Record<string, number>
  return counters[route] ?? 0
}

/** A recipe against a canned answer (fault injection on a real route): what a user's own API might say. */
async function cannedAnswer(body: unknown, headers: Record<string, string> = {}, extra: FieldValues = {}): Promise<FlowInput> {
  await addFault({ path: '/pocketpaw/api/auth/session', method: 'POST', respond: { kind: 'status', status: 200, body, headers } })
  return pocketpaw({ tokenFrom: 'json:/access_token', expiryFrom: '', expiryFormat: 'auto', ...extra })
}

const SESSION_ROUTE = 'POST /pocketpaw/api/auth/session'

describe('the provider as the form sees it', () => {
  it('declares the recipe as fields, one primary login flow, no apps, and two presets', () => {
    const info = recipeProvider.info
    expect(info.accountFields.map((field) => field.name)).toEqual([
      'baseUrl', 'method', 'url', 'headers', 'body', 'tokenFrom', 'expiryFrom', 'expiryFormat', 'headerName', 'headerPrefix', 'variables', 'allowInsecureHttp'
    ])
    expect(info.flows).toEqual([expect.objectContaining({ id: 'login', target: 'account', produces: 'token', primary: true })])
    expect(info.appNoun).toBeNull()
    expect(info.appFields).toEqual([])
    expect(info.presets.map((entry) => entry.id)).toEqual(['pocketpaw-session', 'play-oxygen-session'])
    for (const entry of info.presets) expect(entry.description).toContain('DEMO ONLY')
    for (const field of info.accountFields) {
      expect(field.label).not.toBe('')
      expect(field.help ?? '').not.toBe('')
    }
  })

  it('asks for one secret per distinct {{secret:name}}, labelled with the name', () => {
    const specs = recipeProvider.extraSecretFields!(preset('play-oxygen-session'))
    expect(specs.map((spec) => [spec.name, spec.label, spec.kind, spec.required])).toEqual([
      ['apiKey', 'apiKey', 'secret', true],
      ['secret', 'secret', 'secret', true]
    ])
    expect(recipeProvider.extraSecretFields!({ url: 'https://x/{{secret:a}}', headers: 'X: {{secret:a}}\nY: {{base64:{{secret:b}}}}' }).map((s) => s.name)).toEqual(['a', 'b'])
  })

  it('refuses a broken recipe when it is saved, naming the placeholder', () => {
    const check = (fields: FieldValues): AppError => {
      try {
        recipeProvider.extraSecretFields!(fields)
      } catch (error) {
        return error as AppError
      }
      throw new Error('expected RECIPE_INVALID')
    }
    expect(check({ url: '{{field:baseUrl}}/x/{{field:tenant}}' }).message).toBe('{{field:tenant}} names no field or variable. Add a line "tenant=…" to Variables.')
    expect(check({ url: 'https://x', body: '{"a": "{{env:HOME}}"}' }).message).toContain('unknown placeholder {{env:HOME}}')
    expect(check({ url: 'https://x', headers: 'X-Key: {{secret:url}}' }).message).toContain('"url" is a recipe field')
  })
})

describe('the PocketPaw preset against the sandbox', () => {
  it('issues a session token the sandbox accepts, expiring when the token itself says (within 1 s)', async () => {
    const token = await recipeProvider.issue('login', pocketpaw(), ctx)
    expect(token).toMatchObject({ kind: 'token', format: 'opaque', renewal: 'reissue', revocable: false, refresh: null, header: { name: 'Authorization', prefix: 'Bearer ' } })
    expect(token.value).toMatch(/^\d+:[0-9a-f]{64}$/)
    expect(token.expiry).toEqual({ source: 'recipe', kind: 'seconds', seconds: 24 * 3600 })
    const encodedExpiryMs = Number(token.value.split(':')[0]) * 1000
    expect(Math.abs(token.sentAt + 24 * 3600 * 1000 - encodedExpiryMs)).toBeLessThanOrEqual(1000)

    await patchSettings(handle, { pocketpaw: { localhostAuthBypass: false } })
    const accepted = await fetch(handle.url('/pocketpaw/api/auth/logout'), { method: 'POST', headers: { authorization: `Bearer ${token.value}` } })
    expect(accepted.status).toBe(200)
    const refused = await fetch(handle.url('/pocketpaw/api/auth/logout'), { method: 'POST', headers: { authorization: 'Bearer 1:00' } })
    expect(refused.status).toBe(401)
  })

  it('reports a wrong master token with the common sentence and the server\'s short message, never the value', async () => {
    const wrong = 'not-the-master-token-1234'
    const error = await failure(recipeProvider.issue('login', pocketpaw({}, { masterToken: wrong }), ctx))
    expect(error.code).toBe('AUTH_REJECTED')
    expect(error.message).toBe('Recipe login for My API: the server rejected the credentials (HTTP 401). Check them and try again. The server said: "Invalid master token".')
    expect(JSON.stringify(error.details)).not.toContain(wrong)
    expect(logLines.join('\n')).not.toContain(wrong)
  })

  it('says which secret is missing before sending anything', async () => {
    const error = await failure(recipeProvider.issue('login', pocketpaw({}, {}), ctx))
    expect(error.code).toBe('VALIDATION_FAILED')
    expect(error.message).toBe('My API: masterToken is not stored. Edit it and enter the masterToken.')
    expect(await requestCount(SESSION_ROUTE)).toBe(0)
  })
})

describe('the Play Oxygen preset against the sandbox', () => {
  it('issues a JWT the sandbox accepts, expiring at its exp claim', async () => {
    const token = await recipeProvider.issue('login', playOxygen(), ctx)
    expect(token.format).toBe('jwt')
    const claims = jwtPart(token.value, 1)
    expect(token.expiry).toEqual({ source: 'jwt-exp', kind: 'server-time', atMs: (claims.exp as number) * 1000 })
    expect(token.notBeforeMs).toBe((claims.nbf as number) * 1000)
    expect(claims.sub).toBe(DEMO_CLIENT.clientId)

    const customer = await fetch(handle.url(`/play-oxygen/api/${DEMO_CLIENT.clientId}/${DEMO_CLIENT.apiKey}/customer`), {
      method: 'POST',
      headers: { authorization: `Bearer ${token.value}`, 'content-type': 'application/json' },
      body: JSON.stringify({ client_unique_customer_id: 'c-1' })
    })
    expect(customer.status).toBe(200)
  })

  it('tests the recipe: masked token, length, local expiry (within 1 s of the claim) and what it read where', async () => {
    const test = await testRecipe(playOxygen(), ctx)
    expect(test.status).toBe(200)
    expect(test.expirySource).toBe('jwt-exp')
    expect(test.tokenMasked).toMatch(/^eyJh…[A-Za-z0-9_-]{4}$/)
    expect(test.tokenLength).toBeGreaterThan(100)
    expect(test.ms).toBeGreaterThanOrEqual(0)
    const issued = await recipeProvider.issue('login', playOxygen(), ctx)
    const exp = (jwtPart(issued.value, 1).exp as number) * 1000
    // The Date header has whole seconds, so the measured skew is up to 1 s (plus half a round trip) off.
    expect(Math.abs(test.expiresAt! - exp)).toBeLessThanOrEqual(1100)
    expect(test.extracted).toHaveLength(2)
    expect(test.extracted[0]).toBe(`json:/token → a JWT, ${test.tokenLength} characters`)
    expect(test.extracted[1]).toMatch(/^JWT exp → \d{10} → expires (\d{4}-\d{2}-\d{2} )?\d{2}:\d{2}:\d{2}$/)
  })

  it('corrects a server-clock expiry by the server\'s skew', async () => {
    await patchSettings(handle, { clockOffsetSeconds: 600, lifetimes: { playOxygenTokenSeconds: 300 } })
    const test = await testRecipe(playOxygen(), ctx)
    // The JWT says "now + 300 s" on a clock 10 min ahead; on ours that is still about now + 300 s.
    expect(Math.abs(test.expiresAt! - (Date.now() + 300_000))).toBeLessThanOrEqual(2000)
  })

  it('sends a secret with quotes, backslashes and a line break as valid JSON (the server parses it and says 401, not 400)', async () => {
    const tricky = 'po2"}\\\n,"api_key":"x'
    const error = await failure(recipeProvider.issue('login', playOxygen({}, { apiKey: tricky, secret: DEMO_CLIENT.secret }), ctx))
    expect(error.code).toBe('AUTH_REJECTED')
    expect(error.message).toContain('(HTTP 401)')
  })

  it('runs as a login check', async () => {
    const check = await recipeProvider.testLogin(playOxygen(), ctx)
    expect(check.message).toMatch(/^The recipe works: HTTP 200, a token of \d+ characters with expiry (\d{4}-\d{2}-\d{2} )?\d{2}:\d{2}:\d{2}\.$/)
    expect(check.facts[0]).toMatch(/^json:\/token → a JWT, \d+ characters$/)
  })
})

describe('what a user\'s own API answers', () => {
  it('finds no token: names the place and lists the top-level keys only, never values', async () => {
    const error = await failure(recipeProvider.issue('login', pocketpaw({ tokenFrom: 'json:/access_token' }), ctx))
    expect(error.code).toBe('RECIPE_INVALID')
    expect(error.message).toBe('The answer has no value at json:/access_token; it has: session_token, expires_in_hours.')
    expect(error.details).toEqual({ field: 'tokenFrom' })
  })

  it('reads a token and an expiry from headers', async () => {
    const at = new Date(Date.now() + 3_600_000)
    at.setUTCMilliseconds(0)
    const recipe = await cannedAnswer({ ok: true }, { 'X-Session': 'opaque-session-value-123', Expires: at.toUTCString() }, { tokenFrom: 'header:x-session', expiryFrom: 'header:Expires' })
    const token = await recipeProvider.issue('login', recipe, ctx)
    expect(token.value).toBe('opaque-session-value-123')
    expect(token.expiry).toEqual({ source: 'recipe', kind: 'server-time', atMs: at.getTime() })
  })

  it('lists the header names when the token header is missing', async () => {
    const error = await failure(recipeProvider.issue('login', pocketpaw({ tokenFrom: 'header:X-Token' }), ctx))
    expect(error.message).toMatch(/^The answer has no header X-Token; it has: .*content-type/)
  })

  it('takes the whole body, trimmed, as the token', async () => {
    await addFault({ path: '/pocketpaw/api/auth/session', respond: { kind: 'status', status: 200, rawBody: '  tok-0123456789abcdef\n', contentType: 'text/plain' } })
    const test = await testRecipe(pocketpaw({ tokenFrom: 'body', expiryFrom: '', expiryFormat: 'auto' }), ctx)
    expect(test).toMatchObject({ tokenMasked: 'tok-…cdef', tokenLength: 20, expiresAt: null, expirySource: 'unknown' })
    expect(test.extracted).toEqual(['body → an opaque value, 20 characters', 'expiry → unknown: the answer does not say when the token expires'])
    const check = await recipeProvider.testLogin(pocketpaw({ tokenFrom: 'body', expiryFrom: '', expiryFormat: 'auto' }), ctx)
    expect(check.message).toBe('The recipe works: HTTP 200, a token of 20 characters with an unknown expiry.')
    expect(check.facts).toEqual(test.extracted)
  })

  it('says so when a JSON place is asked of an answer that is not JSON', async () => {
    await addFault({ path: '/pocketpaw/api/auth/session', respond: { kind: 'status', status: 200, rawBody: '<html>hi</html>', contentType: 'text/html; charset=utf-8' } })
    const error = await failure(recipeProvider.issue('login', pocketpaw(), ctx))
    expect(error.code).toBe('RECIPE_INVALID')
    expect(error.message).toBe('The answer is not JSON (it is text/html), so json:/session_token cannot be read. Use header:Name or body instead.')
  })

  it('reads expires_in as seconds from the send and shows when that is', async () => {
    const recipe = await cannedAnswer({ access_token: 'abcdefghijklmnopqrstuvwxyz', expires_in: 300 }, {}, { expiryFrom: 'json:/expires_in' })
    const before = Date.now()
    const test = await testRecipe(recipe, ctx)
    expect(test.expirySource).toBe('recipe')
    expect(test.expiresAt! - before).toBeGreaterThanOrEqual(299_000)
    expect(test.expiresAt! - before).toBeLessThanOrEqual(301_000)
    expect(test.tokenMasked).toBe('abcd…wxyz')
    expect(test.extracted[1]).toMatch(/^json:\/expires_in → 300 → expires (\d{4}-\d{2}-\d{2} )?\d{2}:\d{2}:\d{2}$/)
  })

  it('shows the expiry as a time of day when it is today, with the date on any other day (local time)', async () => {
    const recipe = await cannedAnswer({ access_token: 'abcdefghijklmnopqrstuvwxyz', expires_in: 300 }, {}, { expiryFrom: 'json:/expires_in' })
    const time = (ms: number): string => new Date(ms).toLocaleTimeString('en-GB', { hour12: false })
    const date = (ms: number): string => new Date(ms).toLocaleDateString('sv-SE')
    const shifted = (change: (at: Date) => void) => (): number => {
      const at = new Date()
      change(at)
      return at.getTime()
    }
    // "Today" is the caller's clock (ctx.now): the same instant, then a year, a month and a day away.
    for (const [now, withDate] of [
      [Date.now, false],
      [shifted((at) => at.setFullYear(at.getFullYear() - 1)), true],
      [shifted((at) => at.setMonth(at.getMonth() - 1, Math.min(at.getDate(), 28))), true],
      [shifted((at) => at.setDate(at.getDate() - 1)), true]
    ] as const) {
      const test = await testRecipe(recipe, { ...ctx, now })
      const expiresAt = test.expiresAt!
      // A run across local midnight would be "another day": skip the same-day case then.
      if (!withDate && date(expiresAt) !== date(Date.now())) continue
      expect(test.extracted[1]).toBe(`json:/expires_in → 300 → expires ${withDate ? `${date(expiresAt)} ` : ''}${time(expiresAt)}`)
    }
  })

  it('refuses an expiry it cannot read rather than inventing one', async () => {
    const recipe = await cannedAnswer({ access_token: 'abcdefghijklmnop', expires: 'soon' }, {}, { expiryFrom: 'json:/expires' })
    const error = await failure(recipeProvider.issue('login', recipe, ctx))
    expect(error.code).toBe('RECIPE_INVALID')
    expect(error.message).toBe('The value at json:/expires is "soon", which is not a number, a date or a JWT. Check Expiry from and Expiry format.')
  })

  it('maps a failing server to the common sentence', async () => {
    await addFault({ path: '/pocketpaw/api/auth/session', respond: { kind: 'status', status: 503, body: { message: 'maintenance' } } })
    const error = await failure(recipeProvider.issue('login', pocketpaw(), ctx))
    expect(error.code).toBe('UPSTREAM_ERROR')
    expect(error.message).toBe('Recipe login for My API: the server failed (HTTP 503). Try again later. The server said: "maintenance".')
  })

  it('refuses a header value with a line break before anything is sent', async () => {
    const error = await failure(recipeProvider.issue('login', pocketpaw({}, { masterToken: `${POCKETPAW_DEMO.masterToken}\r\nX-Injected: 1` }), ctx))
    expect(error.code).toBe('RECIPE_INVALID')
    expect(error.message).toBe('The value of {{secret:masterToken}} contains a line break, which cannot go into the Authorization header. Remove it from the stored value.')
    expect(error.message).not.toContain(POCKETPAW_DEMO.masterToken)
    expect(await requestCount(SESSION_ROUTE)).toBe(0)
  })

  it('has one flow', async () => {
    const error = await failure(recipeProvider.issue('refresh', pocketpaw(), ctx))
    expect(error.code).toBe('FLOW_NOT_SUPPORTED')
  })
})

describe('masking', () => {
  it('shows first and last 4 only for 16 characters or more, else dots only', () => {
    expect(maskToken('0123456789abcdef')).toBe('0123…cdef')
    expect(maskToken('0123456789abcde')).toBe('•'.repeat(15))
    expect(maskToken('')).toBe('')
  })
})
