import { decodeProtectedHeader } from 'jose'
import type { LoginCheck } from '../../shared/contract'
import { AppError } from '../../shared/errors'
import type { FieldSpec, ProviderInfo } from '../../shared/model'
import type { HttpResponse } from '../http/client'
import { baseUrlField, INSECURE_HTTP_FIELD, insecureAllowed, joinUrl, jsonObject, jwtExpiry, looksLikeJwt, requiredSecret, requireString, stringField, unexpectedStatus } from './common'
import { describeExpiry } from './keycloak/lifetime'
import type { CredentialSet, FlowInput, IssuedToken, Provider, ProviderContext } from './provider'

/**
 * Play Oxygen "Po2" (seed-apis.md §3): `POST /api/auth/session/{client_id}` with `{api_key, secret}`
 * answers `{token}`, a Guardian HS512 JWT whose only expiry is its `exp` claim. No refresh, no logout.
 */

const appFields: FieldSpec[] = [
  {
    name: 'clientId',
    label: 'Client ID',
    kind: 'text',
    required: true,
    placeholder: '1001',
    help: 'The client_id Play Oxygen gave you; it goes into the login URL.',
    validation: { pattern: '^[^\\s/?#%]+$', patternMessage: 'A client ID has no spaces and none of / ? # %.', maxLength: 200 }
  },
  {
    name: 'apiKey',
    label: 'API key',
    kind: 'secret',
    required: true,
    placeholder: 'po2_…',
    help: 'The api_key of this client (it starts with po2_), kept in the system keychain.'
  },
  {
    name: 'secret',
    label: 'Secret',
    kind: 'secret',
    required: true,
    help: 'The secret that goes with the API key, kept in the system keychain.'
  }
]

const info: ProviderInfo = {
  id: 'play-oxygen',
  label: 'Play Oxygen',
  description: 'Play Oxygen API: each client exchanges its api_key and secret for a JWT that lasts four weeks by default.',
  appNoun: 'client',
  accountFields: [
    baseUrlField('http://localhost:4000', 'The Play Oxygen server, without /api. For the built-in sandbox: <sandbox origin>/play-oxygen.'),
    INSECURE_HTTP_FIELD
  ],
  appFields,
  flows: [
    {
      id: 'session',
      label: 'Issue JWT',
      description: "Exchanges the client's API key and secret for a JWT; it is renewed by issuing again.",
      target: 'app',
      produces: 'token',
      primary: true
    }
  ],
  canImportApps: false,
  presets: []
}

const PURPOSE = 'Play Oxygen login'

