import { readFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import { ClientFrameSchema, URL_SECRET_FRAGMENT, WS_PATH, WS_SECRET_PARAM, type ServerFrame } from '../shared/wire'
import type { Core } from '../core/core'
import { resolveRendererFile } from '../core/renderer-files'
import { browserModeCsp, isLoopbackHost, isOwnOrigin, newLaunchSecret, secretsMatch } from './security'

export interface WebHostOptions {
  core: Core
  /** The built renderer (out/renderer). */
  rendererDir: string
  /** 0 or undefined: a free port. */
  port?: number
  /** Injected for tests; a fresh random secret otherwise. */
  secret?: string
}

export interface WebHost {
  /** The page URL, secret included (in the fragment, so it never reaches a server log). */
  url: string
  port: number
  close(): Promise<void>
}

const MAX_FRAME_BYTES = 1024 * 1024
const MAX_CONNECTIONS = 16
const HOST = '127.0.0.1'

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store'
}

/**
 * Browser mode: the same core behind HTTP (the built renderer) and a WebSocket (the command
 * envelope), bound to 127.0.0.1 only. The WebSocket opens only with the per-launch secret, from
 * our own Origin, with a loopback Host header.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { core } = options
  const secret = options.secret ?? newLaunchSecret()
  let port = 0
  const sockets = new Set<WebSocket>()

  const server = createServer((req, res) => {
    void serveHttp(req, res)
  })

  async function serveHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isLoopbackHost(req.headers.host, port)) {
      res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Misdirected request: use http://127.0.0.1 only.\n')
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
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES })

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (status: number, reason: string): void => {
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    }
    const url = new URL(req.url ?? '/', `http://${HOST}`)
    if (url.pathname !== WS_PATH) return refuse(404, 'Not Found')
    if (!isLoopbackHost(req.headers.host, port)) return refuse(421, 'Misdirected Request')
    if (!isOwnOrigin(req.headers.origin, port)) return refuse(403, 'Forbidden')
    if (!secretsMatch(secret, url.searchParams.get(WS_SECRET_PARAM))) return refuse(401, 'Unauthorized')
    if (sockets.size >= MAX_CONNECTIONS) return refuse(503, 'Service Unavailable')
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws))
  })

  function send(ws: WebSocket, frame: ServerFrame): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame))
  }

  function attach(ws: WebSocket): void {
    sockets.add(ws)
    ws.on('close', () => sockets.delete(ws))
    ws.on('error', () => sockets.delete(ws))
    ws.on('message', (data: RawData, isBinary: boolean) => {
      void handleFrame(ws, data, isBinary)
    })
  }

  async function handleFrame(ws: WebSocket, data: RawData, isBinary: boolean): Promise<void> {
    let raw: unknown
    try {
      if (isBinary) throw new Error('binary')
      raw = JSON.parse(data.toString())
    } catch {
      send(ws, invalidFrame('The message is not a JSON text frame.'))
      return
    }
    const frame = ClientFrameSchema.safeParse(raw)
    if (!frame.success) {
      send(ws, invalidFrame('The message is not a valid call frame.'))
      return
    }
    const result = await core.dispatch(frame.data.command, frame.data.request)
    send(ws, { type: 'result', id: frame.data.id, result })
  }

  const unsubscribe = core.events.subscribe((event, payload) => {
    for (const ws of sockets) send(ws, { type: 'event', event, payload })
  })

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen)
    server.listen(options.port ?? 0, HOST, () => {
      server.off('error', rejectListen)
      resolveListen()
    })
  })
  port = (server.address() as AddressInfo).port

  return {
    url: `http://${HOST}:${port}/#${URL_SECRET_FRAGMENT}=${secret}`,
    port,
    close: async () => {
      unsubscribe()
      for (const ws of sockets) ws.terminate()
      wss.close()
      server.closeAllConnections()
      await new Promise<void>((done) => server.close(() => done()))
    }
  }
}

/** Frame-level errors are answered on id 0, which no client call uses. */
function invalidFrame(message: string): ServerFrame {
  return { type: 'result', id: 0, result: { ok: false, error: { code: 'INVALID_REQUEST', message } } }
}
