import { readFile, realpath, stat } from 'node:fs/promises'
import { extname, join, resolve, sep } from 'node:path'

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8'
}

export type StaticFile = { status: 200; body: Buffer; contentType: string } | { status: 403 | 404 }

/**
 * Resolves a URL path inside `root`, refusing anything that escapes it: `..`, encoded `%2e%2e`,
 * backslashes, NUL, absolute paths and symlinks that point outside.
 */
export async function readStaticFile(root: string, urlPath: string): Promise<StaticFile> {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0] ?? '/')
  } catch {
    return { status: 403 }
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { status: 403 }
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '')
  const rootReal = await realpath(resolve(root))
  const candidate = resolve(rootReal, relative)
  if (candidate !== rootReal && !candidate.startsWith(rootReal + sep)) return { status: 403 }
  let real: string
  try {
    real = await realpath(candidate)
    if (!(await stat(real)).isFile()) return { status: 404 }
  } catch {
    return { status: 404 }
  }
  if (!real.startsWith(rootReal + sep)) return { status: 403 }
  const contentType = MIME[extname(real).toLowerCase()]
  if (!contentType) return { status: 404 }
  return { status: 200, body: await readFile(real), contentType }
}

export function rendererIndex(root: string): string {
  return join(root, 'index.html')
}
