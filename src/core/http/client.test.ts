import { execFileSync } from 'node:child_process'
import { getEventListeners } from 'node:events'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { AppError, ERROR_CODES } from '../../shared/errors'
import { createMemoryLogger } from '../log'
import { createHttpClient, type HttpClient, type HttpClientOptions, type HttpRequest } from './client'

// Everything here talks real HTTP to servers on 127.0.0.1; nothing leaves the machine.

type Cleanup = () => unknown
const cleanups: Cleanup[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port))
  })
}

/** A server whose sockets are all destroyed on close, so no test waits on keep-alive. */
async function track<T extends net.Server>(server: T, register = true): Promise<{ server: T; port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>()
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  const port = await listen(server)
  const close = async (): Promise<void> => {
    for (const socket of sockets) socket.destroy()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
  if (register) cleanups.push(close)
  return { server, port, close }
}

async function serve(handler: http.RequestListener, register = true): Promise<{ base: string; port: number; hits: () => number; close: () => Promise<void> }> {
  let hits = 0
  const server = http.createServer((req, res) => {
    hits++
    handler(req, res)
  })
  const tracked = await track(server, register)
  return { base: `http://127.0.0.1:${tracked.port}`, port: tracked.port, hits: () => hits, close: tracked.close }
}

/** A TCP server that accepts connections and never says a word. */
async function silentServer(): Promise<{ port: number; connections: () => number }> {
  let connections = 0
  const server = net.createServer(() => {
    connections++
  })
  const { port } = await track(server)
  return { port, connections: () => connections }
}

async function closedPort(): Promise<number> {
  const server = net.createServer()
  const port = await listen(server)
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

interface Harness {
  client: HttpClient
  sleeps: number[]
  log: ReturnType<typeof createMemoryLogger>
}

function harness(overrides: Partial<HttpClientOptions> = {}): Harness {
  const sleeps: number[] = []
  const log = createMemoryLogger()
  const client = createHttpClient({
    log,
    env: {},
    sleep: async (ms) => {
      sleeps.push(ms)
    },
    random: () => 0.5,
    ...overrides
  })
  cleanups.push(() => client.close?.())
  return { client, sleeps, log }
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(AppError)
    return error as AppError
  }
  throw new Error('expected the request to fail')
}

const get = (url: string, extra: Partial<HttpRequest> = {}): HttpRequest => ({
  method: 'GET',
  url,
  purpose: 'PocketPaw session exchange',
  ...extra
})

describe('http client: answers', () => {
  it('returns status, lower-cased headers, body, timing and the skew from the Date header', async () => {
    const base = 1_800_000_000_000
    let clock = base
    const server = await serve((req, res) => {
      expect(req.headers['user-agent']).toBe('TokenDesk/9.9.9')
      res.setHeader('Date', new Date(base + 60_000 + 5).toUTCString())
      res.setHeader('X-Thing', 'yes')
      res.setHeader('Content-Type', 'application/json')
      res.end(JSON.stringify({ access_token: 'abc', expires_in: 300 }))
    })
    const { client, log } = harness({ userAgent: 'TokenDesk/9.9.9', now: () => (clock += 10) })
    const response = await client.request(get(`${server.base}/session?code=xyz`))
    expect(response.status).toBe(200)
    expect(response.headers['x-thing']).toBe('yes')
    expect(response.headers['content-type']).toBe('application/json')
    expect(response.json()).toEqual({ access_token: 'abc', expires_in: 300 })
    expect(response.url).toBe(`${server.base}/session?code=xyz`)
    expect(response.receivedAt).toBeGreaterThan(response.sentAt)
    // Server clock: base + 60 s (1 s resolution); local midpoint: sentAt..receivedAt.
    expect(response.skewMs).toBe(base + 60_000 - Math.round((response.sentAt + response.receivedAt) / 2))
    const line = log.lines.find((l) => l.includes('GET'))
    expect(line).toMatch(new RegExp(`^debug \\[http\\] GET ${server.base}/session → 200 in \\d+ ms \\(attempt 1\\)$`))
    expect(log.lines.join('\n')).not.toContain('code=xyz')
  })

  it('sends method, headers and body, and reports a null skew without a Date header', async () => {
    const server = await serve((req, res) => {
      let body = ''
      req.on('data', (chunk: Buffer) => (body += chunk.toString()))
      req.on('end', () => {
        res.sendDate = false
        res.end(JSON.stringify({ method: req.method, body, type: req.headers['content-type'], ua: req.headers['user-agent'] }))
      })
    })
    const { client } = harness()
    const response = await client.request({
      method: 'POST',
      url: `${server.base}/token`,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': 'custom' },
      body: 'grant_type=client_credentials',
      purpose: 'token'
    })
    expect(response.json()).toEqual({ method: 'POST', body: 'grant_type=client_credentials', type: 'application/x-www-form-urlencoded', ua: 'custom' })
    expect(response.skewMs).toBeNull()
    expect(response.headers['date']).toBeUndefined()
  })

  it('resolves with 4xx and 500 answers: providers map them', async () => {
    const server = await serve((req, res) => {
      res.statusCode = req.url === '/bad' ? 400 : 500
      res.end('{"error":"invalid_grant"}')
    })
    const { client, sleeps } = harness()
    expect((await client.request(get(`${server.base}/bad`))).status).toBe(400)
    expect((await client.request(get(`${server.base}/boom`))).status).toBe(500)
    expect(server.hits()).toBe(2)
    expect(sleeps).toEqual([])
  })

  it('json() on a non-JSON answer → UPSTREAM_BAD_RESPONSE without the body', async () => {
    const server = await serve((_req, res) => res.end('<html>secret-page-content</html>'))
    const { client } = harness()
    const response = await client.request(get(`${server.base}/`))
    let error: unknown
    try {
      response.json()
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(AppError)
    const appError = error as AppError
    expect(appError.code).toBe('UPSTREAM_BAD_RESPONSE')
    expect(appError.message).toBe("PocketPaw session exchange: the server's answer is not JSON.")
    expect(appError.details).toMatchObject({ purpose: 'PocketPaw session exchange', status: 200 })
    expect(JSON.stringify(appError.toData())).not.toContain('secret-page-content')
  })
})

describe('http client: answers that are not redirects', () => {
  it('304 is an answer, not a redirect; 300 is refused as a redirect; repeated headers are joined', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/cached') {
        res.writeHead(304)
        res.end()
        return
      }
      if (req.url === '/choices') {
        res.writeHead(300, { location: '/a' })
        res.end()
        return
      }
      res.setHeader('Set-Cookie', ['a=1', 'b=2'])
      res.end('{}')
    })
    const { client } = harness()
    expect((await client.request(get(`${server.base}/cached`))).status).toBe(304)
    expect((await failure(client.request(get(`${server.base}/choices`)))).code).toBe('HTTP_REDIRECT_REFUSED')
    expect((await client.request(get(`${server.base}/cookies`))).headers['set-cookie']).toBe('a=1, b=2')
  })

  it('json() parses once: later calls return the same value', async () => {
    const server = await serve((_req, res) => res.end('{"a":[1]}'))
    const { client } = harness()
    const response = await client.request(get(`${server.base}/`))
    const first = response.json()
    expect(first).toEqual({ a: [1] })
    expect(response.json()).toBe(first)
  })

  it('a header value with a line break → INTERNAL, nothing sent', async () => {
    const server = await serve((_req, res) => res.end('{}'))
    const { client, sleeps } = harness()
    const error = await failure(client.request(get(`${server.base}/`, { headers: { 'X-Bad': 'a\r\nInjected: yes' } })))
    expect(error.code).toBe('INTERNAL')
    expect(error.message).toBe('PocketPaw session exchange: the request could not be built (an invalid header or body).')
    expect(server.hits()).toBe(0)
    expect(sleeps).toEqual([])
  })
})

