import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose'
import { errorStatus, isBodyTooLarge, type SandboxHttpError } from './body-errors.js'
import type { SandboxContext } from './context.js'
import { readDataContract, writeDataContract, writeHttpError, writeStringDictionary } from './datacontract-xml.js'
import { KEYCLOAK_DEMO_CLIENTS, KEYCLOAK_DEMO_USERS, KEYCLOAK_REALM, type KeycloakDemoClient, type KeycloakDemoUser } from './demo-data.js'
import { firstHeader, isRecord, parseFormBody, pathOf, safeDecodeURIComponent } from './http-util.js'

/**
 * ASP.NET Web API 2 `POST api/v1/auth/token` in front of Keycloak (seed-apis.md §4): the request
 * binds from JSON, text/json, XML (DataContract) or a form; Keycloak's rules and error bodies apply;
 * the answer is JSON or XML by content negotiation.
 */

/** TokenRequest members in DataContract (ordinal) order. */
const TOKEN_REQUEST_MEMBERS = [
  'WindowsAuthentication',
  'client_id',
  'client_secret',
  'grant_type',
  'password',
  'refresh_token',
  'scope',
  'username'
] as const
type TokenRequestMember = (typeof TOKEN_REQUEST_MEMBERS)[number]
type StringMember = Exclude<TokenRequestMember, 'WindowsAuthentication'>

interface TokenRequest {
  WindowsAuthentication: boolean
  fields: Partial<Record<StringMember, string>>
  /** Only a form can repeat a name; Keycloak answers "duplicated parameter". */
  duplicated: boolean
}

/** What the content-type parsers hand to the route. */
type BoundBody =
  | { kind: 'bound'; request: TokenRequest; format: 'json' | 'xml' | 'form' }
  | { kind: 'invalid'; reason: string; format: 'json' | 'xml' | 'form' }
  | { kind: 'unsupported'; mediaType: string }

interface UserSession {
  id: string
  userId: string
  clientId: string
  startedAt: number
  active: boolean
  /** Set when a refresh token is reused beyond the limit. */
  clientDetached: boolean
  /**
   * Authentication context class: "1" for a login that authenticated just now (a password grant
   * always does; "0" would be an SSO-cookie login, which a direct grant never is). Kept in the
   * session, so every refresh of that login carries the same value (Keycloak's AcrStore).
   */
  acr: string
}

/** acr of a fresh authentication without step-up levels (password grant, service account). */
const ACR_FRESH_LOGIN = '1'

interface RefreshTokenUse {
  uses: number
  /** The token's exp (unix seconds); null for an offline token, which has none. */
  expiresAt: number | null
}

/**
 * An expired refresh token is refused before its uses are read, so its entry can go. Swept at most
 * once per this many seconds of the sandbox clock, and only entries expired at least this long ago:
 * a request that verified the token just before it expired still finds its count.
 */
const REFRESH_USE_SWEEP_SECONDS = 60

export class KeycloakStore {
  readonly sessions = new Map<string, UserSession>()
  /** Uses per refresh-token jti, for revokeRefreshToken. */
  readonly refreshTokenUses = new Map<string, RefreshTokenUse>()
  private lastSweep: number | null = null
  /** Realm "not before" (push revocation): tokens issued earlier are stale. */
  notBefore = 0

  refreshTokenUseCount(jti: string): number {
    return this.refreshTokenUses.get(jti)?.uses ?? 0
  }

  /** Counts one use of a refresh token; `now` is the sandbox clock (unix seconds). */
  recordRefreshTokenUse(jti: string, expiresAt: number | null, now: number): void {
    // Amortised: a sweep walks every entry, so it runs once per period, not per use. A clock set
    // back (a clock offset, a fake clock) starts a new period.
    if (this.lastSweep === null || now - this.lastSweep >= REFRESH_USE_SWEEP_SECONDS || now < this.lastSweep) {
      this.lastSweep = now
      for (const [key, use] of this.refreshTokenUses) {
        if (use.expiresAt !== null && use.expiresAt + REFRESH_USE_SWEEP_SECONDS <= now) this.refreshTokenUses.delete(key)
      }
    }
    this.refreshTokenUses.set(jti, { uses: this.refreshTokenUseCount(jti) + 1, expiresAt })
  }

  logoutAll(): number {
    let count = 0
    for (const session of this.sessions.values()) {
      if (session.active) count++
      session.active = false
    }
    return count
  }
}

class OAuthError {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string
  ) {}
}

