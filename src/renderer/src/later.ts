/**
 * Everything the first paint does not need, in one lazy chunk (App imports it on demand): one
 * chunk compresses better than seven and keeps the bundle budget's total down.
 */
export { AccountPage } from './features/accounts/AccountPage'
export { AddAccountDialog } from './features/accounts/AddAccountDialog'
export { DiagnosticsView } from './features/diagnostics/DiagnosticsView'
export { CommandPalette } from './features/palette/CommandPalette'
export { SettingsView } from './features/settings/SettingsView'
export { ShortcutSheet } from './features/shortcuts/ShortcutSheet'
export { TimelineView } from './features/tokens/TimelineView'
