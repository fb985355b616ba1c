import type { LoginCheck, RecipeTest } from '../../shared/contract'
import { AppError } from '../../shared/errors'
import type { FieldSpec, FieldValues } from '../../shared/model'
import type { HttpResponse } from '../http/client'
import { localExpiry } from '../tokens/expiry'
import { insecureAllowed, unexpectedStatus } from './common'
import type { FlowInput, IssuedToken, Provider, ProviderContext } from './provider'
import { recipeFromCurl } from './recipe/curl'
import { describeToken, isJwt, locatorText, readExpiry, tokenAt, type ExpiryReading } from './recipe/extract'
import { RECIPE_PRESETS } from './recipe/presets'
import { buildRequest } from './recipe/request'
import { RECIPE_ACCOUNT_FIELDS, readRecipe, secretFieldsOf, type Recipe } from './recipe/spec'

/**
 * The Recipe provider: a user-defined HTTP login described as data (the account's fields).
 * One flow, `login`, runs the request and picks the token and its expiry out of the answer.
 * The pieces live in ./recipe/: templates and escaping, extraction, request building, curl import.
 */

export { recipeFromCurl }

const LOGIN_FLOW = 'login'

interface RecipeRun {
  recipe: Recipe
  response: HttpResponse
  token: string
  reading: ExpiryReading
  ms: number
}

function purposeFor(input: FlowInput): string {
  return `Recipe login for ${input.account.name}`
}

async function runRecipe(input: FlowInput, ctx: ProviderContext): Promise<RecipeRun> {
  const recipe = readRecipe(input.account.fields)
  const request = buildRequest(recipe, input.account)
  const purpose = purposeFor(input)
  const started = ctx.now()
  const response = await ctx.http.request({
    method: request.method,
    url: request.url,
    headers: request.headers,
    ...(request.body !== undefined ? { body: request.body } : {}),
    purpose,
    secrets: request.secrets,
    allowInsecureHttp: insecureAllowed(input.account),
    // A login may hand out a fresh session each time; the server decides, so retry only what never left.
    retry: recipe.method === 'GET' ? 'safe' : 'unsent-only'
  })
  const ms = ctx.now() - started
  if (response.status < 200 || response.status > 299) throw unexpectedStatus(response, purpose, request.secrets)
  const token = tokenAt(response, recipe.tokenFrom)
  const reading = readExpiry(response, token, recipe.expiryFrom, recipe.expiryFormat)
  return { recipe, response, token, reading, ms }
}

function clockText(epochMs: number, now: number): string {
  const at = new Date(epochMs)
  const pad = (n: number): string => String(n).padStart(2, '0')
  const time = `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`
  const today = new Date(now)
  const sameDay = at.getFullYear() === today.getFullYear() && at.getMonth() === today.getMonth() && at.getDate() === today.getDate()
  return sameDay ? time : `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${time}`
}

/** First 4 and last 4 characters only for a long token; a short one is all dots. */
export function maskToken(token: string): string {
  return token.length >= 16 ? `${token.slice(0, 4)}…${token.slice(-4)}` : '•'.repeat(token.length)
}

function summarize(run: RecipeRun, now: number): RecipeTest {
  // The same skew-corrected local time the tokens service records for an issued token.
  const { expiresAt } = localExpiry(run.reading.expiry, run.response.sentAt, run.response.skewMs)
  const extracted = [`${locatorText(run.recipe.tokenFrom)} → ${describeToken(run.token)}`]
  extracted.push(expiresAt === null ? run.reading.said : `${run.reading.said} → expires ${clockText(expiresAt, now)}`)
  return {
    status: run.response.status,
    ms: run.ms,
    tokenMasked: maskToken(run.token),
    tokenLength: run.token.length,
    expiresAt,
    expirySource: run.reading.expiry.source,
    extracted
  }
}

/** Runs a recipe once and says what it found, masked. Keeps nothing. */
export async function testRecipe(input: FlowInput, ctx: ProviderContext): Promise<RecipeTest> {
  const run = await runRecipe(input, ctx)
  return summarize(run, ctx.now())
}

export const recipeProvider: Provider = {
  info: {
    id: 'recipe',
    label: 'Custom recipe',
    description: 'Any HTTP login described as data: the request to send, and where the token and its expiry are in the answer.',
    appNoun: null,
    accountFields: RECIPE_ACCOUNT_FIELDS,
    appFields: [],
    flows: [
      {
        id: LOGIN_FLOW,
        label: 'Log in',
        description: 'Sends the recipe\'s request and keeps the token it finds in the answer.',
        target: 'account',
        produces: 'token',
        primary: true
      }
    ],
    canImportApps: false,
    presets: RECIPE_PRESETS
  },

  async issue(flow: string, input: FlowInput, ctx: ProviderContext): Promise<IssuedToken> {
    if (flow !== LOGIN_FLOW) throw new AppError('FLOW_NOT_SUPPORTED', `A recipe has one flow, "${LOGIN_FLOW}"; "${flow.slice(0, 100)}" is not one.`, { flow })
    const run = await runRecipe(input, ctx)
    return {
      kind: 'token',
      value: run.token,
      format: isJwt(run.token) ? 'jwt' : 'opaque',
      expiry: run.reading.expiry,
      notBeforeMs: run.reading.notBeforeMs,
      sentAt: run.response.sentAt,
      skewMs: run.response.skewMs,
      refresh: null,
      header: run.recipe.header,
      renewal: 'reissue',
      revocable: false
    }
  },

  async testLogin(input: FlowInput, ctx: ProviderContext): Promise<LoginCheck> {
    const test = await testRecipe(input, ctx)
    const when = test.expiresAt === null ? 'an unknown expiry' : `expiry ${clockText(test.expiresAt, ctx.now())}`
    return {
      message: `The recipe works: HTTP ${test.status}, a token of ${test.tokenLength} characters with ${when}.`,
      facts: test.extracted,
      ms: test.ms
    }
  },

  extraSecretFields(fields: FieldValues): FieldSpec[] {
    return secretFieldsOf(fields)
  }
}