/** `{"errors":[{"source":{"pointer":"/api_key"},"detail":…}]}` (OpenApiSpex) → the fields named. */
function pointedFields(body: unknown): { field: string; detail: string }[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return []
  const errors = (body as Record<string, unknown>).errors
  if (!Array.isArray(errors)) return []
  const found: { field: string; detail: string }[] = []
  for (const entry of errors as unknown[]) {
    if (!entry || typeof entry !== 'object') continue
    const record = entry as Record<string, unknown>
    const source = record.source
    const pointer = source && typeof source === 'object' ? (source as Record<string, unknown>).pointer : undefined
    if (typeof pointer !== 'string') continue
    const detail = typeof record.detail === 'string' ? record.detail.slice(0, 120) : 'Invalid value'
    found.push({ field: pointer.replace(/^\//, '').slice(0, 60), detail })
  }
  return found
}

function parsedBody(response: HttpResponse): unknown {
  try {
    return JSON.parse(response.body) as unknown
  } catch {
    return undefined
  }
}

/** Our field behind a Po2 request member, for the form to highlight. */
const FIELD_FOR_MEMBER: Record<string, { name: string; label: string }> = {
  api_key: { name: 'apiKey', label: 'API key' },
  secret: { name: 'secret', label: 'Secret' }
}

/** A failed login as a sentence (exported for the property test: any answer → an AppError). */
export function playOxygenLoginError(response: HttpResponse, clientId: string, secrets: string[]): AppError {
  const body = parsedBody(response)
  const details: Record<string, unknown> = { status: response.status, purpose: PURPOSE }
  if (response.status === 401) {
    return new AppError('CLIENT_REJECTED', `Play Oxygen rejected client ${clientId}'s api_key or secret.`, {
      ...details,
      fields: { apiKey: 'Check the API key.', secret: 'Check the secret.' }
    })
  }
  if (response.status === 422) {
    const pointed = pointedFields(body)
    if (pointed.length > 0) {
      const fields: Record<string, string> = {}
      // The server's own words per field, never with a credential in them.
      const redact = (text: string): string => secrets.reduce((out, secret) => (secret.length >= 4 ? out.split(secret).join('[redacted]') : out), text)
      for (const { field, detail } of pointed) fields[redact(FIELD_FOR_MEMBER[field]?.name ?? field)] = redact(detail)
      const names = pointed.map(({ field }) => redact(FIELD_FOR_MEMBER[field]?.label ?? field)).join(' and ')
      return new AppError('VALIDATION_FAILED', `Play Oxygen refused the login of client ${clientId}: the ${names} ${pointed.length > 1 ? 'are' : 'is'} missing or invalid. Edit the client and enter ${pointed.length > 1 ? 'them' : 'it'}.`, {
        ...details,
        fields
      })
    }
  }
  if (response.status === 404) {
    // A Phoenix JSON 404 is either an unknown client or a wrong path on a Phoenix server: the sentence names both.
    const isPhoenixNotFound = body !== undefined && typeof body === 'object' && body !== null && 'errors' in body
    if (isPhoenixNotFound && response.headers['content-type']?.includes('json')) {
      return new AppError(
        'CLIENT_REJECTED',
        `Play Oxygen does not know client ${clientId} (HTTP 404). Check the client ID. Check the base URL too if every client gets this: it is the server's root, without /api.`,
        { ...details, fields: { clientId: 'Check the client ID.', baseUrl: 'Check the base URL.' } }
      )
    }
    return new AppError('UPSTREAM_BAD_RESPONSE', `${PURPOSE}: the server has no Play Oxygen login at this address (HTTP 404). Check the base URL: it is the server's root, without /api.`, {
      ...details,
      fields: { baseUrl: 'Check the base URL.' }
    })
  }
  if (body === undefined && response.status < 500 && response.status !== 429) {
    return new AppError('UPSTREAM_BAD_RESPONSE', `${PURPOSE}: the server's answer (HTTP ${response.status}) is not Play Oxygen JSON. Check the base URL.`, {
      ...details,
      fields: { baseUrl: 'Check the base URL.' }
    })
  }
  return unexpectedStatus(response, PURPOSE, secrets)
}

function requireClient(input: FlowInput): CredentialSet {
  if (input.app === null) throw new AppError('VALIDATION_FAILED', 'Choose a client: Play Oxygen tokens are issued per client.', { fields: { clientId: 'Choose a client.' } })
  return input.app
}

async function issueSession(input: FlowInput, ctx: ProviderContext): Promise<IssuedToken> {
  const client = requireClient(input)
  const clientId = stringField(client.fields, 'clientId').trim()
  if (clientId === '') throw new AppError('VALIDATION_FAILED', `${client.name}: the Client ID is empty. Edit the client and enter it.`, { fields: { clientId: 'Client ID is required.' } })
  const apiKey = requiredSecret(client, 'apiKey', 'API key')
  const secret = requiredSecret(client, 'secret', 'Secret')
  const secrets = [apiKey, secret]
  const response = await ctx.http.request({
    method: 'POST',
    url: joinUrl(stringField(input.account.fields, 'baseUrl'), `api/auth/session/${encodeURIComponent(clientId)}`),
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ api_key: apiKey, secret }),
    purpose: PURPOSE,
    secrets,
    allowInsecureHttp: insecureAllowed(input.account),
    retry: 'safe'
  })
  if (response.status !== 200 && response.status !== 201) throw playOxygenLoginError(response, clientId, secrets)
  if (parsedBody(response) === undefined) {
    throw new AppError('UPSTREAM_BAD_RESPONSE', `${PURPOSE}: the server's answer is not JSON. Check the base URL: it is the server's root, without /api.`, {
      status: response.status,
      purpose: PURPOSE,
      fields: { baseUrl: 'Check the base URL.' }
    })
  }
  const token = requireString(jsonObject(response, PURPOSE), 'token', PURPOSE)
  const { expiry, notBeforeMs } = jwtExpiry(token)
  return {
    kind: 'JWT',
    value: token,
    format: looksLikeJwt(token) ? 'jwt' : 'opaque',
    expiry,
    notBeforeMs,
    sentAt: response.sentAt,
    skewMs: response.skewMs,
    refresh: null,
    header: { name: 'Authorization', prefix: 'Bearer ' },
    renewal: 'reissue',
    revocable: false
  }
}

/** Without a client there is nothing to log in with; an empty login must answer 401 or 422 from a Play Oxygen server. */
async function probeServer(input: FlowInput, ctx: ProviderContext, started: number): Promise<LoginCheck> {
  const probeId = 'tokendesk-check'
  const response = await ctx.http.request({
    method: 'POST',
    url: joinUrl(stringField(input.account.fields, 'baseUrl'), `api/auth/session/${probeId}`),
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: '{}',
    purpose: 'Play Oxygen check',
    secrets: [],
    allowInsecureHttp: insecureAllowed(input.account),
    retry: 'safe'
  })
  const body = parsedBody(response)
  if ((response.status === 422 || response.status === 401) && body !== undefined) {
    return {
      message: 'The Play Oxygen server answers. Add a client (client ID, API key and secret) to issue tokens.',
      facts: [`POST api/auth/session/${probeId} without credentials → HTTP ${response.status}`],
      ms: ctx.now() - started
    }
  }
  if (response.status === 404 || body === undefined) {
    throw new AppError('UPSTREAM_BAD_RESPONSE', `Play Oxygen check: the server at this address is not a Play Oxygen server (HTTP ${response.status}). Check the base URL: it is the server's root, without /api.`, {
      status: response.status,
      fields: { baseUrl: 'Check the base URL.' }
    })
  }
  throw unexpectedStatus(response, 'Play Oxygen check')
}

function jwtAlgorithm(token: string): string | null {
  try {
    const { alg } = decodeProtectedHeader(token)
    return typeof alg === 'string' ? alg.slice(0, 20) : null
  } catch {
    return null
  }
}

async function testLogin(input: FlowInput, ctx: ProviderContext): Promise<LoginCheck> {
  const started = ctx.now()
  if (input.app === null) return probeServer(input, ctx, started)
  const issued = await issueSession(input, ctx)
  const clientId = stringField(input.app.fields, 'clientId').trim()
  const lifetime = issued.expiry.kind === 'unknown' ? 'the token carries no expiry' : `token valid for ${describeExpiry(issued.expiry, issued.sentAt, issued.skewMs)}`
  return {
    message: `Client ${clientId} accepted; ${lifetime}.`,
    facts: [`JWT (${jwtAlgorithm(issued.value) ?? 'not a JWT'}, ${issued.value.length} characters)`, 'header: Authorization: Bearer …'],
    ms: ctx.now() - started
  }
}

export const playOxygenProvider: Provider = {
  info,
  issue: async (flow, input, ctx) => {
    if (flow !== 'session') throw new AppError('FLOW_NOT_SUPPORTED', `Play Oxygen has no "${flow.slice(0, 60)}" flow.`, { flow: flow.slice(0, 60) })
    return issueSession(input, ctx)
  },
  testLogin
}