const WEB_API_JSON = ['application/json', 'text/json']
const WEB_API_415_STACK_TRACE =
  '   at System.Net.Http.HttpContentExtensions.ReadAsAsync[T](HttpContent content, Type type, ' +
  'IEnumerable`1 formatters, IFormatterLogger formatterLogger, CancellationToken cancellationToken)'
const WEB_API_XML = ['application/xml', 'text/xml']

/** Web API content negotiation: the best Accept match, else the request's own format, else JSON. */
function negotiate(request: FastifyRequest, requestFormat: 'json' | 'xml' | 'form' | undefined): string {
  const accept = firstHeader(request.headers.accept) ?? ''
  let best: { mediaType: string; quality: number } | undefined
  for (const part of accept.split(',')) {
    const [rawType, ...parameters] = part.trim().toLowerCase().split(';')
    const mediaType = rawType?.trim() ?? ''
    const qualityParameter = parameters.map((parameter) => parameter.trim()).find((parameter) => parameter.startsWith('q='))
    const quality = qualityParameter === undefined ? 1 : Number(qualityParameter.slice(2))
    if (!Number.isFinite(quality) || quality <= 0) continue
    if ((WEB_API_JSON.includes(mediaType) || WEB_API_XML.includes(mediaType)) && (!best || quality > best.quality)) {
      best = { mediaType, quality }
    }
  }
  if (best) return best.mediaType
  return requestFormat === 'xml' ? 'application/xml' : 'application/json'
}

function bindJson(text: string): BoundBody {
  if (text.trim() === '') return { kind: 'bound', format: 'json', request: { WindowsAuthentication: false, fields: {}, duplicated: false } }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    return { kind: 'invalid', format: 'json', reason: error instanceof Error ? error.message : 'Invalid JSON.' }
  }
  if (!isRecord(parsed)) return { kind: 'invalid', format: 'json', reason: 'Expected a JSON object for TokenRequest.' }
  const request: TokenRequest = { WindowsAuthentication: false, fields: {}, duplicated: false }
  // Json.NET binds member names case-insensitively and converts primitives to strings.
  for (const [key, value] of Object.entries(parsed)) {
    const member = TOKEN_REQUEST_MEMBERS.find((candidate) => candidate.toLowerCase() === key.toLowerCase())
    if (member === undefined) continue
    if (member === 'WindowsAuthentication') {
      const flag = typeof value === 'boolean' ? value : typeof value === 'string' ? parseBoolean(value) : typeof value === 'number' ? value !== 0 : undefined
      if (flag === undefined) return { kind: 'invalid', format: 'json', reason: `Error converting value to type 'System.Boolean'. Path '${key}'.` }
      request.WindowsAuthentication = flag
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      request.fields[member] = String(value)
    } else if (value !== null) {
      return { kind: 'invalid', format: 'json', reason: `Unexpected character encountered while parsing value. Path '${key}'.` }
    }
  }
  return { kind: 'bound', format: 'json', request }
}

function parseBoolean(text: string): boolean | undefined {
  const normalized = text.trim().toLowerCase()
  if (normalized === 'true' || normalized === '1') return true
  if (normalized === 'false' || normalized === '0') return false
  return undefined
}

function bindXml(text: string): BoundBody {
  if (text.trim() === '') return { kind: 'bound', format: 'xml', request: { WindowsAuthentication: false, fields: {}, duplicated: false } }
  const read = readDataContract(text, 'TokenRequest', TOKEN_REQUEST_MEMBERS)
  if (!read.ok) return { kind: 'invalid', format: 'xml', reason: read.reason }
  const request: TokenRequest = { WindowsAuthentication: false, fields: {}, duplicated: false }
  for (const [member, value] of read.members) {
    if (member === 'WindowsAuthentication') {
      const flag = value === null ? undefined : parseBoolean(value)
      if (flag === undefined) return { kind: 'invalid', format: 'xml', reason: "The value for 'WindowsAuthentication' is not a valid Boolean." }
      request.WindowsAuthentication = flag
    } else if (value !== null) {
      request.fields[member as StringMember] = value
    }
  }
  return { kind: 'bound', format: 'xml', request }
}

