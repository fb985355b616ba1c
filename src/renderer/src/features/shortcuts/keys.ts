/** Typing in a field (or a menu) owns the plain keys: single-letter shortcuts stay out of its way. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable) return true
  const tag = target.tagName
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true
  if (tag === 'INPUT') {
    const type = (target as HTMLInputElement).type
    return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(type)
  }
  return target.closest('[role="menu"], [role="listbox"], [cmdk-root]') !== null
}

export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform)
export const MOD = isMac ? '⌘' : 'Ctrl'

export interface Shortcut {
  keys: string[]
  what: string
  /** The keys are alternatives (↑ or ↓), not a chord (Ctrl+K). */
  either?: boolean
}

/** Every shortcut, once: the sheet lists these, and the handlers implement exactly these. */
export const SHORTCUT_GROUPS: Array<{ title: string; items: Shortcut[] }> = [
  {
    title: 'Anywhere',
    items: [
      { keys: [MOD, 'K'], what: 'Search or run a command (copy, issue, refresh, go to…)' },
      { keys: ['?'], what: 'Show this list' },
      { keys: ['Alt', '1'], what: 'All tokens' },
      { keys: ['Alt', '2'], what: 'Diagnostics' },
      { keys: ['Alt', '3'], what: 'Settings' },
      { keys: ['Esc'], what: 'Close a dialog, menu or the palette' }
    ]
  },
  {
    title: 'Token lists',
    items: [
      { keys: ['↑', '↓'], either: true, what: 'Move between tokens (also j / k)' },
      { keys: ['Enter'], what: 'Open the token’s details' },
      { keys: ['c'], what: `Copy the selected token (also ${MOD}+C)` },
      { keys: ['r'], what: 'Refresh the selected token' }
    ]
  },
  {
    title: 'Account page',
    items: [{ keys: ['i'], what: 'Issue a token (the account’s, or its first app’s)' }]
  }
]
