import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { CONTENT_SECURITY_POLICY, createAppRequestHandler, resolveAppFile } from './app-files'

let base: string
let root: string

/**
 * base/
 *   secret.txt                      outside the root
 *   renderer/                       the root
 *     index.html, icon.svg, assets/app.js, assets/style.css, notes.unknownext
 *     inside-link.js  -> assets/app.js        (symlink staying inside)
 *     escape.txt      -> ../secret.txt        (symlink escaping)
 *     escape-dir      -> ..                   (directory symlink escaping)
 *     assets-link     -> assets               (directory symlink staying inside)
 */
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'tokendesk-protocol-'))
  root = join(base, 'renderer')
  mkdirSync(join(root, 'assets'), { recursive: true })
  writeFileSync(join(base, 'secret.txt'), 'outside the root')
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>TokenDesk</title>')
  writeFileSync(join(root, 'icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>')
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)')
  writeFileSync(join(root, 'assets', 'style.css'), 'body{}')
  writeFileSync(join(root, 'notes.unknownext'), 'x')
  symlinkSync(join(root, 'assets', 'app.js'), join(root, 'inside-link.js'))
  symlinkSync(join(base, 'secret.txt'), join(root, 'escape.txt'))
  symlinkSync(base, join(root, 'escape-dir'))
  symlinkSync(join(root, 'assets'), join(root, 'assets-link'))
})

afterAll(() => {
  rmSync(base, { recursive: true, force: true })
})

describe('resolveAppFile', () => {
  const table: Array<[string, 200 | 403 | 404, string?]> = [
    ['/', 200, 'index.html'],
    ['/index.html', 200, 'index.html'],
    ['/icon.svg', 200, 'icon.svg'],
    ['/assets/app.js', 200, 'assets/app.js'],
    ['/assets/style.css', 200, 'assets/style.css'],
    ['/assets%2Fapp.js', 200, 'assets/app.js'],
    ['/inside-link.js', 200, 'assets/app.js'],
    ['/assets-link/app.js', 200, 'assets/app.js'],
    ['/missing.js', 404],
    ['/assets', 404],
    ['/assets/', 404],
    ['/notes.unknownext', 404],
    ['/../secret.txt', 403],
    ['/assets/../../secret.txt', 403],
    ['/%2e%2e/secret.txt', 403],
    ['/%2E%2E/secret.txt', 403],
    ['/assets/%2e%2e/%2e%2e/secret.txt', 403],
    ['/%2e%2e%2fsecret.txt', 403],
    ['/..%2fsecret.txt', 403],
    ['/..%5csecret.txt', 403],
    ['/assets\\..\\..\\secret.txt', 403],
    ['/./index.html', 403],
    ['/%00index.html', 403],
    ['/index.html%00.js', 403],
    ['/%E0%A4%A', 403],
    ['//etc/passwd', 403],
    ['/%2fetc/passwd', 403],
    ['/C:/Windows/win.ini', 403],
    ['/escape.txt', 403],
    ['/escape-dir/secret.txt', 403],
    ['/escape-dir/renderer/index.html', 200, 'index.html'],
    ['index.html', 403],
    ['', 403]
  ]

  it.each(table)('%j → %i', async (path, status, file) => {
    const result = await resolveAppFile(root, path)
    expect(result.status).toBe(status)
    if (status === 200 && result.status === 200) {
      expect(result.path).toBe(join(root, file!))
      expect(result.contentType).toMatch(/^(text|image|application|font)\//)
    }
  })

  it('answers 404 when the root itself does not exist', async () => {
    expect(await resolveAppFile(join(base, 'nope'), '/index.html')).toEqual({ status: 404 })
  })

  it('serves nothing when the root is reached through a symlink that escapes after resolution', async () => {
    // The root is compared after realpath, so a root given through a symlink still works.
    const linkedRoot = join(base, 'linked-root')
    symlinkSync(root, linkedRoot)
    expect((await resolveAppFile(linkedRoot, '/index.html')).status).toBe(200)
    expect((await resolveAppFile(linkedRoot, '/escape.txt')).status).toBe(403)
  })
})

describe('createAppRequestHandler', () => {
  const handler = (): ((request: Request) => Promise<Response>) => createAppRequestHandler(root)

  it('serves a file with its type and the strict CSP header', async () => {
    const response = await handler()(new Request('app://tokendesk/index.html'))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await response.text()).toContain('<title>TokenDesk</title>')
  })

  it('serves index.html for the bare origin', async () => {
    const response = await handler()(new Request('app://tokendesk/'))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
  })

  it.each([
    ['app://tokendesk/%2e%2e/secret.txt', 403],
    ['app://tokendesk/assets/%2e%2e/%2e%2e/%2e%2e/etc/passwd', 403],
    ['app://tokendesk/../secret.txt', 403],
    ['app://tokendesk/escape.txt', 403],
    ['app://tokendesk/missing.js', 404],
    ['app://tokendesk.evil/index.html', 403],
    ['app://other/index.html', 403],
    ['app://user:pw@tokendesk/index.html', 403]
  ])('%s → %i, still with the CSP header', async (url, status) => {
    // A plain object: the Fetch Request constructor itself refuses URLs with credentials.
    const response = await handler()({ method: 'GET', url } as Request)
    expect(response.status).toBe(status)
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
    expect(await response.text()).toBe('')
  })

  it('a parsed Request with `%2e%2e` is folded inside the root and finds nothing', async () => {
    // The Fetch URL parser folds the dot segments first, leaving `/secret.txt` inside the root.
    const response = await handler()(new Request('app://tokendesk/%2e%2e/secret.txt'))
    expect(response.status).toBe(404)
  })

  it('refuses methods other than GET and HEAD', async () => {
    const response = await handler()(new Request('app://tokendesk/index.html', { method: 'POST', body: 'x' }))
    expect(response.status).toBe(405)
  })

  it('answers HEAD without a body', async () => {
    const response = await handler()(new Request('app://tokendesk/assets/app.js', { method: 'HEAD' }))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(await response.text()).toBe('')
  })
})

describe('CONTENT_SECURITY_POLICY', () => {
  it('is the strict production policy, with no unsafe sources', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe|\*|http:|https:/)
  })
})
