import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { request, type ClientRequestArgs } from 'node:http'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createCore } from '../core/core'
import { createMemoryLogger } from '../core/log'
import { dataPaths } from '../core/paths'
import { MemorySecretStore } from '../core/secrets/memory-store'
import { wsProtocols } from '../shared/wire'
import { SECURITY_HEADERS, startWebHost, type WebHost } from './server'

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

interface Opened {
  status: number
  ws?: WebSocket
  headers?: Record<string, string | string[] | undefined>
}

/** Opens a WebSocket offering `protocols` (by default the page's: version + secret). */
function openSocket(query: string, headers: Record<string, string>, protocols: string[] = wsProtocols(SECRET)): Promise<Opened> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws${query}`, protocols, { headers })
    ws.on('open', () => resolve({ status: 101, ws }))
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0, headers: res.headers })
      res.resume()
    })
    ws.on('error', () => resolve({ status: -1 }))
  })
}

function expectSecurityHeaders(headers: Record<string, string | string[] | undefined> | undefined): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(headers?.[name.toLowerCase()], name).toBe(value)
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

  it('refuses a Host header that is not the loopback address (DNS rebinding), with the security headers', async () => {
    for (const name of [`evil.example:${host.port}`, `localhost:${host.port}`]) {
      const res = await rawGet('/', { host: name })
      expect(res.status).toBe(421)
      expectSecurityHeaders(res.headers)
    }
  })

  it('sends the security headers on the page, on 404 and on 403', async () => {
    for (const [path, status] of [['/', 200], ['/nope.js', 404], ['/assets/escape.js', 403]] as const) {
      const res = await rawGet(path)
      expect(res.status).toBe(status)
      expectSecurityHeaders(res.headers)
    }
  })
})

describe('browser-mode host: the WebSocket', () => {
  const versionOnly = ['tokendesk.v1']
  it.each([
    ['no secret', '', own, versionOnly, 401],
    ['a wrong secret', '', own, wsProtocols('wrong-secret-wrong-secret'), 401],
    ['a secret of the right length but wrong', '', own, wsProtocols('x'.repeat(SECRET.length)), 401],
    ['two secrets, one right', '', own, [...wsProtocols(SECRET), 'tokendesk.secret.other'], 401],
    ['the secret in the URL query (no longer accepted)', `?secret=${SECRET}`, own, versionOnly, 401],
    ['the right secret without the version protocol', '', own, [`tokendesk.secret.${SECRET}`], 400],
    ['a foreign Origin', '', (): Record<string, string> => ({ origin: 'https://evil.example' }), undefined, 403],
    ['no Origin', '', (): Record<string, string> => ({}), undefined, 403],
    ['a foreign Host', '', (): Record<string, string> => ({ ...own(), host: 'evil.example' }), undefined, 421]
  ])('refuses %s, with the security headers', async (_name, query, headers, protocols, status) => {
    const res = await openSocket(query, headers(), protocols)
    expect(res.status).toBe(status)
    expectSecurityHeaders(res.headers)
  })

  it('keeps the secret out of the request line: it travels in Sec-WebSocket-Protocol, and only tokendesk.v1 is echoed', async () => {
    const sent: Buffer[] = []
    const received: Buffer[] = []
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws`, wsProtocols(SECRET), {
      headers: own(),
      // The real TCP connection, with every byte either way recorded.
      createConnection: (options: ClientRequestArgs) => {
        const socket = connect({ host: '127.0.0.1', port: Number(options.port) })
        const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean
        socket.write = ((chunk: unknown, ...rest: unknown[]) => {
          sent.push(Buffer.from(chunk as string))
          return write(chunk, ...rest)
        }) as typeof socket.write
        socket.on('data', (chunk: Buffer) => received.push(chunk))
        return socket
      }
    })
    await new Promise((resolve, reject) => {
      ws.on('open', resolve)
      ws.on('error', reject)
    })
    expect(ws.protocol).toBe('tokendesk.v1')
    const request = Buffer.concat(sent).toString('latin1').split('\r\n')
    expect(request[0]).toBe('GET /ws HTTP/1.1')
    expect(request.filter((line) => line.includes(SECRET))).toEqual([`Sec-WebSocket-Protocol: tokendesk.v1,tokendesk.secret.${SECRET}`])
    const response = Buffer.concat(received).toString('latin1')
    expect(response).toMatch(/^HTTP\/1\.1 101 /)
    expect(response).toContain('Sec-WebSocket-Protocol: tokendesk.v1\r\n')
    expect(response).not.toContain(SECRET)
    ws.close()
  })

  it('answers calls with the dispatch envelope; frame-level errors carry no id, distinct from every call id', async () => {
    const { status, ws } = await openSocket('', own())
    expect(status).toBe(101)
    const frames: Array<{ type: string; id?: number; result?: { ok: boolean; error?: { code: string } }; error?: { code: string } }> = []
    ws!.on('message', (data) => frames.push(JSON.parse(data.toString())))
    ws!.send('garbage')
    ws!.send(Buffer.from([1, 2, 3]), { binary: true })
    ws!.send(JSON.stringify({ type: 'call', id: 'x', command: 'app.info' }))
    // 0 is not a call id (ids start at 1): a frame-level error, not a result on id 0.
    ws!.send(JSON.stringify({ type: 'call', id: 0, command: 'app.info', request: {} }))
    // A readable id with a broken frame: that call gets its answer.
    ws!.send(JSON.stringify({ type: 'call', id: 4, command: 42, request: {} }))
    ws!.send(JSON.stringify({ type: 'call', id: 5, command: 'app.nope', request: {} }))
    ws!.send(JSON.stringify({ type: 'call', id: 6, command: 'app.info', request: {} }))
    await expect.poll(() => frames.length).toBe(7)
    const frameErrors = frames.filter((f) => f.type === 'error')
    expect(frameErrors).toHaveLength(4)
    for (const f of frameErrors) {
      expect(f).not.toHaveProperty('id')
      expect(f.error?.code).toBe('INVALID_REQUEST')
    }
    const results = frames.filter((f) => f.type === 'result')
    expect(results.map((f) => f.id).sort()).toEqual([4, 5, 6])
    expect(results.find((f) => f.id === 4)?.result?.error?.code).toBe('INVALID_REQUEST')
    expect(results.find((f) => f.id === 5)?.result?.error?.code).toBe('UNKNOWN_COMMAND')
    expect(results.find((f) => f.id === 6)?.result).toMatchObject({ ok: true, value: { version: '9.9.9', host: 'browser' } })
    ws!.close()
  })

  it('closes a socket that sends a frame over the size cap, and still serves others', async () => {
    const big = await openSocket('', own())
    const closed = new Promise<number>((resolve) => big.ws!.on('close', (code) => resolve(code)))
    big.ws!.send('x'.repeat(2 * 1024 * 1024))
    expect(await closed).toBe(1009)
    const next = await openSocket('', own())
    expect(next.status).toBe(101)
    next.ws!.close()
  })

  it('unauthenticated connections held open never take a slot: with 40 of them, the page still connects', async () => {
    const held: Socket[] = []
    for (let i = 0; i < 40; i++) {
      const socket = connect(host.port, '127.0.0.1')
      socket.on('error', () => {})
      await new Promise((resolve) => socket.on('connect', resolve))
      // A refused upgrade whose client never closes its side.
      socket.write(`GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nOrigin: http://127.0.0.1:${host.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`)
      held.push(socket)
    }
    expect(host.connectionCount()).toBe(0)
    const page = await openSocket('', own())
    expect(page.status).toBe(101)
    expect(host.connectionCount()).toBe(1)
    page.ws!.close()
    for (const socket of held) socket.destroy()
  })

  it('caps authenticated sockets at 16 (503 beyond), and a freed slot is usable again', async () => {
    const open: WebSocket[] = []
    for (let i = 0; i < 16; i++) {
      const res = await openSocket('', own())
      expect(res.status).toBe(101)
      open.push(res.ws!)
    }
    const refused = await openSocket('', own())
    expect(refused.status).toBe(503)
    expectSecurityHeaders(refused.headers)
    const first = open.shift()!
    first.close()
    await expect.poll(() => host.connectionCount()).toBe(15)
    const again = await openSocket('', own())
    expect(again.status).toBe(101)
    for (const ws of [...open, again.ws!]) ws.close()
    await expect.poll(() => host.connectionCount()).toBe(0)
  })
})

