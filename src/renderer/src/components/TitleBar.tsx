import { Search } from 'lucide-react'
import type { JSX } from 'react'
import { MOD } from '../features/shortcuts/keys'
import { useAppStore } from '../store/app-store'
import { AppMark } from './AppMark'
import { StatusPill } from './StatusPill'

const CONNECTION_LABEL = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  'no-secret': 'Not connected',
  refused: 'Link not accepted'
} as const

export function TitleBar({ host }: { host: 'electron' | 'browser' }): JSX.Element {
  const connection = useAppStore((s) => s.connection)
  const overlayOpened = useAppStore((s) => s.overlayOpened)
  // On macOS the window's traffic lights sit inside this header (titleBarStyle hiddenInset).
  const mac = useAppStore((s) => host === 'electron' && s.info.status === 'ready' && s.info.data.platform === 'darwin')
  return (
    <header className={mac ? 'titlebar titlebar-mac' : 'titlebar'}>
      <div className="titlebar-brand">
        <AppMark size={20} />
        <span className="titlebar-name">TokenDesk</span>
        {host === 'browser' && <span className="badge">Browser mode</span>}
      </div>
      <button type="button" className="titlebar-search" aria-keyshortcuts="Control+K Meta+K" onClick={() => overlayOpened('palette')}>
        <Search size={14} aria-hidden="true" />
        <span className="titlebar-search-text">Search or run a command…</span>
        <kbd>{MOD} K</kbd>
      </button>
      <div className="titlebar-right" aria-live="polite">
        {host === 'browser' && (
          <StatusPill tone={connection === 'connected' ? 'ok' : connection === 'no-secret' || connection === 'refused' ? 'error' : 'warn'}>
            {CONNECTION_LABEL[connection]}
          </StatusPill>
        )}
      </div>
    </header>
  )
}
