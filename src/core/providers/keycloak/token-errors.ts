import { AppError } from '../../../shared/errors'
import type { HttpResponse } from '../../http/client'
import { unexpectedStatus } from '../common'
import { isHtmlPage, readAnswer, stringMember } from './token-body'

/**
 * Keycloak's token-endpoint errors (seed-apis.md §4.3), passed through by the proxy, and the Web API
 * framework's own `{"Message": …}` errors (§4.4), as sentences a user can act on. Pure: any answer
 * becomes an AppError, never anything else.
 */

export type KeycloakGrant = 'password' | 'client_credentials' | 'refresh_token'

export interface TokenErrorContext {
  grant: KeycloakGrant
  clientId: string
  /** "Keycloak proxy password login": the start of fallback sentences. */
  purpose: string
  /** Every credential in the request: never quoted back, even if a server echoes one. */
  secrets: readonly string[]
}

const MAX_QUOTE = 160

/** A short server text, safe to show: bounded, single line, credentials blanked. */
export function quoteServer(text: string, secrets: readonly string[]): string {
  const redact = (value: string): string => secrets.reduce((out, secret) => (secret.length >= 4 ? out.split(secret).join('[redacted]') : out), value)
  // Before and after folding whitespace, so a secret with line breaks in it cannot slip through either way.
  const quoted = redact(redact(text).replace(/\s+/g, ' ').trim())
  return quoted.length > MAX_QUOTE ? `${quoted.slice(0, MAX_QUOTE - 1)}…` : quoted
}

const REFRESH_EXPIRED_SENTENCE = 'The refresh token expired or was already used — log in again.'
const CLIENT_SECRET_SENTENCE = 'The client secret was rejected (or the client is unknown or disabled).'

