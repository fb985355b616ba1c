import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createCore } from '../core/core'
import { createMemoryLogger } from '../core/log'
import { dataPaths } from '../core/paths'
import { MemorySecretStore } from '../core/secrets/memory-store'
import { startWebHost, type WebHost } from './server'

const SECRET = 'test-secret-0123456789-abcdefghijkl'
let host: WebHost
let root: string
let outside: string

function rawGet(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, method: 'GET', headers: { host: `127.0.0.1:${host.port}`, ...headers } }, (res) => {
      let body = ''
      res.on('data', (c: Buffer) => (body += c.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

function openSocket(query: string, headers: Record<string, string>): Promise<{ status: number; ws?: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws${query}`, { headers })
    ws.on('open', () => resolve({ status: 101, ws }))
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }))
    ws.on('error', () => resolve({ status: -1 }))
  })
}

const own = (): Record<string, string> => ({ origin: `http://127.0.0.1:${host.port}` })

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'td-web-'))
  outside = mkdtempSync(join(tmpdir(), 'td-outside-'))
  writeFileSync(join(outside, 'secret.txt'), 'outside the renderer')
  mkdirSync(join(root, 'assets'))
  writeFileSync(
    join(root, 'index.html'),
    `<html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; connect-src 'none'" /></head><body></body></html>`
  )
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)')
  symlinkSync(join(outside, 'secret.txt'), join(root, 'assets', 'escape.js'))
  const log = createMemoryLogger()
  const core = createCore({ host: 'browser', version: '9.9.9', runtime: 'Node', paths: dataPaths(join(root, 'data')), log, secretStore: new MemorySecretStore() })
  host = await startWebHost({ core, rendererDir: root, port: 0, secret: SECRET })
})

afterAll(async () => {
  await host.close()
  rmSync(root, { recursive: true, force: true })
  rmSync(outside, { recursive: true, force: true })
})

describe('browser-mode host: the page', () => {
  it('prints a loopback URL whose fragment carries the secret', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/#secret=${SECRET}`)
  })

  it('serves the renderer with a CSP that allows exactly its own WebSocket', async () => {
    const res = await rawGet('/')
    expect(res.status).toBe(200)
    expect(res.headers['content-security-policy']).toContain(`connect-src ws://127.0.0.1:${host.port}`)
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'")
    expect(res.body).toContain(`connect-src ws://127.0.0.1:${host.port}`)
    expect(res.body).not.toContain("connect-src 'none'")
    expect(res.headers['x-content-type-options']).toBe('nosniff')
  })

  it.each([
    ['/../../etc/passwd', [403, 404]],
    ['/%2e%2e/%2e%2e/etc/passwd', [403, 404]],
    ['/assets/..%2f..%2fsecret.txt', [403, 404]],
    ['/assets/escape.js', [403]],
    ['/assets/%00.js', [403]],
    // URL parsing turns backslashes into slashes: this lands on index.html, inside the root.
    ['/assets\\..\\..\\..\\secret.txt', [403, 404]],
    ['/nope.js', [404]]
  ])('refuses %s', async (path, statuses) => {
    const res = await rawGet(path)
    expect(statuses).toContain(res.status)
    expect(res.body).not.toContain('outside the renderer')
  })

  it('refuses a Host header that is not the loopback address (DNS rebinding)', async () => {
    expect((await rawGet('/', { host: `evil.example:${host.port}` })).status).toBe(421)
    expect((await rawGet('/', { host: `localhost:${host.port}` })).status).toBe(421)
  })
})

describe('browser-mode host: the WebSocket', () => {
  it.each([
    ['no secret', '', own, 401],
    ['a wrong secret', '?secret=wrong', own, 401],
    ['a secret of the right length but wrong', `?secret=${'x'.repeat(SECRET.length)}`, own, 401],
    ['a foreign Origin', `?secret=${SECRET}`, (): Record<string, string> => ({ origin: 'https://evil.example' }), 403],
    ['no Origin', `?secret=${SECRET}`, (): Record<string, string> => ({}), 403],
    ['a foreign Host', `?secret=${SECRET}`, (): Record<string, string> => ({ ...own(), host: 'evil.example' }), 421]
  ])('refuses %s', async (_name, query, headers, status) => {
    expect((await openSocket(query, headers())).status).toBe(status)
  })

  it('answers calls with the dispatch envelope and keeps serving after garbage', async () => {
    const { status, ws } = await openSocket(`?secret=${SECRET}`, own())
    expect(status).toBe(101)
    const frames: Array<{ id: number; result: { ok: boolean; error?: { code: string } } }> = []
    ws!.on('message', (data) => frames.push(JSON.parse(data.toString())))
    ws!.send('garbage')
    ws!.send(Buffer.from([1, 2, 3]), { binary: true })
    ws!.send(JSON.stringify({ type: 'call', id: 'x', command: 'app.info' }))
    ws!.send(JSON.stringify({ type: 'call', id: 5, command: 'app.nope', request: {} }))
    ws!.send(JSON.stringify({ type: 'call', id: 6, command: 'app.info', request: {} }))
    await expect.poll(() => frames.length).toBe(5)
    expect(frames.filter((f) => f.id === 0).map((f) => f.result.error?.code)).toEqual(['INVALID_REQUEST', 'INVALID_REQUEST', 'INVALID_REQUEST'])
    expect(frames.find((f) => f.id === 5)?.result.error?.code).toBe('UNKNOWN_COMMAND')
    expect(frames.find((f) => f.id === 6)?.result).toMatchObject({ ok: true, value: { version: '9.9.9', host: 'browser' } })
    ws!.close()
  })

  it('closes a socket that sends a frame over the size cap, and still serves others', async () => {
    const big = await openSocket(`?secret=${SECRET}`, own())
    const closed = new Promise<number>((resolve) => big.ws!.on('close', (code) => resolve(code)))
    big.ws!.send('x'.repeat(2 * 1024 * 1024))
    expect(await closed).toBe(1009)
    const next = await openSocket(`?secret=${SECRET}`, own())
    expect(next.status).toBe(101)
    next.ws!.close()
  })
})
