/**
 * Serving the built renderer: pure Node (fs + Fetch Request/Response), no electron import, so it
 * is tested, and can be exercised in Chromium, without an Electron binary.
 */
import { readFile } from 'node:fs/promises'
import { rendererCsp, resolveRendererFile } from '../core/renderer-files'
import { APP_ORIGIN, originOf } from './origins'

export const CONTENT_SECURITY_POLICY = rendererCsp()
/** The app:// resolver is the one both hosts share. */
export const resolveAppFile = resolveRendererFile

/** Headers on every answer, errors included. */
function securityHeaders(contentType?: string): Record<string, string> {
  return {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    ...(contentType === undefined ? {} : { 'Content-Type': contentType })
  }
}

function statusOnly(status: 403 | 404 | 405): Response {
  return new Response(null, { status, headers: securityHeaders() })
}

/**
 * The `app://` request handler: only our own host, only GET/HEAD, only files under `root`.
 * Works on the standard Fetch `Request`/`Response`, so it is tested in Node without Electron.
 */
export function createAppRequestHandler(root: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return statusOnly(405)
    if (originOf(request.url) !== APP_ORIGIN) return statusOnly(403)
    // The raw path, before any normalisation, so `%2e%2e` is seen and refused.
    const rawPath = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/i.exec(request.url)?.[1] || '/'
    const file = await resolveAppFile(root, rawPath)
    if (file.status !== 200) return statusOnly(file.status)
    let body: Buffer
    try {
      body = await readFile(file.path)
    } catch {
      return statusOnly(404)
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: securityHeaders(file.contentType)
    })
  }
}
