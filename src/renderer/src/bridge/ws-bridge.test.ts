import { describe, expect, it } from 'vitest'
import { createWsBridge, secretFromLocation } from './ws-bridge'

/** A minimal stand-in for the browser WebSocket: the test plays the server. */
class FakeSocket {
  static OPEN = 1
  static instances: FakeSocket[] = []
  readyState = 0
  sent: string[] = []
  onopen: (() => void) | null = null
  onmessage: ((m: { data: string }) => void) | null = null
  onclose: (() => void) | null = null
  constructor(public url: string) {
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
    expect(socket.url).toBe(`ws://127.0.0.1:4600/ws?secret=${SECRET}`)
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
