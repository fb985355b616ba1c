import type { BrowserWindow } from 'electron'

/** The parts of a BrowserWindow the registry and event forwarding use. */
export type RegistrableWindow = Pick<BrowserWindow, 'isDestroyed' | 'once' | 'webContents'>

/**
 * Every window the factory created, and only those: events are forwarded to these windows and
 * to nothing else. A window leaves the registry when it closes.
 */
export class WindowRegistry<W extends RegistrableWindow = BrowserWindow> {
  private readonly windows = new Set<W>()

  add(window: W): void {
    this.windows.add(window)
    window.once('closed', () => this.windows.delete(window))
  }

  has(window: W): boolean {
    return this.windows.has(window)
  }

  /** Registered windows that are still alive, oldest first. */
  live(): W[] {
    return [...this.windows].filter((window) => !window.isDestroyed())
  }

  first(): W | undefined {
    return this.live()[0]
  }
}
