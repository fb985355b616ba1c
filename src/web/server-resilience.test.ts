import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
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
import { startWebHost, type WebHost, type WebHostLimits } from './server'

/**
 * Peers that misbehave at the TCP level, on real loopback sockets. In a real process an unhandled
 * socket error kills the host; here it is an uncaught exception, which each stage counts (and
 * which fails the Vitest run on its own too).
 */

const SECRET = 'resilience-secret-0123456789-abcdef'
let root: string
const hosts: WebHost[] = []
const uncaught: unknown[] = []
const recordUncaught = (error: unknown): void => {
  uncaught.push(error)
}

async function newHost(limits: Partial<WebHostLimits> = {}): Promise<WebHost> {
  const log = createMemoryLogger()
  const core = createCore({ host: 'browser', version: '9.9.9', runtime: 'Node', paths: dataPaths(join(root, 'data')), log, secretStore: new MemorySecretStore() })
  const host = await startWebHost({ core, rendererDir: root, port: 0, secret: SECRET, limits })
  hosts.push(host)
  return host
}

beforeAll(() => {
  process.on('uncaughtException', recordUncaught)
  root = mkdtempSync(join(tmpdir(), 'td-web-reset-'))
  mkdirSync(join(root, 'assets'))
  writeFileSync(join(root, 'index.html'), '<html><head></head><body>TokenDesk</body></html>')
  // Big enough that a reset lands while the response is still being written.
  writeFileSync(join(root, 'assets', 'big.js'), 'x'.repeat(1536 * 1024))
})

afterAll(async () => {
  process.off('uncaughtException', recordUncaught)
  for (const host of hosts) await host.close()
  rmSync(root, { recursive: true, force: true })
})

function upgradeRequest(host: WebHost, options: { path?: string; hostHeader?: string; origin?: string | null; protocols?: string[] } = {}): string {
  const lines = [
    `GET ${options.path ?? '/ws'} HTTP/1.1`,
    `Host: ${options.hostHeader ?? `127.0.0.1:${host.port}`}`,
    ...(options.origin === null ? [] : [`Origin: ${options.origin ?? `http://127.0.0.1:${host.port}`}`]),
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version: 13',
    ...(options.protocols ? [`Sec-WebSocket-Protocol: ${options.protocols.join(', ')}`] : [])
  ]
  return `${lines.join('\r\n')}\r\n\r\n`
}

const httpGet = (host: WebHost, path: string, hostHeader = `127.0.0.1:${host.port}`): string =>
  `GET ${path} HTTP/1.1\r\nHost: ${hostHeader}\r\nConnection: keep-alive\r\n\r\n`

type ResetAt = 'on-connect' | 'after-write' | 'on-first-byte'

/** One TCP connection that sends `payload` and is reset (RST, not FIN) at the given moment. */
function resetConnection(host: WebHost, payload: string, at: ResetAt): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(host.port, '127.0.0.1')
    const reset = (): void => {
      if (!socket.destroyed) socket.resetAndDestroy()
    }
    const safety = setTimeout(reset, 3_000)
    socket.on('error', () => {})
    socket.on('close', () => {
      clearTimeout(safety)
      resolve()
    })
    socket.on('connect', () => {
      if (at === 'on-connect') return reset()
      socket.write(payload)
      if (at === 'after-write') reset()
    })
    socket.on('data', () => {
      if (at === 'on-first-byte') reset()
    })
  })
}

async function repeat(times: number, parallel: number, once: () => Promise<void>): Promise<number> {
  let done = 0
  const worker = async (): Promise<void> => {
    while (done < times) {
      done += 1
      await once()
    }
  }
  await Promise.all(Array.from({ length: parallel }, worker))
  return done
}

function get(host: WebHost, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, headers: { host: `127.0.0.1:${host.port}` } }, (res) => {
      let body = ''
      res.on('data', (c: Buffer) => (body += c.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

function openPage(host: WebHost, options: ConstructorParameters<typeof WebSocket>[2] = {}): Promise<{ status: number; ws?: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws`, wsProtocols(SECRET), { origin: `http://127.0.0.1:${host.port}`, ...options })
    ws.on('open', () => resolve({ status: 101, ws }))
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 })
      res.resume()
    })
    ws.on('error', () => resolve({ status: -1 }))
  })
}

async function expectStillServing(host: WebHost): Promise<void> {
  const page = await get(host)
  expect(page.status).toBe(200)
  expect(page.body).toContain('TokenDesk')
  const { status, ws } = await openPage(host)
  expect(status).toBe(101)
  const answer = new Promise<{ id: number; result: { ok: boolean } }>((resolve) => ws!.once('message', (d) => resolve(JSON.parse(d.toString()))))
  ws!.send(JSON.stringify({ type: 'call', id: 1, command: 'app.info', request: {} }))
  expect(await answer).toMatchObject({ id: 1, result: { ok: true } })
  ws!.close()
}