describe('http client: connection failures and deadlines', () => {
  it('connection refused → HTTP_UNREACHABLE after 3 attempts with jittered backoff', async () => {
    const port = await closedPort()
    const { client, sleeps, log } = harness()
    const error = await failure(client.request(get(`http://127.0.0.1:${port}/x`)))
    expect(error.code).toBe('HTTP_UNREACHABLE')
    expect(error.message).toBe(
      `PocketPaw session exchange: could not connect to 127.0.0.1:${port} (connection refused). Is the server running and the base URL right?`
    )
    expect(error.details).toEqual({ purpose: 'PocketPaw session exchange', host: `127.0.0.1:${port}`, attempts: 3, reason: 'connection refused' })
    // full jitter with random() = 0.5: 0.5 × 250 × 2^0, 0.5 × 250 × 2^1
    expect(sleeps).toEqual([125, 250])
    expect(log.lines.filter((l) => l.includes('HTTP_UNREACHABLE'))).toHaveLength(3)
  })

  it('connection refused is retried for unsent-only too: the request provably never left', async () => {
    const port = await closedPort()
    const { client, sleeps } = harness({ random: () => 0.999 })
    const error = await failure(client.request(get(`http://127.0.0.1:${port}/x`, { method: 'POST', retry: 'unsent-only' })))
    expect(error.code).toBe('HTTP_UNREACHABLE')
    expect(error.details?.attempts).toBe(3)
    expect(sleeps).toEqual([249, 499])
  })

  it('a server that accepts but never answers → HTTP_TIMEOUT, retried for safe requests', async () => {
    const silent = await silentServer()
    const { client, sleeps } = harness({ totalTimeoutMs: 150 })
    const started = Date.now()
    const error = await failure(client.request(get(`http://127.0.0.1:${silent.port}/slow`)))
    expect(Date.now() - started).toBeLessThan(3_000)
    expect(error.code).toBe('HTTP_TIMEOUT')
    expect(error.message).toBe(`PocketPaw session exchange: 127.0.0.1:${silent.port} did not answer within 0.15 s.`)
    expect(error.details).toMatchObject({ attempts: 3, timeoutMs: 150, phase: 'response' })
    expect(silent.connections()).toBeGreaterThanOrEqual(1)
    expect(sleeps).toHaveLength(2)
  })

  it('a timeout after the request was sent is never retried for unsent-only', async () => {
    const silent = await silentServer()
    const { client, sleeps } = harness({ totalTimeoutMs: 150 })
    const error = await failure(client.request(get(`http://127.0.0.1:${silent.port}/slow`, { method: 'POST', retry: 'unsent-only', body: 'rt=1' })))
    expect(error.code).toBe('HTTP_TIMEOUT')
    expect(error.details?.attempts).toBe(1)
    expect(sleeps).toEqual([])
    expect(silent.connections()).toBe(1)
  })

  it('a body that stalls after the headers → HTTP_TIMEOUT, not retried (the server answered)', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write('{"partial":')
    })
    const { client, sleeps } = harness({ totalTimeoutMs: 200 })
    const error = await failure(client.request(get(`${server.base}/stall`)))
    expect(error.code).toBe('HTTP_TIMEOUT')
    expect(error.message).toContain('did not finish its answer within 0.2 s')
    expect(error.details).toMatchObject({ attempts: 1, phase: 'body' })
    expect(server.hits()).toBe(1)
    expect(sleeps).toEqual([])
  })

  it('a connection reset before any answer is retried for safe, not for unsent-only', async () => {
    let connections = 0
    const server = net.createServer((socket) => {
      connections++
      socket.once('data', () => socket.resetAndDestroy())
    })
    const { port } = await track(server)
    const safe = harness()
    const error = await failure(safe.client.request(get(`http://127.0.0.1:${port}/`)))
    expect(error.code).toBe('HTTP_UNREACHABLE')
    expect(error.details?.attempts).toBe(3)
    expect(connections).toBe(3)

    const once = harness()
    const second = await failure(once.client.request(get(`http://127.0.0.1:${port}/`, { method: 'POST', retry: 'unsent-only' })))
    expect(second.code).toBe('HTTP_UNREACHABLE')
    expect(second.details?.attempts).toBe(1)
    expect(connections).toBe(4)
  })
})

