/**
 * The host's clipboard (Electron's `clipboard` in main; asynchronous since Electron 45). Browser
 * mode has none: the page writes it.
 */
export interface ClipboardPort {
  writeText(text: string): Promise<void> | void
  readText(): Promise<string> | string
  clear(): void
}

export interface ClipboardGuard {
  /** Writes and schedules the clear at `clearAt` (the timer, or the token's expiry if sooner). */
  write(text: string, tokenId: string, clearAt: number, reason: 'timer' | 'expiry'): Promise<void>
  /** Clears now if the clipboard still holds what we wrote (on quit). */
  clearNow(reason: 'quit'): Promise<void>
  dispose(): void
}

/**
 * Clears the clipboard at `clearAt`, but only if it still holds exactly what TokenDesk put
 * there: a user who copied something else since keeps it.
 */
export function createClipboardGuard(
  port: ClipboardPort,
  onCleared: (tokenId: string, reason: 'timer' | 'expiry' | 'quit') => void,
  timers: { setTimeout(cb: () => void, ms: number): unknown; clearTimeout(h: unknown): void; now(): number }
): ClipboardGuard & { pendingTokenId(): string | null } {
  let held: { text: string; tokenId: string; handle: unknown; reason: 'timer' | 'expiry' } | null = null
  const clearIfOurs = async (reason: 'timer' | 'expiry' | 'quit'): Promise<void> => {
    if (!held) return
    const { text, tokenId } = held
    held = null
    try {
      if ((await port.readText()) === text) {
        port.clear()
        onCleared(tokenId, reason)
      }
    } catch {
      // A clipboard that cannot be read cannot be checked: it is left alone rather than cleared blindly.
    }
  }
  return {
    async write(text, tokenId, clearAt, reason) {
      if (held) timers.clearTimeout(held.handle)
      held = null
      await port.writeText(text)
      const delay = Math.max(0, clearAt - timers.now())
      held = { text, tokenId, reason, handle: timers.setTimeout(() => void clearIfOurs(reason), delay) }
    },
    async clearNow(reason) {
      if (held) timers.clearTimeout(held.handle)
      await clearIfOurs(reason)
    },
    dispose() {
      if (held) timers.clearTimeout(held.handle)
      held = null
    },
    pendingTokenId: () => held?.tokenId ?? null
  }
}
