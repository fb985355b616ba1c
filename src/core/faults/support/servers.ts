import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer as createHttpsServer } from 'node:https'
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Small misbehaving servers for faults the sandbox's injection cannot produce (raw TCP, TLS). */

export interface RawServer {
  url: string
  /** Requests seen (full request text up to the end of headers). */
  requests: string[]
  close(): Promise<void>
}

/**
 * A TCP server that hands each connection to `onRequest` once the request's headers (and, with
 * `waitForBody`, its Content-Length body) have arrived.
 */
export async function rawServer(onRequest: (socket: Socket, request: string) => void, options: { waitForBody?: boolean; onConnect?: (socket: Socket) => boolean } = {}): Promise<RawServer> {
  const requests: string[] = []
  const sockets = new Set<Socket>()
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => undefined)
    socket.on('close', () => sockets.delete(socket))
    if (options.onConnect?.(socket)) return
    let buffer = ''
    const onData = (chunk: Buffer): void => {
      buffer += chunk.toString('latin1')
      const end = buffer.indexOf('\r\n\r\n')
      if (end < 0) return
      const length = Number(/content-length:\s*(\d+)/i.exec(buffer.slice(0, end))?.[1] ?? 0)
      if (options.waitForBody && buffer.length < end + 4 + length) return
      socket.off('data', onData)
      requests.push(buffer)
      onRequest(socket, buffer)
    }
    socket.on('data', onData)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
}

/** A self-signed certificate for `host`, made with openssl (null if openssl is missing). */
export function selfSignedCert(host: string): { key: string; cert: string } | null {
  const dir = mkdtempSync(join(tmpdir(), 'td-tls-'))
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${host}`,
      '-addext', `subjectAltName=DNS:${host}`,
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')
    ], { stdio: 'ignore' })
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') }
  } catch {
    return null
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export async function tlsServer(credentials: { key: string; cert: string }): Promise<RawServer> {
  const requests: string[] = []
  const server = createHttpsServer(credentials, (request, response) => {
    requests.push(`${request.method} ${request.url}`)
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"access_token":"over-tls","expires_in":300}')
  })
  server.on('tlsClientError', () => undefined)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `https://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