describe('http client: response size cap', () => {
  it('an endless chunked body → HTTP_RESPONSE_TOO_LARGE and the connection is aborted', async () => {
    let serverSawClose = false
    let written = 0
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      const chunk = Buffer.alloc(16 * 1024, 'a')
      const pump = (): void => {
        while (!res.destroyed && written < 64 * 1024 * 1024) {
          written += chunk.length
          if (!res.write(chunk)) {
            res.once('drain', pump)
            return
          }
        }
      }
      res.on('close', () => (serverSawClose = true))
      pump()
    })
    const { client } = harness({ maxResponseBytes: 64 * 1024 })
    const error = await failure(client.request(get(`${server.base}/big`)))
    expect(error.code).toBe('HTTP_RESPONSE_TOO_LARGE')
    expect(error.details).toMatchObject({ maxBytes: 64 * 1024, attempts: 1 })
    expect(error.message).toBe(`PocketPaw session exchange: the answer from 127.0.0.1:${server.port} is larger than 64 KiB; it was not read.`)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(serverSawClose).toBe(true)
    expect(written).toBeLessThan(64 * 1024 * 1024)
  })

  it('a declared Content-Length beyond the cap is refused before reading', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) })
      res.write('x')
    })
    const { client } = harness({ maxResponseBytes: 1024 })
    const error = await failure(client.request(get(`${server.base}/big`)))
    expect(error.code).toBe('HTTP_RESPONSE_TOO_LARGE')
  })

  it('a body exactly at the cap is accepted', async () => {
    const server = await serve((_req, res) => res.end('b'.repeat(1024)))
    const { client } = harness({ maxResponseBytes: 1024 })
    expect((await client.request(get(`${server.base}/`))).body).toHaveLength(1024)
  })
})

describe('http client: redirects', () => {
  it('302 → HTTP_REDIRECT_REFUSED naming only the target origin', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(302, { location: 'https://evil.example:8443/callback?access_token=tok-in-location#frag' })
      res.end()
    })
    const { client } = harness()
    const error = await failure(client.request(get(`${server.base}/login`)))
    expect(error.code).toBe('HTTP_REDIRECT_REFUSED')
    expect(error.details).toMatchObject({ status: 302, location: 'https://evil.example:8443', attempts: 1 })
    expect(error.message).toContain('redirected to https://evil.example:8443 (302)')
    expect(JSON.stringify({ message: error.message, data: error.toData() })).not.toMatch(/callback|access_token|tok-in-location/)
    expect(server.hits()).toBe(1)
  })

  it('a relative Location resolves against the request; a missing one is reported as elsewhere', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/rel') res.writeHead(307, { location: '/other?x=1' })
      else res.writeHead(301)
      res.end()
    })
    const { client } = harness()
    const relative = await failure(client.request(get(`${server.base}/rel`, { method: 'POST' })))
    expect(relative.details).toMatchObject({ status: 307, location: server.base })
    const missing = await failure(client.request(get(`${server.base}/none`)))
    expect(missing.details).toMatchObject({ status: 301, location: null })
    expect(missing.message).toContain('redirected elsewhere (301)')
  })
})

