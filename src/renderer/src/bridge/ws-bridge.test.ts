import { describe, expect, it } from 'vitest'
import { ServerFrameSchema, WS_PROTOCOL } from '../../../shared/wire'
import { createWsBridge, secretFromLocation } from './ws-bridge'

/** A minimal stand-in for the browser WebSocket: the test plays the server. */
class FakeSocket {
  static OPEN = 1
  static instances: FakeSocket[] = []
  readyState = 0
  /** What the server echoed; a real server echoes only the version protocol. */
  protocol = WS_PROTOCOL
  sent: string[] = []
  onopen: (() => void) | null = null
  onmessage: ((m: { data: string }) => void) | null = null
  onclose: (() => void) | null = null
  constructor(
    public url: string,
    public protocols?: string | string[]
  ) {
    FakeSocket.instances.push(this)
  }
  send(data: string): void {
    this.sent.push(data)
  }
  close(): void {
    this.readyState = 3
    this.onclose?.()
  }
  open(): void {
    this.readyState = 1
    this.onopen?.()
  }
  reply(frame: unknown): void {
    this.onmessage?.({ data: JSON.stringify(frame) })
  }
}

const SECRET = 'abcdefghijklmnopqrstuvwxyz012345'
const location = { hash: `#secret=${SECRET}`, host: '127.0.0.1:4600' }

describe('ws bridge', () => {
  it('reads the secret from the fragment and rejects junk', () => {
    expect(secretFromLocation({ hash: `#secret=${SECRET}` })).toBe(SECRET)
    expect(secretFromLocation({ hash: '' })).toBeNull()
    expect(secretFromLocation({ hash: '#secret=<script>' })).toBeNull()
  })

  it('queues calls until open, then correlates answers by id', async () => {
    FakeSocket.instances = []
    const bridge = createWsBridge(location, FakeSocket as unknown as typeof WebSocket)
    const socket = FakeSocket.instances[0]!
    // The secret travels as a subprotocol (a header), never in the URL and so never in the request line.
    expect(socket.url).toBe('ws://127.0.0.1:4600/ws')
    expect(socket.url).not.toContain(SECRET)
    expect(socket.protocols).toEqual(['tokendesk.v1', `tokendesk.secret.${SECRET}`])
    const pending = bridge.api.commands['app.info']({})
    expect(socket.sent).toHaveLength(0)
    socket.open()
    const frame = JSON.parse(socket.sent[0]!) as { id: number; command: string }
    expect(frame.command).toBe('app.info')
    socket.reply({ type: 'result', id: frame.id, result: { ok: false, error: { code: 'INTERNAL', message: 'x' } } })
    expect(await pending).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'x' } })
    bridge.close()
  })

  it('resolves in-flight calls to DISCONNECTED when the socket drops, and reports reconnecting', async () => {
    FakeSocket.instances = []
    const bridge = createWsBridge(location, FakeSocket as unknown as typeof WebSocket)
    const states: string[] = []
    bridge.onState((s) => states.push(s))
    const socket = FakeSocket.instances[0]!
    socket.open()
    const pending = bridge.api.commands['app.diagnostics']({})
    socket.close()
    expect(await pending).toMatchObject({ ok: false, error: { code: 'DISCONNECTED' } })
    expect(states).toEqual(['connecting', 'connected', 'reconnecting'])
    bridge.close()
  })

  it('without a secret it never connects and answers FORBIDDEN', async () => {
    FakeSocket.instances = []
    const bridge = createWsBridge({ hash: '', host: '127.0.0.1:1' }, FakeSocket as unknown as typeof WebSocket)
    expect(FakeSocket.instances).toHaveLength(0)
    expect(await bridge.api.commands['app.info']({})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
  })

  it('numbers calls from 1, so no call id is ever confused with a frame-level error', async () => {
    FakeSocket.instances = []
    const bridge = createWsBridge(location, FakeSocket as unknown as typeof WebSocket)
    const socket = FakeSocket.instances[0]!
    socket.open()
    const first = bridge.api.commands['app.info']({})
    const frame = JSON.parse(socket.sent[0]!) as { id: number }
    expect(frame.id).toBe(1)
    // A frame-level error (no id) settles nothing; the call's own answer does.
    socket.reply({ type: 'error', error: { code: 'INVALID_REQUEST', message: 'not a call' } })
    socket.reply({ type: 'result', id: 0, result: { ok: false, error: { code: 'INVALID_REQUEST', message: 'old-style' } } })
    let settled = false
    void first.then(() => (settled = true))
    await Promise.resolve()
    expect(settled).toBe(false)
    socket.reply({ type: 'result', id: 1, result: { ok: true, value: 'mine' } })
    expect(await first).toEqual({ ok: true, value: 'mine' })
    expect(ServerFrameSchema.safeParse({ type: 'result', id: 0, result: { ok: true, value: 1 } }).success).toBe(false)
    bridge.close()
  })

  it('drops a connection whose server did not pick the tokendesk.v1 protocol', () => {
    FakeSocket.instances = []
    const bridge = createWsBridge(location, FakeSocket as unknown as typeof WebSocket)
    const states: string[] = []
    bridge.onState((s) => states.push(s))
    const socket = FakeSocket.instances[0]!
    socket.protocol = `tokendesk.secret.${SECRET}`
    socket.open()
    expect(socket.readyState).toBe(3)
    expect(states).toEqual(['connecting', 'reconnecting'])
    bridge.close()
  })

  it('delivers events to subscribers and stops after unsubscribe', () => {
    FakeSocket.instances = []
    const bridge = createWsBridge(location, FakeSocket as unknown as typeof WebSocket)
    const socket = FakeSocket.instances[0]!
    socket.open()
    const seen: unknown[] = []
    const off = bridge.api.events['app.diagnosticsChanged']((p) => seen.push(p))
    socket.reply({ type: 'event', event: 'app.diagnosticsChanged', payload: { n: 1 } })
    off()
    socket.reply({ type: 'event', event: 'app.diagnosticsChanged', payload: { n: 2 } })
    expect(seen).toEqual([{ n: 1 }])
    bridge.close()
  })
})
