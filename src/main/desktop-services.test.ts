import { describe, expect, it } from 'vitest'
import { EventBus } from '../core/events'
import { createMemoryLogger } from '../core/log'
import { electronClipboard, showTokenNotices, type NotificationLike } from './desktop-services'

function recordingNotification(options: Record<string, unknown>) {
  const listeners = new Map<string, (...args: unknown[]) => void>()
  const n = {
    options,
    shown: false,
    closed: false,
    show() {
      this.shown = true
    },
    close() {
      this.closed = true
    },
    on(event: string, listener: (...args: unknown[]) => void) {
      listeners.set(event, listener)
      return n
    },
    fire: (event: string, ...args: unknown[]) => listeners.get(event)?.(...args)
  }
  return n
}

function setup(supportsActions: boolean) {
  const log = createMemoryLogger()
  const events = new EventBus(log)
  const created: Array<ReturnType<typeof recordingNotification>> = []
  const dispatched: Array<[string, unknown]> = []
  const focused: string[] = []
  const stop = showTokenNotices({
    core: {
      events,
      log,
      dispatch: async (command, request) => {
        dispatched.push([command as string, request])
        return { ok: true, value: {} }
      }
    },
    createNotification: (options) => {
      const n = recordingNotification(options as Record<string, unknown>)
      created.push(n)
      return n as unknown as NotificationLike
    },
    isSupported: () => true,
    focusToken: (id) => focused.push(id),
    supportsActions
  })
  const notice = (tokenId: string, kind: 'expiring' | 'expired' | 'renewal-failed') =>
    events.emit('tokens.notice', { tokenId, kind, title: `${tokenId} ${kind}`, body: 'b', at: 1 })
  return { created, dispatched, focused, stop, notice }
}

describe('OS notifications for token notices', () => {
  it('one notification per token: "expired" replaces "expires soon" instead of stacking', () => {
    const { created, notice } = setup(false)
    notice('tok1', 'expiring')
    notice('tok2', 'expiring')
    notice('tok1', 'expired')
    expect(created.map((n) => [n.options.title, n.shown, n.closed])).toEqual([
      ['tok1 expiring', true, true],
      ['tok2 expiring', true, false],
      ['tok1 expired', true, false]
    ])
  })

  it('offers Copy and Refresh where the OS has buttons, and runs them through the contract', async () => {
    const { created, dispatched, notice } = setup(true)
    notice('tok1', 'expiring')
    expect(created[0]!.options.actions).toEqual([
      { type: 'button', text: 'Copy' },
      { type: 'button', text: 'Refresh' }
    ])
    created[0]!.fire('action', {}, 0)
    created[0]!.fire('action', {}, 1)
    await Promise.resolve()
    expect(dispatched).toEqual([
      ['tokens.copy', { id: 'tok1' }],
      ['tokens.refresh', { id: 'tok1' }]
    ])
  })

  it('has no buttons without OS support or once expired; a click brings the token up', () => {
    const { created, focused, notice, stop } = setup(false)
    notice('tok1', 'renewal-failed')
    expect(created[0]!.options).not.toHaveProperty('actions')
    created[0]!.fire('click')
    expect(focused).toEqual(['tok1'])
    stop()
    expect(created[0]!.closed).toBe(true)
  })
})

describe('Electron clipboard port', () => {
  it('passes text through to Electron and clears it', async () => {
    let text = ''
    const port = electronClipboard({ writeText: async (t: string) => void (text = t), readText: async () => text, clear: () => void (text = '') })
    await port.writeText('abc')
    expect(await port.readText()).toBe('abc')
    port.clear()
    expect(text).toBe('')
  })
})