describe('http client: retry policy on 5xx and 429', () => {
  function flaky(first: (res: http.ServerResponse) => void, failures = 1): Promise<Awaited<ReturnType<typeof serve>>> {
    let count = 0
    return serve((_req, res) => {
      count++
      if (count <= failures) first(res)
      else res.end('{"ok":true}')
    })
  }

  it('503 then 200: retried once for safe', async () => {
    const server = await flaky((res) => {
      res.statusCode = 503
      res.end('busy')
    })
    const { client, sleeps } = harness()
    const response = await client.request(get(`${server.base}/`))
    expect(response.status).toBe(200)
    expect(response.json()).toEqual({ ok: true })
    expect(server.hits()).toBe(2)
    expect(sleeps).toEqual([125])
  })

  it('503: not retried for unsent-only; the 503 answer is returned', async () => {
    const server = await flaky((res) => {
      res.statusCode = 503
      res.end('busy')
    })
    const { client, sleeps } = harness()
    const response = await client.request(get(`${server.base}/`, { method: 'POST', retry: 'unsent-only' }))
    expect(response.status).toBe(503)
    expect(response.body).toBe('busy')
    expect(server.hits()).toBe(1)
    expect(sleeps).toEqual([])
  })

  it('502/504 every time: the last answer is returned after maxAttempts', async () => {
    const server = await flaky((res) => {
      res.statusCode = 504
      res.end('gateway')
    }, 100)
    const { client, sleeps } = harness({ maxAttempts: 4 })
    const response = await client.request(get(`${server.base}/`))
    expect(response.status).toBe(504)
    expect(response.body).toBe('gateway')
    expect(server.hits()).toBe(4)
    expect(sleeps).toEqual([125, 250, 500])
  })

  it('429 with Retry-After: 1 → waits 1000 ms, then succeeds', async () => {
    const server = await flaky((res) => {
      res.writeHead(429, { 'retry-after': '1' })
      res.end()
    })
    const { client, sleeps } = harness()
    const response = await client.request(get(`${server.base}/`))
    expect(response.status).toBe(200)
    expect(sleeps).toEqual([1000])
  })

  it('429 with an HTTP-date Retry-After → the delay until that date', async () => {
    const clock = 1_800_000_000_000
    const server = await flaky((res) => {
      res.writeHead(429, { 'retry-after': new Date(clock + 4_000).toUTCString() })
      res.end()
    })
    const { client, sleeps } = harness({ now: () => clock })
    expect((await client.request(get(`${server.base}/`))).status).toBe(200)
    expect(sleeps).toEqual([4000])
  })

  it('429 with a garbage or negative Retry-After → ordinary backoff', async () => {
    const server = await flaky((res) => {
      res.writeHead(429, { 'retry-after': res.req.url === '/neg' ? '-5' : 'abc' })
      res.end()
    }, 2)
    const { client, sleeps } = harness()
    expect((await client.request(get(`${server.base}/neg`))).status).toBe(200)
    expect(sleeps).toEqual([125, 250])
  })

  it('429 with Retry-After: 3600 → RATE_LIMITED at once, with retryAfterSeconds', async () => {
    const server = await flaky((res) => {
      res.writeHead(429, { 'retry-after': '3600' })
      res.end()
    })
    const clock = 1_800_000_000_000
    const { client, sleeps } = harness({ now: () => clock })
    const error = await failure(client.request(get(`${server.base}/`)))
    expect(error.code).toBe('RATE_LIMITED')
    expect(error.details).toMatchObject({ retryAfterSeconds: 3600, retryAt: clock + 3_600_000, status: 429, attempts: 1 })
    expect(error.message).toMatch(/rate limiting requests; try again after \d\d:\d\d:\d\d \(in 3600 s\)\.$/)
    expect(sleeps).toEqual([])
    expect(server.hits()).toBe(1)
  })

  it('backoff doubles from 250 ms and stops growing at 8 s (full jitter)', async () => {
    const server = await flaky((res) => {
      res.statusCode = 503
      res.end('busy')
    }, 100)
    const { client, sleeps } = harness({ maxAttempts: 9 })
    expect((await client.request(get(`${server.base}/`))).status).toBe(503)
    // random() = 0.5 of min(8 s, 250 ms × 2^n)
    expect(sleeps).toEqual([125, 250, 500, 1000, 2000, 4000, 4000, 4000])
    expect(server.hits()).toBe(9)
  })

  it('maxAttempts below 1 still makes the one attempt', async () => {
    const server = await flaky((res) => {
      res.statusCode = 503
      res.end('busy')
    }, 100)
    const { client, sleeps } = harness({ maxAttempts: 0 })
    expect((await client.request(get(`${server.base}/`))).status).toBe(503)
    expect(server.hits()).toBe(1)
    expect(sleeps).toEqual([])
  })

  it('a Retry-After exactly at the cap is waited, not RATE_LIMITED', async () => {
    const server = await flaky((res) => {
      res.writeHead(429, { 'retry-after': '10' })
      res.end()
    })
    const { client, sleeps } = harness({ retryAfterCapMs: 10_000 })
    expect((await client.request(get(`${server.base}/`))).status).toBe(200)
    expect(sleeps).toEqual([10_000])
  })

  it('503 honours a Retry-After within the cap; beyond the cap the 503 answer is returned, never RATE_LIMITED', async () => {
    const within = await flaky((res) => {
      res.writeHead(503, { 'retry-after': '2' })
      res.end()
    })
    const first = harness()
    expect((await first.client.request(get(`${within.base}/`))).status).toBe(200)
    expect(first.sleeps).toEqual([2000])

    const beyond = await flaky((res) => {
      res.writeHead(503, { 'retry-after': '3600' })
      res.end('maintenance')
    })
    const second = harness()
    const response = await second.client.request(get(`${beyond.base}/`))
    expect(response.status).toBe(503)
    expect(response.body).toBe('maintenance')
    expect(second.sleeps).toEqual([])
    expect(beyond.hits()).toBe(1)
  })

  it('429 on the last attempt → the 429 answer is returned', async () => {
    const server = await flaky((res) => {
      res.writeHead(429, { 'retry-after': '1' })
      res.end('{"error":"slow_down"}')
    }, 100)
    const { client, sleeps } = harness({ maxAttempts: 2 })
    const response = await client.request(get(`${server.base}/`))
    expect(response.status).toBe(429)
    expect(response.body).toBe('{"error":"slow_down"}')
    expect(sleeps).toEqual([1000])
    expect(server.hits()).toBe(2)
  })

  it('429 for unsent-only → the 429 answer is returned for the provider to map', async () => {
    const server = await flaky((res) => {
      res.writeHead(429, { 'retry-after': '1' })
      res.end('{"error":"slow_down"}')
    })
    const { client, sleeps } = harness()
    const response = await client.request(get(`${server.base}/`, { method: 'POST', retry: 'unsent-only' }))
    expect(response.status).toBe(429)
    expect(response.headers['retry-after']).toBe('1')
    expect(sleeps).toEqual([])
  })
})

