import type { AppErrorData, ErrorCode } from '../../../../shared/errors'

/** What to do about an error, by code, when the engine did not send its own fix. */
const HINTS: Partial<Record<ErrorCode, string>> = {
  HTTP_UNREACHABLE: 'Check the base URL and that the server is running and reachable from this machine.',
  HTTP_TIMEOUT: 'The server did not answer in time: check the URL, a proxy or VPN, then try again.',
  HTTP_TLS: 'The server’s certificate was not accepted: check the URL (https vs http) and the certificate.',
  HTTP_INVALID_URL: 'Edit the account and correct the URL (a full URL, like https://api.example.com).',
  HTTP_INSECURE_URL: 'Use https://, or turn on "Allow plain HTTP" under Advanced if you trust this network.',
  HTTP_REDIRECT_REFUSED: 'The server redirected the login; put the final URL in the account.',
  HTTP_RESPONSE_TOO_LARGE: 'The answer was too large to be a login response: check the URL points at the API.',
  AUTH_REJECTED: 'Check the credentials: Edit the account, then Test login.',
  CLIENT_REJECTED: 'Check the id and secret of the app (a client, for Keycloak): Edit it from its ⋯ menu.',
  REFRESH_EXPIRED: 'Issue a new token; the refresh token has run out.',
  RATE_LIMITED: 'The server is limiting requests: wait a moment and try again.',
  UPSTREAM_ERROR: 'The server failed; try again later or check its logs.',
  UPSTREAM_BAD_RESPONSE: 'The answer was not what this API returns: check the base URL.',
  VALIDATION_FAILED: 'Edit it and fill in the field named above.',
  RECIPE_INVALID: 'Edit the recipe: Test recipe shows what it finds.',
  FLOW_NOT_SUPPORTED: 'This API does not offer that here.',
  KEYCHAIN_LOCKED: 'Unlock the system keychain, then try again.',
  VAULT_LOCKED: 'Unlock the encrypted vault (Settings), then try again.',
  DISCONNECTED: 'TokenDesk lost its connection; it reconnects by itself, then try again.',
  TIMEOUT: 'TokenDesk did not answer in time; try again.'
}

/** In the form being filled in, the fix points at its fields, not at an Edit that is already open. */
const FORM_HINTS: Partial<Record<ErrorCode, string>> = {
  HTTP_INVALID_URL: 'Correct the URL above (a full URL, like https://api.example.com).',
  AUTH_REJECTED: 'Check the credentials above, then Test login again.',
  CLIENT_REJECTED: 'Check the id and secret above.',
  VALIDATION_FAILED: 'Fill in the field named above.',
  RECIPE_INVALID: 'Correct the recipe above: Test recipe shows what it finds.'
}

/** `where`: the error shows in the form being filled in, or on a page. */
export function fixFor(error: AppErrorData, where: 'form' | 'page' = 'page'): string | undefined {
  const fix = error.details?.fix
  if (typeof fix === 'string' && fix) return fix
  return (where === 'form' ? FORM_HINTS[error.code] : undefined) ?? HINTS[error.code]
}

/** Field messages the core attached (details.fields), e.g. `{ password: 'Password is required.' }`. */
export function fieldErrorsOf(error: AppErrorData): Record<string, string> {
  const fields = error.details?.fields
  if (!fields || typeof fields !== 'object') return {}
  return Object.fromEntries(Object.entries(fields as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'))
}
