/**
 * Which origins count as "the app". Pure: no electron import, so every guard that depends on it
 * (navigation, IPC sender, event forwarding) is table-tested in plain Node.
 */

export const APP_SCHEME = 'app'
export const APP_HOST = 'tokendesk'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`

export interface OriginPolicyInput {
  isPackaged: boolean
  /** `ELECTRON_RENDERER_URL`, set by electron-vite in dev. Ignored when packaged. */
  devServerUrl?: string | undefined
}

/** The exact origins a trusted page may have. */
export type TrustedOrigins = ReadonlySet<string>

/**
 * The origin of `url`, or null when it has none we could trust. Never throws.
 *
 * Node's URL gives `"null"` as the origin of non-special schemes such as `app:`, while Chromium
 * (where `app` is registered as standard) gives `app://host`; we rebuild that form ourselves.
 * URLs carrying credentials are refused outright: no trusted page has them.
 */
export function originOf(url: unknown): string | null {
  if (typeof url !== 'string' || url.length === 0 || url.length > 8192) return null
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  if (parsed.username !== '' || parsed.password !== '') return null
  if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return parsed.origin
  if (parsed.protocol === `${APP_SCHEME}:`) return parsed.host === '' ? null : `${APP_SCHEME}://${parsed.host}`
  return null
}

/** The dev server's origin, only when running unpackaged with electron-vite's URL set. */
export function devServerOrigin(input: OriginPolicyInput): string | null {
  if (input.isPackaged || input.devServerUrl === undefined) return null
  const origin = originOf(input.devServerUrl)
  if (origin === null || !/^https?:\/\//.test(origin)) return null
  return origin
}

export function trustedOrigins(input: OriginPolicyInput): TrustedOrigins {
  const dev = devServerOrigin(input)
  return new Set(dev === null ? [APP_ORIGIN] : [APP_ORIGIN, dev])
}

/** True when `url` belongs to one of the trusted origins (exact origin match, never a prefix). */
export function isTrustedUrl(url: unknown, origins: TrustedOrigins): boolean {
  const origin = originOf(url)
  return origin !== null && origins.has(origin)
}

/** What the window loads first: the dev server in dev, the bundled renderer otherwise. */
export function rendererEntryUrl(input: OriginPolicyInput): string {
  return devServerOrigin(input) !== null && input.devServerUrl !== undefined ? input.devServerUrl : APP_ENTRY_URL
}