describe('http client: URL policy', () => {
  it('plain http to a remote host → HTTP_INSECURE_URL before any connection or DNS lookup', async () => {
    const { client, log } = harness()
    const error = await failure(client.request(get('http://example.invalid/token?client_secret=s3cr3t-value')))
    expect(error.code).toBe('HTTP_INSECURE_URL')
    expect(error.message).toBe(
      'PocketPaw session exchange: http://example.invalid uses plain http to a remote host; TLS is required unless you allow insecure HTTP for this account.'
    )
    expect(error.details).toMatchObject({ attempts: 0, host: 'example.invalid' })
    expect(log.lines).toEqual([])
  })

  it('plain http to loopback in any spelling is allowed', async () => {
    const server = await serve((_req, res) => res.end('ok'))
    const { client } = harness()
    for (const host of ['127.0.0.1', 'localhost', '0x7f000001', '127.1']) {
      expect((await client.request(get(`http://${host}:${server.port}/`))).body).toBe('ok')
    }
  })

  it('userinfo, unparseable URLs and other schemes → HTTP_INVALID_URL without echoing the URL', async () => {
    const { client } = harness()
    const userinfo = await failure(client.request(get('https://alice:pa55word-xyz@api.example.com/token')))
    expect(userinfo.code).toBe('HTTP_INVALID_URL')
    expect(userinfo.message).toContain('contains a user name or password')
    expect(JSON.stringify(userinfo.toData())).not.toMatch(/alice|pa55word/)
    const invalid = await failure(client.request(get('not a url with pa55word-xyz')))
    expect(invalid.code).toBe('HTTP_INVALID_URL')
    expect(invalid.message).toBe('PocketPaw session exchange: the address is not a valid URL.')
    const ftp = await failure(client.request(get('ftp://files.example.com/x')))
    expect(ftp.code).toBe('HTTP_INVALID_URL')
    expect(ftp.message).toContain('(this one is ftp:)')
    expect(ftp.details).toEqual({ purpose: 'PocketPaw session exchange', host: null, attempts: 0, scheme: 'ftp:' })
    const file = await failure(client.request(get('file:///etc/passwd')))
    expect(file.code).toBe('HTTP_INVALID_URL')
  })
})

describe('http client: cancellation', () => {
  it('aborting while waiting for an answer → HTTP_ABORTED promptly', async () => {
    const silent = await silentServer()
    const { client } = harness()
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 50)
    const started = Date.now()
    const error = await failure(client.request(get(`http://127.0.0.1:${silent.port}/`, { signal: controller.signal })))
    expect(error.code).toBe('HTTP_ABORTED')
    expect(error.details?.attempts).toBe(1)
    expect(Date.now() - started).toBeLessThan(2_000)
  })

  it('an already-aborted signal never contacts the server', async () => {
    const server = await serve((_req, res) => res.end('ok'))
    const { client } = harness()
    const error = await failure(client.request(get(`${server.base}/`, { signal: AbortSignal.abort() })))
    expect(error.code).toBe('HTTP_ABORTED')
    expect(error.details?.attempts).toBe(0)
    expect(server.hits()).toBe(0)
  })

  it('aborting during the backoff wait stops the retries', async () => {
    const port = await closedPort()
    const controller = new AbortController()
    const { client } = harness({
      sleep: () => {
        controller.abort()
        return new Promise(() => undefined)
      }
    })
    const error = await failure(client.request(get(`http://127.0.0.1:${port}/`, { signal: controller.signal })))
    expect(error.code).toBe('HTTP_ABORTED')
    expect(error.details?.attempts).toBe(1)
  })
})

describe('http client: TLS', () => {
  let dir = ''
  let tls: { key: Buffer; cert: Buffer } | null = null
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'td-http-'))
    try {
      execFileSync(
        'openssl',
        ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost',
          '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
        { stdio: 'ignore' }
      )
      tls = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }
    } catch {
      tls = null
    }
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('a self-signed certificate → HTTP_TLS naming the reason, not retried', async (context) => {
    if (tls === null) return context.skip()
    const server = https.createServer(tls, (_req, res) => res.end('ok'))
    const { port } = await track(server)
    const { client, sleeps } = harness()
    const error = await failure(client.request(get(`https://localhost:${port}/`)))
    expect(error.code).toBe('HTTP_TLS')
    expect(error.message).toBe(`PocketPaw session exchange: the secure connection to localhost:${port} failed: self-signed certificate.`)
    expect(error.details).toMatchObject({ attempts: 1, reason: 'self-signed certificate' })
    expect(sleeps).toEqual([])
  })

  it('https to a server that speaks plain HTTP → HTTP_TLS', async () => {
    const server = await serve((_req, res) => res.end('plain'))
    const { client } = harness()
    const error = await failure(client.request(get(`https://127.0.0.1:${server.port}/`)))
    expect(error.code).toBe('HTTP_TLS')
    expect(error.message).toMatch(/the secure connection to 127\.0\.0\.1:\d+ failed: /)
  })
})