function bindForm(text: string): BoundBody {
  const request: TokenRequest = { WindowsAuthentication: false, fields: {}, duplicated: false }
  for (const [name, values] of parseFormBody(text)) {
    const member = TOKEN_REQUEST_MEMBERS.find((candidate) => candidate.toLowerCase() === name.toLowerCase())
    if (member === undefined) continue
    if (values.length > 1) request.duplicated = true
    const value = values[0] ?? ''
    if (member === 'WindowsAuthentication') {
      const flag = parseBoolean(value)
      if (flag === undefined) return { kind: 'invalid', format: 'form', reason: `The value '${value}' is not valid for WindowsAuthentication.` }
      request.WindowsAuthentication = flag
    } else {
      request.fields[member] = value
    }
  }
  return { kind: 'bound', format: 'form', request }
}

function isBoundBody(value: unknown): value is BoundBody {
  return isRecord(value) && (value.kind === 'bound' || value.kind === 'invalid' || value.kind === 'unsupported')
}

export function registerKeycloakProxy(app: FastifyInstance, ctx: SandboxContext): void {
  const store = (): KeycloakStore => ctx.keycloak
  const issuer = (): string => `${ctx.origin}/keycloak-proxy/realms/${KEYCLOAK_REALM}`

  type RequestFormat = 'json' | 'xml' | 'form'
  type Rendering = { json: unknown; xml: () => string }

  const send = (request: FastifyRequest, reply: FastifyReply, status: number, body: Rendering, requestFormat?: RequestFormat): FastifyReply => {
    const mediaType = negotiate(request, requestFormat)
    reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache')
    if (WEB_API_XML.includes(mediaType)) return reply.code(status).type(`${mediaType}; charset=utf-8`).send(body.xml())
    return reply.code(status).type(`${mediaType}; charset=utf-8`).send(JSON.stringify(body.json))
  }

  const sendHttpError = (request: FastifyRequest, reply: FastifyReply, status: number, fields: Record<string, string>, requestFormat?: RequestFormat) =>
    send(request, reply, status, { json: fields, xml: () => writeHttpError(fields) }, requestFormat)

  const sendOAuthError = (request: FastifyRequest, reply: FastifyReply, failure: OAuthError, requestFormat: RequestFormat) => {
    const body = { error: failure.error, error_description: failure.description }
    return send(request, reply, failure.status, { json: body, xml: () => writeStringDictionary(body) }, requestFormat)
  }

  app.removeAllContentTypeParsers()
  const binders: [string, (text: string) => BoundBody][] = [
    ...WEB_API_JSON.map((mediaType) => [mediaType, bindJson] as [string, typeof bindJson]),
    ...WEB_API_XML.map((mediaType) => [mediaType, bindXml] as [string, typeof bindXml]),
    ['application/x-www-form-urlencoded', bindForm]
  ]
  for (const [mediaType, bind] of binders) {
    app.addContentTypeParser(mediaType, { parseAs: 'string' }, (_request, body, done) => done(null, bind(String(body))))
  }
  app.addContentTypeParser('*', (request, payload, done) => {
    // No formatter reads this type: drain it, the route answers 415.
    payload.resume()
    const contentType = firstHeader(request.headers['content-type']) ?? 'application/octet-stream'
    const unsupported: BoundBody = { kind: 'unsupported', mediaType: contentType.split(';')[0]?.trim() ?? '' }
    payload.on('end', () => done(null, unsupported))
    payload.on('error', (error) => done(error, undefined))
  })

  app.setErrorHandler((error: SandboxHttpError, request, reply) => {
    if (isBodyTooLarge(error)) return sendHttpError(request, reply, 413, { Message: 'Maximum request length exceeded.' })
    const status = errorStatus(error)
    return sendHttpError(request, reply, status, { Message: status >= 500 ? 'An error has occurred.' : 'The request is invalid.' })
  })

  app.setNotFoundHandler((request, reply) => {
    const path = pathOf(request.url)
    if (path.replace(/\/$/, '').toLowerCase() === '/keycloak-proxy/api/v1/auth/token') {
      reply.header('Allow', 'POST')
      return sendHttpError(request, reply, 405, { Message: `The requested resource does not support http method '${request.method}'.` })
    }
    return sendHttpError(request, reply, 404, {
      Message: `No HTTP resource was found that matches the request URI '${ctx.origin}${request.url}'.`,
      MessageDetail: `No route data was found for this request.`
    })
  })

  const signAccessToken = async (claims: Record<string, unknown>, subject: string, issuedAt: number, expiresAt: number): Promise<string> => {
    const { privateKey, kid } = await ctx.keys.keycloakAccess
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid })
      .setJti(randomUUID())
      .setIssuer(issuer())
      .setAudience('account')
      .setSubject(subject)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(privateKey)
  }

  /** `expiresAt` null: an offline token (scope offline_access), which carries no exp. */
  const signRefreshToken = async (session: UserSession, scope: string, issuedAt: number, expiresAt: number | null): Promise<string> => {
    const typ = expiresAt === null ? 'Offline' : 'Refresh'
    const token = new SignJWT({ typ, azp: session.clientId, sid: session.id, session_state: session.id, scope })
      .setProtectedHeader({ alg: 'HS512', typ: 'JWT' })
      .setJti(randomUUID())
      .setIssuer(issuer())
      .setAudience(issuer())
      .setSubject(session.userId)
      .setIssuedAt(issuedAt)
    if (expiresAt !== null) token.setExpirationTime(expiresAt)
    return token.sign(ctx.keys.keycloakRefreshSecret)
  }

  /** Requested scopes must be the client's; the default scopes are always granted. */
  const grantScopes = (client: KeycloakDemoClient, requested: string | undefined): string => {
    const asked = (requested ?? '').split(' ').filter((scope) => scope !== '')
    const unknown = asked.filter((scope) => !client.defaultScopes.includes(scope) && !client.optionalScopes.includes(scope))
    if (unknown.length > 0) throw new OAuthError(400, 'invalid_scope', `Invalid scopes: ${requested ?? ''}`)
    return scopeString(client, asked)
  }

  /** getRequestedClientScopes: the optional scopes asked for, then every default scope of the client. */
  const scopeString = (client: KeycloakDemoClient, asked: string[]): string => {
    const optional = asked.filter((scope) => client.optionalScopes.includes(scope))
    return [...new Set([...optional, ...client.defaultScopes])].join(' ')
  }

  /** `offline`: an offline session (a login with scope offline_access) outlives the SSO session: refresh_expires_in is 0. */
  const userTokens = async (request: FastifyRequest, session: UserSession, user: KeycloakDemoUser, scope: string, offline: boolean) => {
    const { keycloakAccessTokenSeconds, keycloakRefreshTokenSeconds, keycloakSessionMaxSeconds } = ctx.settings.lifetimes
    const now = ctx.nowSeconds()
    const sessionEnd = offline ? Number.POSITIVE_INFINITY : session.startedAt + keycloakSessionMaxSeconds
    const accessExpires = Math.min(now + keycloakAccessTokenSeconds, sessionEnd)
    const refreshExpires = offline ? null : Math.min(now + keycloakRefreshTokenSeconds, sessionEnd)
    const accessToken = await signAccessToken(
      {
        typ: 'Bearer',
        azp: session.clientId,
        sid: session.id,
        session_state: session.id,
        acr: session.acr,
        scope,
        preferred_username: user.username,
        email_verified: true
      },
      user.id,
      now,
      accessExpires
    )
    return {
      access_token: accessToken,
      expires_in: accessExpires - now,
      redirect_url: '',
      ip: request.ip,
      is_editor: user.isEditor,
      refresh_expires_in: refreshExpires === null ? 0 : refreshExpires - now,
      refresh_token: await signRefreshToken(session, scope, now, refreshExpires),
      token_type: ctx.settings.keycloak.tokenType,
      not_before_policy: store().notBefore,
      session_state: session.id,
      scope
    }
  }

  const authenticateClient = (request: FastifyRequest, fields: TokenRequest['fields']): KeycloakDemoClient | 'bare-401' => {
    let clientId: string | undefined
    let clientSecret: string | undefined
    const authorization = firstHeader(request.headers.authorization)
    if (authorization !== undefined) {
      const basic = /^Basic\s+(.+)$/i.exec(authorization)
      if (basic?.[1]) {
        const decoded = Buffer.from(basic[1], 'base64').toString('utf8')
        const colon = decoded.indexOf(':')
        if (colon !== -1) {
          clientId = safeDecodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '))
          clientSecret = safeDecodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '))
        }
      } else if (fields.client_id === undefined) {
        return 'bare-401'
      }
    }
    if (fields.client_id !== undefined) clientId = fields.client_id
    if (fields.client_secret !== undefined) clientSecret = fields.client_secret
    if (clientId === undefined || clientId === '') throw new OAuthError(400, 'invalid_client', 'Missing client_id parameter')
    const client = KEYCLOAK_DEMO_CLIENTS.find((candidate) => candidate.clientId === clientId)
    if (!client || !client.enabled) throw new OAuthError(401, 'invalid_client', 'Invalid client or Invalid client credentials')
    if (client.secret !== null && clientSecret !== client.secret) {
      throw new OAuthError(401, 'unauthorized_client', 'Invalid client or Invalid client credentials')
    }
    if (client.bearerOnly) throw new OAuthError(400, 'invalid_client', 'Bearer-only not allowed')
    return client
  }

  const passwordGrant = async (request: FastifyRequest, client: KeycloakDemoClient, fields: TokenRequest['fields']) => {
    if (!client.directAccessGrants) throw new OAuthError(400, 'unauthorized_client', 'Client not allowed for direct access grants')
    if (client.consentRequired) throw new OAuthError(400, 'invalid_client', 'Client requires user consent')
    if (fields.username === undefined || fields.username === '') throw new OAuthError(401, 'invalid_request', 'Missing parameter: username')
    const username = fields.username.toLowerCase()
    const user = KEYCLOAK_DEMO_USERS.find((candidate) => candidate.username === username)
    if (!user) throw new OAuthError(401, 'invalid_grant', 'Invalid user credentials')
    if (!user.enabled) throw new OAuthError(400, 'invalid_grant', 'Account disabled')
    if (fields.password !== user.password) throw new OAuthError(401, 'invalid_grant', 'Invalid user credentials')
    if (user.requiredActions) throw new OAuthError(400, 'invalid_grant', 'Account is not fully set up')
    const scope = grantScopes(client, fields.scope)
    const session: UserSession = {
      id: randomUUID(),
      userId: user.id,
      clientId: client.clientId,
      startedAt: ctx.nowSeconds(),
      active: true,
      clientDetached: false,
      acr: ACR_FRESH_LOGIN
    }
    store().sessions.set(session.id, session)
    return userTokens(request, session, user, scope, scope.split(' ').includes('offline_access'))
  }

  const clientCredentialsGrant = async (request: FastifyRequest, client: KeycloakDemoClient, fields: TokenRequest['fields']) => {
    if (client.secret === null) throw new OAuthError(401, 'unauthorized_client', 'Public client not allowed to retrieve service account')
    if (!client.serviceAccounts || client.serviceAccountUserId === null) {
      throw new OAuthError(401, 'unauthorized_client', 'Client not enabled to retrieve service account')
    }
    const scope = grantScopes(client, fields.scope)
    const now = ctx.nowSeconds()
    const expiresAt = now + ctx.settings.lifetimes.keycloakAccessTokenSeconds
    const accessToken = await signAccessToken(
      // The subject is the service-account user: its id, and its username (Keycloak lowercases usernames).
      {
        typ: 'Bearer',
        azp: client.clientId,
        acr: ACR_FRESH_LOGIN,
        scope,
        clientId: client.clientId,
        preferred_username: `service-account-${client.clientId.toLowerCase()}`
      },
      client.serviceAccountUserId,
      now,
      expiresAt
    )
    // No refresh token and no session_state by default; refresh_expires_in is 0.
    return {
      access_token: accessToken,
      expires_in: expiresAt - now,
      redirect_url: '',
      ip: request.ip,
      is_editor: false,
      refresh_expires_in: 0,
      token_type: ctx.settings.keycloak.tokenType,
      not_before_policy: store().notBefore,
      scope
    }
  }

  const refreshTokenGrant = async (request: FastifyRequest, client: KeycloakDemoClient, fields: TokenRequest['fields']) => {
    if (fields.refresh_token === undefined || fields.refresh_token === '') throw new OAuthError(400, 'invalid_request', 'No refresh token')
    let payload: Record<string, unknown>
    try {
      ;({ payload } = await jwtVerify(fields.refresh_token, ctx.keys.keycloakRefreshSecret, {
        algorithms: ['HS512'],
        issuer: issuer(),
        currentDate: new Date(ctx.nowMs())
      }))
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new OAuthError(400, 'invalid_grant', 'Token is not active')
      if (error instanceof joseErrors.JOSEError) throw new OAuthError(400, 'invalid_grant', 'Invalid refresh token')
      throw error
    }
    if ((payload.typ !== 'Refresh' && payload.typ !== 'Offline') || typeof payload.sid !== 'string' || typeof payload.jti !== 'string') {
      throw new OAuthError(400, 'invalid_grant', 'Invalid refresh token')
    }
    if (payload.azp !== client.clientId) {
      throw new OAuthError(400, 'invalid_grant', "Invalid refresh token. Token client and authorized client don't match")
    }
    const session = store().sessions.get(payload.sid)
    const user = KEYCLOAK_DEMO_USERS.find((candidate) => candidate.id === session?.userId)
    if (!session || !session.active || !user || !user.enabled) throw new OAuthError(400, 'invalid_grant', 'Session not active')
    if (typeof payload.iat !== 'number' || payload.iat < store().notBefore) throw new OAuthError(400, 'invalid_grant', 'Stale token')
    const { revokeRefreshToken, refreshTokenMaxReuse } = ctx.settings.refresh
    if (revokeRefreshToken) {
      if (session.clientDetached) throw new OAuthError(400, 'invalid_grant', "Session doesn't have required client")
      const uses = store().refreshTokenUseCount(payload.jti)
      if (uses > refreshTokenMaxReuse) {
        session.clientDetached = true
        throw new OAuthError(400, 'invalid_grant', 'Maximum allowed refresh token reuse exceeded')
      }
    }
    // A refresh may only narrow the scope: RefreshTokenGrantType keeps the granted scopes that the
    // `scope` parameter names and silently drops the rest (no invalid_scope); the client's default
    // scopes are always added back. An offline session stays offline whatever is asked.
    const granted = typeof payload.scope === 'string' ? payload.scope.split(' ').filter((item) => item !== '') : []
    let scope = granted.join(' ')
    if (fields.scope !== undefined && fields.scope !== '') {
      const asked = new Set(fields.scope.split(' '))
      scope = scopeString(client, granted.filter((item) => asked.has(item)))
    }
    store().recordRefreshTokenUse(payload.jti, typeof payload.exp === 'number' ? payload.exp : null, ctx.nowSeconds())
    return userTokens(request, session, user, scope, payload.typ === 'Offline')
  }

  const token = async (request: FastifyRequest, reply: FastifyReply) => {
    const body: BoundBody = isBoundBody(request.body)
      ? request.body
      : { kind: 'bound', format: 'json', request: { WindowsAuthentication: false, fields: {}, duplicated: false } }
    if (body.kind === 'unsupported') {
      return sendHttpError(request, reply, 415, {
        Message: `The request entity's media type '${body.mediaType}' is not supported for this resource.`,
        ExceptionMessage: `No MediaTypeFormatter is available to read an object of type 'TokenRequest' from content with media type '${body.mediaType}'.`,
        ExceptionType: 'System.Net.Http.UnsupportedMediaTypeException',
        StackTrace: WEB_API_415_STACK_TRACE
      })
    }
    if (body.kind === 'invalid') {
      // The formatter records a ModelState error and binds null; the controller answers 400.
      return send(request, reply, 400, {
        json: { Message: 'The request is invalid.', ModelState: { request: [body.reason] } },
        xml: () => writeHttpError({ Message: 'The request is invalid.' })
      }, body.format)
    }
    const { fields, duplicated } = body.request
    try {
      if (ctx.settings.keycloak.sslRequired && request.protocol !== 'https') throw new OAuthError(403, 'invalid_request', 'HTTPS required')
      if (fields.grant_type === undefined || fields.grant_type === '') {
        throw new OAuthError(400, 'invalid_request', 'Missing form parameter: grant_type')
      }
      const grant = fields.grant_type
      if (grant !== 'password' && grant !== 'client_credentials' && grant !== 'refresh_token') {
        throw new OAuthError(400, 'unsupported_grant_type', 'Unsupported grant_type')
      }
      const client = authenticateClient(request, fields)
      if (client === 'bare-401') {
        return reply
          .code(401)
          .header('WWW-Authenticate', `Basic realm="${KEYCLOAK_REALM}"`)
          .header('Cache-Control', 'no-store')
          .header('Pragma', 'no-cache')
          .send()
      }
      if (duplicated) throw new OAuthError(400, 'invalid_request', 'duplicated parameter')
      const response =
        grant === 'password'
          ? await passwordGrant(request, client, fields)
          : grant === 'client_credentials'
            ? await clientCredentialsGrant(request, client, fields)
            : await refreshTokenGrant(request, client, fields)
      return send(request, reply, 200, { json: response, xml: () => writeDataContract('AccessTokenResponse', response) }, body.format)
    } catch (error) {
      if (error instanceof OAuthError) return sendOAuthError(request, reply, error, body.format)
      throw error
    }
  }
  app.post('/api/v1/auth/token', token)
  app.post('/api/v1/auth/token/', token)
}
