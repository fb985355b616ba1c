/**
 * Serving the built renderer: pure Node (fs + Fetch Request/Response), no electron import, so it
 * is tested, and can be exercised in Chromium, without an Electron binary.
 */
import { readFile, realpath, stat } from 'node:fs/promises'
import { extname, isAbsolute, resolve, sep } from 'node:path'
import { APP_ORIGIN, originOf } from './origins'

/**
 * The production policy (security.md §1.4). The renderer makes no network calls of its own: all
 * HTTP goes through main, hence `connect-src 'none'`.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join('; ')

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8'
}

export type ResolvedAppFile = { status: 200; path: string; contentType: string } | { status: 403 | 404 }

/**
 * Maps the path of an `app://tokendesk/...` URL to a file inside `root`, refusing anything that
 * could escape it: `..` (plain or percent-encoded), backslashes, NUL, drive letters, absolute
 * paths after decoding, and symlinks whose target lies outside the root. Unknown file types are
 * 404 so nothing but the built renderer's own assets is ever served.
 */
export async function resolveAppFile(root: string, urlPathname: string): Promise<ResolvedAppFile> {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPathname)
  } catch {
    return { status: 403 }
  }
  if (!decoded.startsWith('/')) return { status: 403 }
  if (decoded.includes('\0') || decoded.includes('\\')) return { status: 403 }
  const relative = decoded === '/' ? 'index.html' : decoded.slice(1)
  const segments = relative.split('/')
  if (segments.some((segment) => segment === '..' || segment === '.')) return { status: 403 }
  if (relative.startsWith('/') || isAbsolute(relative) || /^[a-zA-Z]:/.test(relative)) return { status: 403 }

  let rootReal: string
  try {
    rootReal = await realpath(resolve(root))
  } catch {
    return { status: 404 }
  }
  const candidate = resolve(rootReal, relative)
  if (!candidate.startsWith(rootReal + sep)) return { status: 403 }
  let real: string
  try {
    real = await realpath(candidate)
  } catch {
    return { status: 404 }
  }
  if (!real.startsWith(rootReal + sep)) return { status: 403 }
  try {
    if (!(await stat(real)).isFile()) return { status: 404 }
  } catch {
    return { status: 404 }
  }
  const contentType = CONTENT_TYPES[extname(real).toLowerCase()]
  if (contentType === undefined) return { status: 404 }
  return { status: 200, path: real, contentType }
}

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
