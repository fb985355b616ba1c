import { protocol } from 'electron'
import { createAppRequestHandler } from './app-files'
import { APP_SCHEME } from './origins'

/**
 * Checklist item 18: pages come from a privileged custom scheme, never `file://`. Must run before
 * `app` is ready. `corsEnabled` stays unset so no other origin can read the scheme's responses.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }
  ])
}

/** Serves the built renderer at `app://tokendesk/`; call once the app is ready. */
export function serveRenderer(rendererRoot: string): () => void {
  protocol.handle(APP_SCHEME, createAppRequestHandler(rendererRoot))
  return () => protocol.unhandle(APP_SCHEME)
}
