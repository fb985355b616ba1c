import type { clipboard as ElectronClipboard, NotificationConstructorOptions } from 'electron'
import type { ClipboardPort } from '../core/clipboard/port'
import type { Core } from '../core/core'
import type { Notice } from '../shared/model'

/**
 * Electron's clipboard behind the core's port. Marking the text concealed (macOS
 * org.nspasteboard.ConcealedType, KDE's x-kde-passwordManagerHint) is not possible through
 * Electron's API: `writeBuffer` replaces the whole clipboard, text included. The core's
 * clear-after-30-s (only if unchanged) is what keeps tokens from lingering.
 */
export function electronClipboard(clipboard: Pick<typeof ElectronClipboard, 'writeText' | 'readText' | 'clear'>): ClipboardPort {
  return {
    writeText: (text) => clipboard.writeText(text),
    readText: () => clipboard.readText(),
    clear: () => clipboard.clear()
  }
}

/** The part of Electron's Notification class used here (tests pass a recording stand-in). */
export interface NotificationLike {
  show(): void
  close(): void
  on(event: 'action', listener: (event: unknown, index: number) => void): unknown
  on(event: 'click', listener: () => void): unknown
}

export interface NotifierDeps {
  core: Pick<Core, 'dispatch' | 'events' | 'log'>
  createNotification: (options: NotificationConstructorOptions) => NotificationLike
  isSupported: () => boolean
  /** Shows the window with this token selected. */
  focusToken: (tokenId: string) => void
  /** Action buttons exist on macOS only. */
  supportsActions: boolean
}

const ACTIONS = ['Copy', 'Refresh'] as const

/**
 * OS notifications for the core's notices: one per token at a time ("expires soon" is replaced by
 * "expired", never stacked), with Copy and Refresh buttons where the OS has them, and a click that
 * brings the token up. Returns the unsubscribe.
 */
export function showTokenNotices(deps: NotifierDeps): () => void {
  const shown = new Map<string, NotificationLike>()
  const unsubscribe = deps.core.events.subscribe((event, payload) => {
    if (event !== 'tokens.notice' || !deps.isSupported()) return
    const notice = payload as Notice
    shown.get(notice.tokenId)?.close()
    const notification = deps.createNotification({
      title: notice.title,
      body: notice.body,
      silent: notice.kind === 'expiring',
      ...(deps.supportsActions && notice.kind !== 'expired' ? { actions: ACTIONS.map((text) => ({ type: 'button' as const, text })) } : {})
    })
    notification.on('click', () => deps.focusToken(notice.tokenId))
    notification.on('action', (_event, index) => {
      const command = ACTIONS[index] === 'Copy' ? 'tokens.copy' : 'tokens.refresh'
      void deps.core.dispatch(command, { id: notice.tokenId }).then((result) => {
        if (!result.ok) deps.core.log.warn('notifications', `${command} from a notification failed: ${result.error.code}`)
      })
    })
    shown.set(notice.tokenId, notification)
    notification.show()
  })
  return () => {
    unsubscribe()
    for (const notification of shown.values()) notification.close()
    shown.clear()
  }
}