describe('http client: proxy', () => {
  /** A tiny forward proxy: CONNECT tunnels and absolute-form requests, all sent to one local origin (no DNS, no network). */
  async function proxyTo(originPort: number): Promise<{ url: string; seen: string[] }> {
    const seen: string[] = []
    const server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`)
      const target = new URL(req.url ?? '/')
      const upstream = http.request(
        { host: '127.0.0.1', port: originPort, method: req.method, path: target.pathname + target.search, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
        }
      )
      upstream.on('error', () => res.destroy())
      req.pipe(upstream)
    })
    server.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
      seen.push(`CONNECT ${req.url}`)
      const upstream = net.connect(originPort, '127.0.0.1', () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        upstream.write(head)
        upstream.pipe(socket)
        socket.pipe(upstream)
      })
      upstream.on('error', () => socket.destroy())
      socket.on('error', () => upstream.destroy())
      socket.on('close', () => upstream.destroy())
    })
    const { port } = await track(server)
    return { url: `http://127.0.0.1:${port}`, seen }
  }

  it('a remote host goes through HTTP_PROXY from the given env', async () => {
    const origin = await serve((req, res) => res.end(`origin saw host ${req.headers.host}`))
    const proxy = await proxyTo(origin.port)
    const { client } = harness({ env: { HTTP_PROXY: proxy.url } })
    const response = await client.request(get('http://api.example.test/v1/token', { allowInsecureHttp: true }))
    expect(response.body).toBe('origin saw host api.example.test')
    expect(proxy.seen).toHaveLength(1)
    expect(proxy.seen[0]).toMatch(/^(CONNECT api\.example\.test:80|GET http:\/\/api\.example\.test\/v1\/token)$/)
  })

  it('loopback targets bypass the proxy', async () => {
    const origin = await serve((_req, res) => res.end('direct'))
    const proxy = await proxyTo(origin.port)
    const { client } = harness({ env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url } })
    expect((await client.request(get(`${origin.base}/x`))).body).toBe('direct')
    expect((await client.request(get(`http://localhost:${origin.port}/x`))).body).toBe('direct')
    expect(proxy.seen).toEqual([])
  })

  it('a dead proxy → HTTP_UNREACHABLE with a hint about the proxy, never its credentials', async () => {
    const port = await closedPort()
    const { client } = harness({ env: { HTTPS_PROXY: `http://proxyuser:proxypass@127.0.0.1:${port}` }, maxAttempts: 1 })
    const error = await failure(client.request(get('https://api.example.test/v1/token')))
    expect(error.code).toBe('HTTP_UNREACHABLE')
    expect(error.message).toContain(`A proxy is configured (HTTPS_PROXY 127.0.0.1:${port}); check that it is reachable.`)
    expect(JSON.stringify(error.toData())).not.toMatch(/proxyuser|proxypass/)
  })
})

