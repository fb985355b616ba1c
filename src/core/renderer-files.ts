/**
 * The built renderer as both hosts serve it (Electron's `app://` protocol and browser mode's
 * HTTP server): one path resolver that nothing escapes, and one Content-Security-Policy.
 */
import { realpath, stat } from 'node:fs/promises'
import { extname, isAbsolute, resolve, sep } from 'node:path'

/**
 * The production policy (security.md §1.4). The renderer makes no network calls of its own: all
 * HTTP goes through main, hence `connect-src 'none'` in Electron; browser mode opens exactly its
 * own WebSocket. `frame-ancestors` works only as a header, so the meta-tag variant leaves it out.
 */
export function rendererCsp(connectSrc = "'none'", delivery: 'header' | 'meta' = 'header'): string {
  const directives = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connectSrc}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'"
  ]
  return (delivery === 'meta' ? directives.filter((d) => !d.startsWith('frame-ancestors')) : directives).join('; ')
}

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

export type ResolvedRendererFile = { status: 200; path: string; contentType: string } | { status: 403 | 404 }

/**
 * Maps a URL path (`app://tokendesk/...` in Electron, `http://127.0.0.1:port/...` in browser mode) to a file inside `root`, refusing anything that
 * could escape it: `..` (plain or percent-encoded), backslashes, NUL, drive letters, absolute
 * paths after decoding, and symlinks whose target lies outside the root. Unknown file types are
 * 404 so nothing but the built renderer's own assets is ever served.
 */
export async function resolveRendererFile(root: string, urlPathname: string): Promise<ResolvedRendererFile> {
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
