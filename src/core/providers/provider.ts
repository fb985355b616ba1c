import type { LoginCheck } from '../../shared/contract'
import type { ExpirySource, FieldSpec, FieldValues, ProviderInfo, SecretValues } from '../../shared/model'
import type { HttpClient } from '../http/client'
import type { Logger } from '../log'

/**
 * One provider = one module implementing this interface + one line in registry.ts.
 * Providers are stateless: the tokens service hands them the account/app values and the
 * secrets it loaded, and keeps whatever they return. They never touch storage.
 */

export interface ProviderContext {
  http: HttpClient
  log: Logger
  /** Local clock (ms). */
  now(): number
}

/** The account (and app, for app flows) a call runs for: non-secret fields plus the secrets loaded from the store. */
export interface CredentialSet {
  id: string
  name: string
  fields: FieldValues
  secrets: SecretValues
}

export interface FlowInput {
  account: CredentialSet
  app: CredentialSet | null
}

/**
 * When a token dies, as the API said it. The tokens service turns this into a local expiry:
 * `server-time` is on the server's clock (JWT exp, PocketPaw prefix, Respoke expiryTime) and is
 * corrected by the measured skew; `seconds` counts from when the request was sent (expires_in,
 * a requested ttl); `unknown` is shown with its age, `none` as "no expiry".
 */
export type ExpiryInfo =
  | { source: Extract<ExpirySource, 'jwt-exp' | 'pocketpaw-prefix' | 'expiryTime' | 'recipe'>; kind: 'server-time'; atMs: number }
  | { source: Extract<ExpirySource, 'expires_in' | 'ttl' | 'recipe'>; kind: 'seconds'; seconds: number }
  | { source: 'unknown'; kind: 'unknown' }
  | { source: 'none'; kind: 'none' }

/** What a flow produced. Values go to the encrypted token cache; everything else is metadata. */
export interface IssuedToken {
  /** "App-Token", "session", "JWT", "access", "Admin-Token", "tokenId". */
  kind: string
  value: string
  format: 'jwt' | 'pocketpaw' | 'opaque'
  expiry: ExpiryInfo
  /** JWT nbf, on the server's clock (ms). */
  notBeforeMs?: number | null
  /** From the HTTP response: when it was sent (local ms) and the server clock skew (ms) if a Date header came back. */
  sentAt: number
  skewMs: number | null
  refresh?: { value: string; expiry: ExpiryInfo; rotates: boolean } | null
  /** How "Copy as header" writes it: `Authorization: Bearer <v>`, `App-Token: <v>`. */
  header: { name: string; prefix: string }
  /** How the token is renewed: with `refresh` below, by running the flow again, or not at all. */
  renewal: 'refresh-token' | 'reissue' | 'none'
  /** `revoke` can end it at the server. */
  revocable: boolean
}

/** A token the service holds, handed back to the provider for refresh / revoke / verify. */
export interface HeldToken {
  flow: string
  kind: string
  value: string
  refreshValue: string | null
}

export interface ActionResult {
  /** "Generated a new master token. Every session token of this server is now invalid." */
  message: string
  /** Secrets the action replaced (stored by the service before anything else happens). */
  secrets?: SecretValues
  /** Every token of the account is dead at the server now. */
  revokesAllTokens?: boolean
}

export interface ImportedApp {
  name: string
  fields: FieldValues
}

export interface Provider {
  readonly info: ProviderInfo
  /** Runs a flow whose `produces` is 'token'. Rejects with AppError (sentences users understand). */
  issue(flow: string, input: FlowInput, ctx: ProviderContext): Promise<IssuedToken>
  /** Renews with the refresh token (only called when `renewal` was 'refresh-token'). */
  refresh?(held: HeldToken, input: FlowInput, ctx: ProviderContext): Promise<IssuedToken>
  /** Ends the token at the server (only called when `revocable`). */
  revoke?(held: HeldToken, input: FlowInput, ctx: ProviderContext): Promise<void>
  /** Logs in (or the nearest thing) without keeping a token. */
  testLogin(input: FlowInput, ctx: ProviderContext): Promise<LoginCheck>
  /** Flows whose `produces` is 'none'. */
  runAction?(action: string, input: FlowInput, ctx: ProviderContext): Promise<ActionResult>
  /**
   * Secret fields that depend on the values (a recipe's `{{secret:name}}` placeholders), added
   * to the account's declared fields for validation and storage.
   */
  extraSecretFields?(fields: FieldValues): FieldSpec[]
  /** Apps the server lists for this account (Respoke `GET /apps`). */
  importApps?(input: FlowInput, ctx: ProviderContext): Promise<ImportedApp[]>
}