describe('http client: secrets never leave in errors or logs', () => {
  it('a secret in the query, path and headers appears in no error or log line', async () => {
    const secret = 'rt-9f8e7d6c5b4a'
    const port = await closedPort()
    const silent = await silentServer()
    const server = await serve((req, res) => {
      if (req.url?.startsWith('/redirect')) {
        res.writeHead(302, { location: `https://idp.example/cb?code=${secret}` })
        res.end()
      } else res.end(`not json ${secret}`)
    })
    const { client, log } = harness({ totalTimeoutMs: 100, maxAttempts: 1 })
    const make = (url: string): HttpRequest =>
      get(url, { headers: { authorization: `Bearer ${secret}` }, secrets: [secret], method: 'POST', body: `refresh_token=${secret}` })
    const errors: AppError[] = [
      await failure(client.request(make(`http://127.0.0.1:${port}/t/${secret}?refresh_token=${secret}`))),
      await failure(client.request(make(`http://127.0.0.1:${silent.port}/t/${secret}?refresh_token=${secret}`))),
      await failure(client.request(make(`${server.base}/redirect/${secret}?refresh_token=${secret}`))),
      await failure(client.request(make(`http://remote.example/t/${secret}?refresh_token=${secret}`))),
      await failure(client.request(make(`https://u:${secret}@remote.example/`))),
      await failure(client.request(make(`https://[${secret}/`))),
      await failure(client.request(make(`ht${secret}tp://x/`)))
    ]
    const response = await client.request(make(`${server.base}/plain/${secret}`))
    errors.push(await failure(Promise.resolve().then(() => response.json())))
    expect(errors.map((e) => e.code)).toEqual([
      'HTTP_UNREACHABLE',
      'HTTP_TIMEOUT',
      'HTTP_REDIRECT_REFUSED',
      'HTTP_INSECURE_URL',
      'HTTP_INVALID_URL',
      'HTTP_INVALID_URL',
      'HTTP_INVALID_URL'
    ].concat('UPSTREAM_BAD_RESPONSE'))
    for (const error of errors) {
      const text = JSON.stringify({ message: error.message, data: error.toData(), stack: error.stack })
      expect(text).not.toContain(secret)
      expect(text).not.toContain('refresh_token=')
    }
    expect(log.lines.join('\n')).not.toContain(secret)
    expect(log.lines.some((l) => l.includes('/t/[redacted]'))).toBe(true)
  })

  it('property: for random secrets and failure modes, no error serialisation or log line contains the secret', async () => {
    const closed = await closedPort()
    const silent = await silentServer()
    const server = await serve((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x')
      const secret = req.headers['x-echo'] === undefined ? '' : Buffer.from(String(req.headers['x-echo']), 'base64').toString('utf8')
      if (url.pathname.startsWith('/redirect')) {
        res.writeHead(302, { location: `https://idp.example/cb?code=${encodeURIComponent(secret)}` })
        res.end()
      } else if (url.pathname.startsWith('/big')) {
        res.end(Buffer.alloc(4096, 'z'))
      } else if (url.pathname.startsWith('/limited')) {
        res.writeHead(429, { 'retry-after': '86400' })
        res.end(secret)
      } else res.end(`<p>${secret}</p>`)
    })
    const { client, log } = harness({ totalTimeoutMs: 80, maxAttempts: 1, maxResponseBytes: 1024 })

    const forbidden = ['[redacted]', ...ERROR_CODES]
    const secretArb = fc
      .oneof(fc.string({ minLength: 8, maxLength: 40 }), fc.string({ unit: 'grapheme', minLength: 8, maxLength: 24 }))
      .filter((s) => s.trim().length >= 8 && !forbidden.some((word) => word.includes(s)))
    const modes = ['refused', 'timeout', 'redirect', 'big', 'limited', 'notjson', 'insecure', 'userinfo', 'invalid', 'abort'] as const

    await fc.assert(
      fc.asyncProperty(secretArb, fc.constantFrom(...modes), async (secret, mode) => {
        const enc = encodeURIComponent(secret)
        const query = new URLSearchParams({ refresh_token: secret }).toString()
        const urls: Record<(typeof modes)[number], string> = {
          refused: `http://127.0.0.1:${closed}/t/${enc}?${query}`,
          timeout: `http://127.0.0.1:${silent.port}/t/${enc}?${query}`,
          redirect: `${server.base}/redirect/${enc}?${query}`,
          big: `${server.base}/big/${enc}?${query}`,
          limited: `${server.base}/limited/${enc}?${query}`,
          notjson: `${server.base}/notjson/${enc}?${query}`,
          insecure: `http://remote.example/t/${enc}?${query}`,
          userinfo: `https://user:${enc}@remote.example/`,
          invalid: `https://[${secret}/`,
          abort: `${server.base}/t/${enc}?${query}`
        }
        const b64 = Buffer.from(secret, 'utf8').toString('base64')
        const printable = /^[\x20-\x7e]+$/.test(secret)
        const headers: Record<string, string> = { 'x-echo': b64, authorization: printable ? `Bearer ${secret}` : `Basic ${b64}` }
        const request: HttpRequest = {
          method: 'POST',
          url: urls[mode],
          headers,
          body: query,
          purpose: 'Token refresh',
          secrets: [secret],
          retry: 'safe',
          ...(mode === 'abort' ? { signal: AbortSignal.abort() } : {})
        }
        let error: unknown
        try {
          const response = await client.request(request)
          response.json()
        } catch (caught) {
          error = caught
        }
        expect(error).toBeInstanceOf(AppError)
        const appError = error as AppError
        const text = [appError.message, JSON.stringify(appError.toData()), JSON.stringify(appError), appError.stack ?? ''].join('\n')
        expect(text).not.toContain(secret)
        expect(text).not.toContain(enc)
        expect(log.lines.join('\n')).not.toContain(secret)
      }),
      { numRuns: 60 }
    )
  })
})