describe('browser-mode host: connections reset at every stage', () => {
  const PER_STAGE = 200
  let total = 0

  const stages: Array<[string, (host: WebHost) => string, ResetAt]> = [
    ['before any byte', () => '', 'on-connect'],
    ['mid request line', () => 'GET /w', 'after-write'],
    ['mid headers of an upgrade', (h) => upgradeRequest(h).slice(0, 60), 'after-write'],
    ['an upgrade without the secret, before the 401 is written', (h) => upgradeRequest(h, { protocols: ['tokendesk.v1'] }), 'after-write'],
    ['an upgrade without the secret, once the 401 arrives', (h) => upgradeRequest(h), 'on-first-byte'],
    ['an upgrade from a foreign Origin (403)', (h) => upgradeRequest(h, { origin: 'https://evil.example', protocols: wsProtocols(SECRET) }), 'after-write'],
    ['an upgrade on a wrong path (404)', (h) => upgradeRequest(h, { path: '/nope', protocols: wsProtocols(SECRET) }), 'after-write'],
    ['an upgrade with a foreign Host (421)', (h) => upgradeRequest(h, { hostHeader: 'evil.example', protocols: wsProtocols(SECRET) }), 'after-write'],
    ['a good upgrade, during the handshake', (h) => upgradeRequest(h, { protocols: wsProtocols(SECRET) }), 'after-write'],
    ['a good upgrade, after the handshake', (h) => upgradeRequest(h, { protocols: wsProtocols(SECRET) }), 'on-first-byte'],
    ['a plain GET of the page, before the response', (h) => httpGet(h, '/'), 'after-write'],
    ['a plain GET of a large file, mid-response', (h) => httpGet(h, '/assets/big.js'), 'on-first-byte'],
    ['a plain GET with a foreign Host (421)', (h) => httpGet(h, '/', 'evil.example'), 'after-write'],
    ['a malformed request (400)', () => 'BLAH\r\n\r\n', 'after-write']
  ]

  it.each(stages)(`survives ${PER_STAGE} resets: %s`, async (_name, payload, at) => {
    const host = await newHost()
    total += await repeat(PER_STAGE, 8, () => resetConnection(host, payload(host), at))
    await expect.poll(() => host.connectionCount()).toBe(0)
    await expectStillServing(host)
    expect(uncaught).toEqual([])
  })

  it(`survives ${PER_STAGE} resets on the 503 path (all slots taken)`, async () => {
    const host = await newHost({ maxConnections: 2 })
    const held = [await openPage(host), await openPage(host)]
    expect(held.map((h) => h.status)).toEqual([101, 101])
    expect((await openPage(host)).status).toBe(503)
    total += await repeat(PER_STAGE, 8, () => resetConnection(host, upgradeRequest(host, { protocols: wsProtocols(SECRET) }), 'after-write'))
    for (const h of held) h.ws!.close()
    await expect.poll(() => host.connectionCount()).toBe(0)
    await expectStillServing(host)
    expect(uncaught).toEqual([])
  })

  it('counted at least 1,000 resets in all', () => {
    expect(total).toBe((stages.length + 1) * PER_STAGE)
    expect(total).toBeGreaterThanOrEqual(1_000)
  })
})

describe('browser-mode host: idle and half-open connections time out', () => {
  const FAST: Partial<WebHostLimits> = { upgradeTimeoutMs: 300, headersTimeoutMs: 400, requestTimeoutMs: 1_000, idleTimeoutMs: 500, keepAliveTimeoutMs: 300, heartbeatMs: 200 }

  /** Resolves with how long the server took to close the connection (or rejects after `limit`). */
  function closedByServer(socket: Socket, limit: number): Promise<number> {
    const started = Date.now()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the server kept the connection open')), limit)
      socket.on('close', () => {
        clearTimeout(timer)
        resolve(Date.now() - started)
      })
    })
  }

  async function held(host: WebHost, payload: string): Promise<Socket> {
    const socket = connect(host.port, '127.0.0.1')
    socket.on('error', () => {})
    socket.resume()
    await new Promise((resolve) => socket.on('connect', resolve))
    if (payload !== '') socket.write(payload)
    return socket
  }

  it.each([
    ['a connection that never sends a byte', (_h: WebHost): string => ''],
    ['a request whose headers never finish (slowloris)', (h: WebHost): string => upgradeRequest(h).slice(0, 80)],
    ['a refused upgrade whose client never closes', (h: WebHost): string => upgradeRequest(h)],
    ['an idle keep-alive connection after a page load', (h: WebHost): string => httpGet(h, '/')],
    ['a request body that never arrives', (h: WebHost): string => `POST / HTTP/1.1\r\nHost: 127.0.0.1:${h.port}\r\nContent-Length: 100\r\n\r\n`]
  ])('closes %s', async (_name, payload) => {
    const host = await newHost(FAST)
    const sockets = await Promise.all(Array.from({ length: 20 }, () => held(host, payload(host))))
    const times = await Promise.all(sockets.map((s) => closedByServer(s, 5_000)))
    expect(Math.max(...times)).toBeLessThan(5_000)
  })

  it('20 idle and half-open connections of every kind do not keep the page from its WebSocket', async () => {
    const host = await newHost({ ...FAST, maxConnections: 2 })
    const junk = await Promise.all([
      ...Array.from({ length: 20 }, () => held(host, '')),
      ...Array.from({ length: 20 }, () => held(host, upgradeRequest(host).slice(0, 80))),
      ...Array.from({ length: 20 }, () => held(host, upgradeRequest(host)))
    ])
    expect(host.connectionCount()).toBe(0)
    const page = await openPage(host)
    expect(page.status).toBe(101)
    page.ws!.close()
    for (const socket of junk) socket.destroy()
  })

  it('drops an authenticated socket that stops answering pings, freeing its slot', async () => {
    const host = await newHost({ ...FAST, maxConnections: 1 })
    const silent = await openPage(host, { autoPong: false })
    expect(silent.status).toBe(101)
    expect((await openPage(host)).status).toBe(503)
    await new Promise((resolve) => silent.ws!.on('close', resolve))
    await expect.poll(() => host.connectionCount()).toBe(0)
    const page = await openPage(host)
    expect(page.status).toBe(101)
    // A socket that answers pings stays through several heartbeats.
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    expect(page.ws!.readyState).toBe(WebSocket.OPEN)
    page.ws!.close()
  })
})
