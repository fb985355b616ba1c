import WebSocket from 'ws'
import { wsProtocols } from '../../src/shared/wire'

export interface CallResult {
  ok: boolean
  value?: unknown
  error?: { code: string; message: string }
}

/** A script client of the browser-mode contract (README "Automating TokenDesk"). */
export class ContractClient {
  private nextId = 1
  private readonly pending = new Map<number, (result: CallResult) => void>()
  private readonly listeners = new Set<(event: string, payload: unknown) => void>()

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; id?: number; result?: CallResult; event?: string; payload?: unknown }
      if (frame.type === 'result' && frame.id !== undefined) {
        const done = this.pending.get(frame.id)
        this.pending.delete(frame.id)
        done?.(frame.result!)
      } else if (frame.type === 'event') for (const listener of this.listeners) listener(frame.event!, frame.payload)
    })
  }

  static async connect(pageUrl: string): Promise<ContractClient> {
    const url = new URL(pageUrl)
    const secret = new URLSearchParams(url.hash.slice(1)).get('secret') ?? ''
    const ws = new WebSocket(`ws://${url.host}/ws`, wsProtocols(secret), { origin: `http://${url.host}`, perMessageDeflate: false })
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    return new ContractClient(ws)
  }

  call(command: string, request: unknown = {}): Promise<CallResult> {
    const id = this.nextId++
    return new Promise((resolve) => {
      this.pending.set(id, resolve)
      this.ws.send(JSON.stringify({ type: 'call', id, command, request }))
    })
  }

  /** The value of a successful call, or a thrown error with the code. */
  async value<T>(command: string, request: unknown = {}): Promise<T> {
    const result = await this.call(command, request)
    if (!result.ok) throw new Error(`${command}: ${result.error?.code} ${result.error?.message}`)
    return result.value as T
  }

  onEvent(listener: (event: string, payload: unknown) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  close(): void {
    this.ws.close()
  }
}