describe('browser-mode host: listening before the core is up (start-up)', () => {
  it('serves the page while the core boots; a call made meanwhile is answered once it is up, and events flow from then on', async () => {
    let resolveCore!: (core: ReturnType<typeof createCore>) => void
    const booting = new Promise<ReturnType<typeof createCore>>((resolve) => (resolveCore = resolve))
    const early = await startWebHost({ core: booting, rendererDir: root, port: 0, secret: SECRET })
    try {
      const page = await new Promise<number>((resolve, reject) =>
        request({ host: '127.0.0.1', port: early.port, path: '/', headers: { host: `127.0.0.1:${early.port}` } }, (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        })
          .on('error', reject)
          .end()
      )
      expect(page).toBe(200)
      const ws = new WebSocket(`ws://127.0.0.1:${early.port}/ws`, wsProtocols(SECRET), { headers: { origin: `http://127.0.0.1:${early.port}` } })
      await new Promise((resolve, reject) => ws.on('open', resolve).on('error', reject))
      const frames: Array<{ type: string; id?: number; event?: string; result?: { ok: boolean; value?: { version?: string } } }> = []
      ws.on('message', (data) => frames.push(JSON.parse(data.toString())))
      ws.send(JSON.stringify({ type: 'call', id: 1, command: 'app.info', request: {} }))
      await new Promise((resolve) => setTimeout(resolve, 150))
      expect(frames).toEqual([]) // the call waits for the core; it is not refused
      const core = createCore({ host: 'browser', version: '1.2.3', runtime: 'Node', paths: dataPaths(join(root, 'early-data')), log: createMemoryLogger(), secretStore: new MemorySecretStore() })
      resolveCore(core)
      await expect.poll(() => frames.find((f) => f.id === 1)?.result).toMatchObject({ ok: true, value: { version: '1.2.3' } })
      core.events.emit('accounts.changed', core.accounts.list())
      await expect.poll(() => frames.some((f) => f.type === 'event' && f.event === 'accounts.changed')).toBe(true)
      ws.close()
      await core.dispose()
    } finally {
      await early.close()
    }
  })
})
