import { ipcMain, type IpcMainInvokeEvent } from 'electron'
import { COMMAND_NAMES, commandChannel, eventChannel } from '../shared/api'
import type { Result } from '../shared/result'
import type { Core } from '../core/core'
import { originOf } from './origins'
import { isTrustedSender, type SenderFrame } from './sender'
import type { RegistrableWindow, WindowRegistry } from './window-registry'

export type Dispose = () => void
export type SenderCheck = (frame: SenderFrame | null | undefined) => boolean

const FORBIDDEN: Result<never> = {
  ok: false,
  error: { code: 'FORBIDDEN', message: 'This page is not allowed to talk to TokenDesk.' }
}

const INTERNAL: Result<never> = {
  ok: false,
  error: { code: 'INTERNAL', message: 'TokenDesk could not handle the request. Details are in the log.' }
}

/** `senderFrame` is a getter that can throw once the frame is gone; treat that as no frame. */
function senderFrameOf(event: IpcMainInvokeEvent): SenderFrame | null {
  try {
    return event.senderFrame
  } catch {
    return null
  }
}

/** For the log: the sender's origin and frame depth, never its full URL (which could carry data). */
function describeSender(frame: SenderFrame | null): string {
  if (frame === null) return 'no frame'
  try {
    return `${originOf(frame.url) ?? 'unparseable origin'}, ${frame.parent === null ? 'top frame' : 'subframe'}`
  } catch {
    return 'unreadable frame'
  }
}

/**
 * One `ipcMain.handle` per contract command, on its derived channel. Every call passes the sender
 * check first (an untrusted sender never reaches a handler), then goes to `core.dispatch`, which
 * validates the payload. Returns a function that removes every handler again.
 */
export function registerCommandHandlers(
  core: Pick<Core, 'dispatch' | 'log'>,
  isTrusted: SenderCheck = (frame) => isTrustedSender(frame)
): Dispose {
  for (const name of COMMAND_NAMES) {
    ipcMain.handle(commandChannel(name), async (event: IpcMainInvokeEvent, request: unknown) => {
      const frame = senderFrameOf(event)
      if (!isTrusted(frame)) {
        core.log.warn('ipc', `refused "${name}" from an untrusted sender (${describeSender(frame)})`)
        return FORBIDDEN
      }
      try {
        return await core.dispatch(name, request)
      } catch (error) {
        // dispatch never throws; if it ever does, the renderer still gets an envelope.
        core.log.error('ipc', `dispatch of "${name}" threw`, error)
        return INTERNAL
      }
    })
  }
  return () => {
    for (const name of COMMAND_NAMES) ipcMain.removeHandler(commandChannel(name))
  }
}

/**
 * Core events go to the factory's windows only, and only while they are alive and still showing
 * the app (a window whose top frame is somewhere else gets nothing).
 */
export function forwardCoreEvents<W extends RegistrableWindow>(
  core: Pick<Core, 'events' | 'log'>,
  windows: Pick<WindowRegistry<W>, 'live'>,
  isTrusted: SenderCheck = (frame) => isTrustedSender(frame)
): Dispose {
  return core.events.subscribe((name, payload) => {
    for (const window of windows.live()) {
      try {
        const contents = window.webContents
        if (contents.isDestroyed()) continue
        if (!isTrusted(contents.mainFrame)) continue
        contents.send(eventChannel(name), payload)
      } catch (error) {
        core.log.warn('ipc', `could not forward "${name}" to a window`, error)
      }
    }
  })
}
