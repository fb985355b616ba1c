// Plain literals, no zod: the renderer's first chunk reads frames with these (wire-frame.ts).

/**
 * Stable error codes. The renderer switches on these, so never rename one; add new ones.
 * Messages are user-safe: no stacks, no secrets, no raw server bodies.
 */
export const ERROR_CODES = [
  // dispatch
  'UNKNOWN_COMMAND',
  'INVALID_REQUEST',
  'INVALID_RESPONSE',
  'INTERNAL',
  // transport / host
  'FORBIDDEN',
  'DISCONNECTED',
  'TIMEOUT',
  'NOT_IMPLEMENTED',
  // secret store
  'KEYCHAIN_NO_DBUS',
  'KEYCHAIN_NO_SECRET_SERVICE',
  'KEYCHAIN_LOCKED',
  'KEYCHAIN_TIMEOUT',
  'KEYCHAIN_ACCESS_DENIED',
  'KEYCHAIN_VALUE_REJECTED',
  'KEYCHAIN_UNAVAILABLE',
  'VAULT_LOCKED',
  'VAULT_WRONG_PASSPHRASE',
  'VAULT_CORRUPT',
  'VAULT_TOO_NEW',
  'VAULT_NOT_INITIALIZED',
  'VAULT_IO',
  'SECRET_NOT_FOUND',
  'SECRET_MIGRATION_FAILED',
  'SETTINGS_CORRUPT',
  'SETTINGS_IO',
  // sandbox
  'SANDBOX_UNAVAILABLE',
  // secret and settings stores (issue 4)
  'SETTINGS_TOO_NEW',
  'SECRET_KEY_INVALID',
  'SECRET_CORRUPT',
  'VAULT_ALREADY_EXISTS',
  // HTTP client (core/http): the request never produced a usable answer
  'HTTP_INVALID_URL',
  'HTTP_INSECURE_URL',
  'HTTP_UNREACHABLE',
  'HTTP_TIMEOUT',
  'HTTP_TLS',
  'HTTP_RESPONSE_TOO_LARGE',
  'HTTP_REDIRECT_REFUSED',
  'HTTP_ABORTED',
  // what the server said, as sentences (providers map their API's errors onto these)
  'AUTH_REJECTED',
  'CLIENT_REJECTED',
  'REFRESH_EXPIRED',
  'RATE_LIMITED',
  'UPSTREAM_ERROR',
  'UPSTREAM_BAD_RESPONSE',
  // the token engine
  'VALIDATION_FAILED',
  'PROVIDER_NOT_FOUND',
  'ACCOUNT_NOT_FOUND',
  'APP_NOT_FOUND',
  'TOKEN_NOT_FOUND',
  'FLOW_NOT_SUPPORTED',
  'TOKEN_EXPIRED',
  'TOKEN_REVOKED',
  'RECIPE_INVALID',
  'CURL_PARSE_FAILED',
  'CLIPBOARD_UNAVAILABLE',
  'NOT_SUPPORTED'
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]
