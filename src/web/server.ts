import { readFile } from 'node:fs/promises'
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import type { ServerFrame } from '../shared/wire'
import { URL_SECRET_FRAGMENT, WS_PATH, WS_PROTOCOL, WS_SECRET_PROTOCOL_PREFIX } from '../shared/wire-handshake'
import type { Core } from '../core/core'
import { resolveRendererFile } from '../core/renderer-files'
import { browserModeCsp, isLoopbackHost, isOwnOrigin, newLaunchSecret, secretsMatch } from './security'

/** Limits and timeouts of the host. The defaults suit a browser on the same machine. */
export interface WebHostLimits {
  /** Authenticated WebSockets open at once. Nothing unauthenticated ever takes a slot. */
  maxConnections: number
  /** An upgrade request that is refused, or not answered, is destroyed after this long. */
  upgradeTimeoutMs: number
  /** Time allowed for a request's headers (Node's `server.headersTimeout`). */
  headersTimeoutMs: number
  /** Time allowed for a whole request (Node's `server.requestTimeout`). */
  requestTimeoutMs: number
  /** An HTTP connection with no traffic for this long is closed (`server.timeout`). */
  idleTimeoutMs: number
  /** An idle keep-alive connection is closed after this long (`server.keepAliveTimeout`). */
  keepAliveTimeoutMs: number
  /** Authenticated sockets are pinged this often; one that missed the previous pong is dropped. */
  heartbeatMs: number
}

export const DEFAULT_LIMITS: WebHostLimits = {
  maxConnections: 16,
  upgradeTimeoutMs: 5_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  idleTimeoutMs: 15_000,
  keepAliveTimeoutMs: 5_000,
  heartbeatMs: 30_000
}

export interface WebHostOptions {
  /**
   * The core, or its boot still under way: the page is served at once and calls wait for the
   * boot (browser mode listens first, so the page loads while the core boots).
   */
  core: Core | Promise<Core>
  /** The built renderer (out/renderer). */
  rendererDir: string
  /** 0 or undefined: a free port. */
  port?: number
  /** Injected for tests; a fresh random secret otherwise. */
  secret?: string
  /** Injected for tests; DEFAULT_LIMITS otherwise. */
  limits?: Partial<WebHostLimits>
  /**
   * Called once: when the page's HTML and the scripts and styles it links (its first load) have
   * been sent, or when an authenticated WebSocket opens first (a script using the contract loads
   * no page). Browser mode boots the core from then on: the boot's long synchronous steps (module
   * evaluation, loading records) would otherwise hold up the page's files on the one event loop.
   */
  onFirstClient?: () => void
}

export interface WebHost {
  /** The page URL, secret included (in the fragment, so it never reaches a server log). */
  url: string
  port: number
  /** Authenticated WebSockets currently open (what the connection cap counts). */
  connectionCount(): number
  close(): Promise<void>
}

