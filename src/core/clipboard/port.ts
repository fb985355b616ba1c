/** The host's clipboard (Electron's `clipboard` in main). Browser mode has none: the page writes it. */
export interface ClipboardPort {
  /** Writes text, marked concealed/sensitive where the OS supports it. */
  writeText(text: string): void
  readText(): string
  clear(): void
}

export interface ClipboardGuard {
  /** Writes and schedules the clear at `clearAt` (the timer, or the token's expiry if sooner). */
  write(text: string, tokenId: string, clearAt: number, reason: 'timer' | 'expiry'): void
  /** Clears now if the clipboard still holds what we wrote (on quit). */
  clearNow(reason: 'quit'): void
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
  const clearIfOurs = (reason: 'timer' | 'expiry' | 'quit'): void => {
    if (!held) return
    const { text, tokenId } = held
    held = null
    if (port.readText() === text) {
      port.clear()
      onCleared(tokenId, reason)
    }
  }
  return {
    write(text, tokenId, clearAt, reason) {
      if (held) timers.clearTimeout(held.handle)
      port.writeText(text)
      const delay = Math.max(0, clearAt - timers.now())
      held = { text, tokenId, reason, handle: timers.setTimeout(() => clearIfOurs(reason), delay) }
    },
    clearNow(reason) {
      if (held) timers.clearTimeout(held.handle)
      clearIfOurs(reason)
    },
    dispose() {
      if (held) timers.clearTimeout(held.handle)
      held = null
    },
    pendingTokenId: () => held?.tokenId ?? null
  }
}
