import { app } from 'electron'
import { isTrustedUrl, trustedOrigins, type TrustedOrigins } from './origins'

/** The parts of `WebFrameMain` the check reads; tests pass plain objects. */
export interface SenderFrame {
  readonly url: string
  readonly parent: unknown
  readonly detached?: boolean
}

/** Trusted origins for this run: the app scheme, plus the dev server only when not packaged. */
export function currentTrustedOrigins(): TrustedOrigins {
  return trustedOrigins({ isPackaged: app.isPackaged, devServerUrl: process.env.ELECTRON_RENDERER_URL })
}

/**
 * Checklist item 17: an IPC call is served only when it comes from the top frame of a page on a
 * trusted origin. Never throws: a frame whose properties cannot be read is untrusted.
 */
export function isTrustedSender(
  frame: SenderFrame | null | undefined,
  origins: TrustedOrigins = currentTrustedOrigins()
): boolean {
  if (frame === null || frame === undefined || typeof frame !== 'object') return false
  try {
    if (frame.detached === true) return false
    if (frame.parent !== null) return false
    return isTrustedUrl(frame.url, origins)
  } catch {
    return false
  }
}