describe('http client: what else a caller notices', () => {
  it("a caller's own User-Agent (any spelling) is sent as it is, alone", async () => {
    const seen: Array<string | undefined> = []
    const server = await serve((req, res) => {
      seen.push(req.headers['user-agent'])
      res.end(String(req.rawHeaders.filter((name) => name.toLowerCase() === 'user-agent').length))
    })
    const { client } = harness({ userAgent: 'TokenDesk/1.2.3' })
    expect((await client.request(get(`${server.base}/`, { headers: { 'User-Agent': 'curl/8.5.0' } }))).body).toBe('1')
    expect((await client.request(get(`${server.base}/`, { headers: { 'user-agent': 'Insomnia/2023' } }))).body).toBe('1')
    expect((await client.request(get(`${server.base}/`, { headers: { accept: 'application/json' } }))).body).toBe('1')
    expect(seen).toEqual(['curl/8.5.0', 'Insomnia/2023', 'TokenDesk/1.2.3'])
  })

  it('502 then 200: retried for safe, like 503 and 504', async () => {
    let count = 0
    const server = await serve((_req, res) => {
      count++
      res.statusCode = count === 1 ? 502 : 200
      res.end(count === 1 ? 'bad gateway' : 'ok')
    })
    const { client, sleeps } = harness()
    const response = await client.request(get(`${server.base}/`))
    expect(response.body).toBe('ok')
    expect(server.hits()).toBe(2)
    expect(sleeps).toEqual([125])
  })

  it('without an injected sleep, the backoff really waits', async () => {
    let count = 0
    const server = await serve((_req, res) => {
      count++
      res.statusCode = count === 1 ? 503 : 200
      res.end()
    })
    const client = createHttpClient({ log: createMemoryLogger(), env: {}, random: () => 0.999 })
    cleanups.push(() => client.close?.())
    const started = Date.now()
    expect((await client.request(get(`${server.base}/`))).status).toBe(200)
    // 0.999 × 250 ms of backoff before the second attempt.
    expect(Date.now() - started).toBeGreaterThanOrEqual(240)
  })

  it('a long-lived signal (shared by many requests) keeps no listeners after a request, retried or not', async () => {
    let count = 0
    const server = await serve((_req, res) => {
      count++
      res.statusCode = count % 2 === 1 ? 503 : 200
      res.end()
    })
    const controller = new AbortController()
    const { client, sleeps } = harness()
    for (let i = 0; i < 3; i++) expect((await client.request(get(`${server.base}/`, { signal: controller.signal }))).status).toBe(200)
    expect(sleeps).toEqual([125, 125, 125])
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
    const refused = await failure(client.request(get(`http://127.0.0.1:${await closedPort()}/`, { signal: controller.signal })))
    expect(refused.code).toBe('HTTP_UNREACHABLE')
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })

  it('close() closes the pooled keep-alive connections', async () => {
    let open = 0
    const server = http.createServer((_req, res) => res.end('ok'))
    server.on('connection', (socket: net.Socket) => {
      open++
      socket.on('close', () => open--)
    })
    const { close } = await track(server)
    cleanups.push(close)
    const port = (server.address() as net.AddressInfo).port
    const client = createHttpClient({ log: createMemoryLogger(), env: {} })
    expect((await client.request(get(`http://127.0.0.1:${port}/`))).body).toBe('ok')
    expect(open).toBe(1)
    await client.close?.()
    for (let i = 0; i < 100 && open > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10))
    expect(open).toBe(0)
  })

  it('the debug line gives the attempt\'s duration', async () => {
    const server = await serve((_req, res) => setTimeout(() => res.end('ok'), 30))
    const { client, log } = harness()
    const started = Date.now()
    await client.request(get(`${server.base}/`))
    const elapsed = Date.now() - started
    const ms = Number(/ in (\d+) ms \(attempt 1\)$/.exec(log.lines.find((l) => l.includes('→ 200')) ?? '')?.[1])
    expect(ms).toBeGreaterThanOrEqual(25)
    expect(ms).toBeLessThanOrEqual(elapsed)
  })

  it('missing (undefined) or empty secrets are skipped, the others still redacted', async () => {
    const secret = 'pw-0123456789'
    const port = await closedPort()
    const { client, log } = harness({ maxAttempts: 1 })
    const error = await failure(
      client.request(get(`http://127.0.0.1:${port}/t/${secret}`, { secrets: [undefined as unknown as string, '', secret] }))
    )
    expect(error.code).toBe('HTTP_UNREACHABLE')
    expect(log.lines.join('\n')).not.toContain(secret)
    expect(log.lines.some((l) => l.includes('/t/[redacted]'))).toBe(true)
  })
})

describe('http client: a proxy that refuses the tunnel', () => {
  /** A proxy that answers every CONNECT (and every plain request) with `status`. */
  async function refusingProxy(status: number, reason: string): Promise<{ url: string; connects: () => number }> {
    let connects = 0
    const server = http.createServer((_req, res) => {
      res.writeHead(status, reason)
      res.end()
    })
    server.on('connect', (_req: http.IncomingMessage, socket: net.Socket) => {
      connects++
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Length: 0\r\n\r\n`)
    })
    const { port } = await track(server)
    return { url: `http://127.0.0.1:${port}`, connects: () => connects }
  }

  it('a CONNECT answered 403 → HTTP_UNREACHABLE naming the proxy\'s answer, retried for safe only', async () => {
    const proxy = await refusingProxy(403, 'Forbidden')
    const { client, sleeps } = harness({ env: { HTTPS_PROXY: proxy.url } })
    const error = await failure(client.request(get('https://api.example.test/v1/token')))
    expect(error.code).toBe('HTTP_UNREACHABLE')
    expect(error.message).toBe(
      `PocketPaw session exchange: could not connect to api.example.test:443 (the proxy answered 403 instead of opening a tunnel). Is the server running and the base URL right? A proxy is configured (HTTPS_PROXY 127.0.0.1:${new URL(proxy.url).port}); check that it is reachable.`
    )
    expect(error.details).toMatchObject({ reason: 'the proxy answered 403 instead of opening a tunnel', attempts: 3 })
    expect(proxy.connects()).toBe(3)
    expect(sleeps).toEqual([125, 250])

    const once = await failure(client.request(get('https://api.example.test/v1/token', { method: 'POST', retry: 'unsent-only' })))
    expect(once.details).toMatchObject({ attempts: 1 })
    expect(proxy.connects()).toBe(4)
  })

  it('a proxy that asks for credentials (407) says so, for https and http targets, and is not asked again', async () => {
    const proxy = await refusingProxy(407, 'Proxy Authentication Required')
    const { client, sleeps } = harness({ env: { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url } })
    for (const url of ['https://api.example.test/v1/token', 'http://api.example.test/v1/token']) {
      const error = await failure(client.request(get(url, { allowInsecureHttp: true })))
      expect(error.code).toBe('HTTP_UNREACHABLE')
      expect(error.message).toContain('(the proxy asks for authentication (407))')
      expect(error.details).toMatchObject({ reason: 'the proxy asks for authentication (407)', attempts: 1 })
    }
    expect(proxy.connects()).toBe(2)
    expect(sleeps).toEqual([])
  })
})