/** The scripts and styles an HTML page links from assets/, as request paths: what its first load fetches. */
export function linkedAssets(html: string): Set<string> {
  const paths = [...html.matchAll(/<(?:script|link)\b[^>]*?\b(?:src|href)="(?:\.?\/)?(assets\/[^"?#]+)[^"]*"/gi)].map((match) => `/${match[1]}`)
  return new Set(paths)
}

const MAX_FRAME_BYTES = 1024 * 1024
const HOST = '127.0.0.1'

/** Sent on every response, refusals included (HTTP and WebSocket upgrade alike). */
export const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store'
}

const ignore = (): void => {}

/** A complete HTTP/1.1 refusal written straight to a socket (upgrade refusals, client errors). */
function rawRefusal(status: number): string {
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Connection: close',
    'Content-Length: 0',
    ...Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}`)
  ]
  return `${lines.join('\r\n')}\r\n\r\n`
}

/** Writes a refusal unless the peer is already gone; a reset mid-write is harmless. */
function refuseSocket(socket: Duplex, status: number): void {
  if (socket.destroyed || !socket.writable) {
    socket.destroy()
    return
  }
  socket.end(rawRefusal(status))
}

/** The launch secret offered as a `tokendesk.secret.<secret>` subprotocol, if exactly one is. */
function offeredSecret(header: string | undefined): { secret: string | null; versioned: boolean } {
  const offered = (header ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
  const secrets = offered.filter((p) => p.startsWith(WS_SECRET_PROTOCOL_PREFIX))
  return {
    secret: secrets.length === 1 ? secrets[0]!.slice(WS_SECRET_PROTOCOL_PREFIX.length) : null,
    versioned: offered.includes(WS_PROTOCOL)
  }
}

/**
 * Browser mode: the same core behind HTTP (the built renderer) and a WebSocket (the command
 * envelope), bound to 127.0.0.1 only. The WebSocket opens only with the per-launch secret, from
 * our own Origin, with a loopback Host header.
 *
 * No peer can crash or starve the host: every socket it touches has an error handler (a reset at
 * any stage is just a closed connection), only authenticated WebSockets count toward the cap, and
 * every unauthenticated or idle connection is closed after a short timeout.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  // The frame schemas (zod) load behind the listening socket, like the core: first frames wait.
  const schemas = import('../shared/wire')
  schemas.catch(ignore)
  const booting = Promise.resolve(options.core)
  let core: Core | null = null
  let unsubscribe: () => void = () => {}
  let closed = false
  void booting.then(
    (booted) => {
      core = booted
      if (closed) return
      unsubscribe = booted.events.subscribe((event, payload) => {
        for (const ws of sockets) send(ws, { type: 'event', event, payload })
      })
    },
    // A failed boot is the launcher's to report (it awaits the same promise); calls then fail.
    ignore
  )
  /** Logged once the core (and its log) is there; nothing is logged before that. */
  const warn = (message: string, error: unknown): void => {
    void booting.then((booted) => booted.log.warn('web', message, error), ignore)
  }
  const limits: WebHostLimits = { ...DEFAULT_LIMITS, ...options.limits }
  const secret = options.secret ?? newLaunchSecret()
  let port = 0
  const sockets = new Set<WebSocket>()

  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // How often Node checks headersTimeout/requestTimeout (default 30 s, longer than both here).
      // At most every 5 s: each check wakes an idle host (npm run bench: idle CPU), and a stalled
      // request is still cut within headersTimeout + 5 s.
      connectionsCheckingInterval: Math.max(100, Math.min(5_000, limits.headersTimeoutMs / 2))
    },
    (req, res) => {
      req.on('error', ignore)
      res.on('error', ignore)
      serveHttp(req, res).catch((error: unknown) => {
        warn('a page request failed', error)
        if (!res.headersSent && !res.destroyed) res.writeHead(500, SECURITY_HEADERS).end()
        else res.destroy()
      })
    }
  )
  // Inactivity timeout for HTTP connections (also one that never sends a byte). With no 'timeout'
  // listener Node destroys the socket. An upgraded socket is cleared by ws (setTimeout(0)).
  server.timeout = limits.idleTimeoutMs

  // Every accepted socket gets an error handler first, so a reset at any later stage (before the
  // request, while a response or a refusal is written, after the upgrade) is never unhandled.
  server.on('connection', (socket: Socket) => socket.on('error', ignore))
  // Malformed requests, header/request timeouts, resets while parsing.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || error.code === 'EPIPE') return void socket.destroy()
    const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400
    refuseSocket(socket, status)
  })

  async function serveHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isLoopbackHost(req.headers.host, port)) {
      res
        .writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS })
        .end('Misdirected request: use http://127.0.0.1 only.\n')
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', ...SECURITY_HEADERS }).end()
      return
    }
    // The raw path, before URL normalisation, so `..` and `%2e%2e` are seen and refused.
    const rawPath = (req.url ?? '/').split(/[?#]/)[0] || '/'
    const file = await resolveRendererFile(options.rendererDir, rawPath)
    const content = file.status === 200 ? await readFile(file.path).catch(() => null) : null
    if (res.destroyed) return
    if (file.status !== 200 || content === null) {
      const status = file.status === 200 ? 404 : file.status
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS }).end(status === 404 ? 'Not found\n' : 'Forbidden\n')
      return
    }
    const csp = browserModeCsp(port)
    let body = content
    if (file.contentType.startsWith('text/html')) {
      // The bundled page carries Electron's CSP (connect-src 'none') as a meta tag; browser mode
      // needs exactly one WebSocket more, and two policies would intersect, so swap the meta.
      body = Buffer.from(
        body
          .toString('utf8')
          .replace(/(<meta\s+http-equiv="Content-Security-Policy"\s+content=")[^"]*(")/i, `$1${browserModeCsp(port, 'meta')}$2`)
      )
    }
    res.writeHead(200, { 'Content-Type': file.contentType, 'Content-Security-Policy': csp, ...SECURITY_HEADERS })
    res.end(req.method === 'HEAD' ? undefined : body)
    if (req.method === 'GET') trackFirstLoad(rawPath, file.contentType.startsWith('text/html') ? body.toString('utf8') : null, res)
  }

  /** The first page's linked assets not yet sent (null until its HTML is served). */
  let firstLoad: Set<string> | null = null
  let firstClientSignalled = false
  const firstClient = (): void => {
    if (firstClientSignalled) return
    firstClientSignalled = true
    options.onFirstClient?.()
  }
  function trackFirstLoad(rawPath: string, html: string | null, res: ServerResponse): void {
    if (firstClientSignalled || !options.onFirstClient) return
    if (html !== null) firstLoad ??= linkedAssets(html)
    if (firstLoad === null) return
    res.once('finish', () => {
      firstLoad?.delete(rawPath)
      if (firstLoad?.size === 0) firstClient()
    })
  }

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    // Echo only the version protocol, never the one that carries the secret.
    handleProtocols: (protocols) => (protocols.has(WS_PROTOCOL) ? WS_PROTOCOL : false)
  })

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', ignore)
    // A refused upgrade whose peer never closes, or one that never completes, does not linger.
    // ws clears the socket timeout once the WebSocket is open (WebSocket#setSocket).
    const tcp = socket as Socket
    tcp.setTimeout(limits.upgradeTimeoutMs, () => tcp.destroy())
    const url = new URL(req.url ?? '/', `http://${HOST}`)
    if (url.pathname !== WS_PATH) return refuseSocket(socket, 404)
    if (!isLoopbackHost(req.headers.host, port)) return refuseSocket(socket, 421)
    if (!isOwnOrigin(req.headers.origin, port)) return refuseSocket(socket, 403)
    // The secret comes only from the subprotocol header: never from the URL, which would put it
    // in the request line. A `?secret=` in the URL is ignored, hence refused.
    const offer = offeredSecret(req.headers['sec-websocket-protocol'])
    if (!secretsMatch(secret, offer.secret)) return refuseSocket(socket, 401)
    if (!offer.versioned) return refuseSocket(socket, 400)
    // Only authenticated sockets reach this line, so only they can fill the cap. handleUpgrade
    // completes synchronously (no verifyClient, no permessage-deflate), so the count is exact.
    if (sockets.size >= limits.maxConnections) return refuseSocket(socket, 503)
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws))
  })

  function send(ws: WebSocket, frame: ServerFrame): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame), ignore)
  }

  const alive = new WeakMap<WebSocket, boolean>()

  function attach(ws: WebSocket): void {
    firstClient()
    sockets.add(ws)
    alive.set(ws, true)
    ws.on('close', () => sockets.delete(ws))
    ws.on('error', () => sockets.delete(ws))
    ws.on('pong', () => alive.set(ws, true))
    ws.on('message', (data: RawData, isBinary: boolean) => {
      handleFrame(ws, data, isBinary).catch((error: unknown) => warn('a WebSocket frame failed', error))
    })
  }

  // A peer that vanished without closing (sleep, pulled cable, a half-open socket) would keep its
  // slot forever: ping every socket, and drop those that did not answer the previous ping.
  const heartbeat = setInterval(() => {
    for (const ws of sockets) {
      if (alive.get(ws) !== true) {
        sockets.delete(ws)
        ws.terminate()
        continue
      }
      alive.set(ws, false)
      ws.ping(undefined, undefined, ignore)
    }
  }, limits.heartbeatMs)
  heartbeat.unref()

  async function handleFrame(ws: WebSocket, data: RawData, isBinary: boolean): Promise<void> {
    let raw: unknown
    try {
      if (isBinary) throw new Error('binary')
      raw = JSON.parse(data.toString())
    } catch {
      send(ws, frameError('The message is not a JSON text frame.'))
      return
    }
    const { ClientFrameSchema, CallIdSchema } = await schemas
    const frame = ClientFrameSchema.safeParse(raw)
    if (!frame.success) {
      // A call we can identify gets its answer (the caller stops waiting); anything else gets a
      // frame-level error, which carries no id and so can never settle somebody else's call.
      const id = CallIdSchema.safeParse((raw as { id?: unknown } | null)?.id)
      const message = 'The message is not a valid call frame.'
      if (id.success) send(ws, { type: 'result', id: id.data, result: { ok: false, error: { code: 'INVALID_REQUEST', message } } })
      else send(ws, frameError(message))
      return
    }
    const result = await (core ?? (await booting)).dispatch(frame.data.command, frame.data.request)
    send(ws, { type: 'result', id: frame.data.id, result })
  }

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen)
    server.listen(options.port ?? 0, HOST, () => {
      server.off('error', rejectListen)
      resolveListen()
    })
  })
  // After listening, a server error (e.g. EMFILE on accept) is logged, never fatal.
  server.on('error', (error) => warn('the browser-mode server reported an error', error))
  port = (server.address() as AddressInfo).port

  return {
    url: `http://${HOST}:${port}/#${URL_SECRET_FRAGMENT}=${secret}`,
    port,
    connectionCount: () => sockets.size,
    close: async () => {
      closed = true
      unsubscribe()
      clearInterval(heartbeat)
      for (const ws of sockets) ws.terminate()
      wss.close()
      server.closeAllConnections()
      await new Promise<void>((done) => server.close(() => done()))
    }
  }
}

/** Frame-level errors have no id: they answer a frame, not a call. */
function frameError(message: string): ServerFrame {
  return { type: 'error', error: { code: 'INVALID_REQUEST', message } }
}