export function tokenErrorFor(response: HttpResponse, context: TokenErrorContext): AppError {
  const answer = readAnswer(response.headers['content-type'], response.body)
  const error = answer ? stringMember(answer, 'error') : undefined
  const rawDescription = answer ? (stringMember(answer, 'error_description') ?? '') : ''
  const description = quoteServer(rawDescription, context.secrets)
  const frameworkMessage = answer ? stringMember(answer, 'Message') : undefined
  const status = response.status
  const details: Record<string, unknown> = { status, purpose: context.purpose }
  if (error !== undefined) details.error = quoteServer(error, context.secrets)
  if (description !== '') details.reason = description
  const clientName = quoteServer(context.clientId, context.secrets)
  const client = `client ${clientName}`
  const Client = `Client ${clientName}`

  // Keycloak's token endpoint never answers 404: whatever said so is not the proxy's token route.
  if (status === 404) {
    return new AppError(
      'UPSTREAM_BAD_RESPONSE',
      `${context.purpose}: the server has no token endpoint at this address (HTTP 404). Check the base URL: it is the proxy's root, without api/v1/auth/token.`,
      { ...details, fields: { baseUrl: 'Check the base URL.' } }
    )
  }

  if (error !== undefined) {
    if (error === 'invalid_grant') {
      // On a refresh every invalid_grant means the same thing to the user: this refresh token is dead.
      if (context.grant === 'refresh_token') return new AppError('REFRESH_EXPIRED', REFRESH_EXPIRED_SENTENCE, details)
      if (rawDescription === 'Invalid user credentials') {
        return new AppError('AUTH_REJECTED', 'Wrong user name or password.', { ...details, fields: { username: 'Check the user name.', password: 'Check the password.' } })
      }
      if (rawDescription === 'Account disabled') {
        return new AppError('AUTH_REJECTED', 'The user account is disabled in Keycloak. Ask a Keycloak administrator to enable it.', details)
      }
      if (rawDescription === 'Account is not fully set up') {
        return new AppError(
          'AUTH_REJECTED',
          'The user account is not fully set up: Keycloak has required actions pending (e.g. a new password or a verified e-mail). Log in once in a browser to finish them, then try again.',
          details
        )
      }
      return new AppError('AUTH_REJECTED', `Keycloak refused the login${description ? `: "${description}"` : ''}. Check the user name and password.`, details)
    }
    if (error === 'unauthorized_client' || error === 'invalid_client') {
      // The client's Keycloak settings, not its id or secret: the sentence says what is wrong and
      // `fix` what to change, so the generic "check the id and secret" hint is never shown.
      const refused = (message: string, fix: string): AppError => new AppError('CLIENT_REJECTED', message, { ...details, fix })
      if (rawDescription === 'Client not allowed for direct access grants') {
        return refused(
          `Keycloak does not allow the password grant for ${client}.`,
          'Turn on "Direct access grants" in the client\'s Capability config in Keycloak, or use the client_credentials grant.'
        )
      }
      if (rawDescription === 'Client not enabled to retrieve service account') {
        return refused(
          `Keycloak does not allow the client_credentials grant for ${client}.`,
          'Turn on "Service accounts roles" in the client\'s Capability config in Keycloak, or use the password grant.'
        )
      }
      if (rawDescription === 'Public client not allowed to retrieve service account') {
        return refused(
          `${Client} is public, and a public client cannot use the client_credentials grant.`,
          'Turn on "Client authentication" and "Service accounts roles" for it in Keycloak and store the client secret here, or use the password grant.'
        )
      }
      if (rawDescription === 'Bearer-only not allowed') {
        return refused(`${Client} is bearer-only in Keycloak and cannot obtain tokens.`, 'Use another client.')
      }
      if (rawDescription === 'Client requires user consent') {
        return refused(`${Client} requires user consent, which a direct login cannot give.`, 'Turn off "Consent required" for it in Keycloak, or use another client.')
      }
      return new AppError('CLIENT_REJECTED', CLIENT_SECRET_SENTENCE, { ...details, fields: { clientId: 'Check the client ID.', clientSecret: 'Check the client secret.' } })
    }
    if (error === 'invalid_scope') {
      return new AppError(
        'VALIDATION_FAILED',
        `Keycloak does not allow the requested scope for ${client}${description ? ` ("${description}")` : ''}. Edit the client's Scope: use scopes assigned to the client in Keycloak, or leave it empty.`,
        { ...details, fields: { scope: 'Use scopes assigned to this client, or leave empty.' } }
      )
    }
    if (error === 'invalid_request' && rawDescription === 'HTTPS required') {
      return new AppError('VALIDATION_FAILED', 'The Keycloak realm requires HTTPS. Use an https:// base URL.', { ...details, fields: { baseUrl: 'Use https://.' } })
    }
    if (error === 'invalid_request' && rawDescription.startsWith('Missing parameter: username')) {
      return new AppError('VALIDATION_FAILED', 'The server needs a user name for the password grant. Edit the account and enter the user name.', { ...details, fields: { username: 'User name is required.' } })
    }
    if (error === 'unsupported_grant_type') {
      return new AppError('UPSTREAM_ERROR', `The server does not support the ${context.grant} grant. Choose another grant for ${client}.`, details)
    }
    if (status === 401 || status === 403 || status === 429 || status >= 500) return unexpectedStatus(response, context.purpose, context.secrets)
    return new AppError('UPSTREAM_ERROR', `${context.purpose} failed (HTTP ${status}): the server said "${description || quoteServer(error, context.secrets)}".`, details)
  }

  if (frameworkMessage !== undefined) {
    const message = quoteServer(frameworkMessage, context.secrets)
    if (status === 415) {
      return new AppError(
        'UPSTREAM_ERROR',
        `The server does not accept this account's body format (HTTP 415: "${message}"). Edit the account and choose another Body format (JSON, XML or form).`,
        { ...details, fields: { bodyFormat: 'Try another body format.' } }
      )
    }
    if (status === 400) {
      return new AppError(
        'UPSTREAM_ERROR',
        `The server could not read the token request (HTTP 400: "${message}"). Edit the account and try another Body format (JSON, XML or form).`,
        details
      )
    }
  }

  // A 401 page is a reverse proxy's or single sign-on's login page in front of Keycloak, which never
  // answers in HTML: the client secret was not even looked at. The page itself is not quoted.
  if (status === 401 && frameworkMessage === undefined && isHtmlPage(response.headers['content-type'], response.body)) {
    return new AppError(
      'UPSTREAM_BAD_RESPONSE',
      `${context.purpose}: the server answered HTTP 401 with an HTML page, not the token endpoint's JSON — most likely the login page of a proxy or single sign-on in front of the token endpoint. Check the base URL, or ask whoever runs that proxy to let requests to api/v1/auth/token through.`,
      { ...details, fields: { baseUrl: 'Check the base URL.' } }
    )
  }
  // A bare 401 (Keycloak answers a non-Basic Authorization header without client_id so).
  if (status === 401 && answer === null) return new AppError('CLIENT_REJECTED', CLIENT_SECRET_SENTENCE, details)
  if (answer === null && status < 500 && status !== 429) {
    return new AppError(
      'UPSTREAM_BAD_RESPONSE',
      `${context.purpose}: the server's answer (HTTP ${status}) is not from a Keycloak token proxy. Check the base URL: it is the proxy's root, without api/v1/auth/token.`,
      { ...details, fields: { baseUrl: 'Check the base URL.' } }
    )
  }
  return unexpectedStatus(response, context.purpose, context.secrets)
}
