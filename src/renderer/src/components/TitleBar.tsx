import type { JSX } from 'react'
import { useAppStore } from '../store/app-store'
import { StatusPill } from './StatusPill'

const CONNECTION_LABEL = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  'no-secret': 'Not connected'
} as const

export function TitleBar({ host }: { host: 'electron' | 'browser' }): JSX.Element {
  const connection = useAppStore((s) => s.connection)
  // On macOS the window's traffic lights sit inside this header (titleBarStyle hiddenInset).
  const mac = useAppStore((s) => host === 'electron' && s.info.status === 'ready' && s.info.data.platform === 'darwin')
  return (
    <header className={mac ? 'titlebar titlebar-mac' : 'titlebar'}>
      <div className="titlebar-brand">
        <img src="./icon.svg" alt="" width={22} height={22} />
        <span className="titlebar-name">TokenDesk</span>
        {host === 'browser' && <span className="badge">Browser mode</span>}
      </div>
      <div className="titlebar-right" aria-live="polite">
        {host === 'browser' && (
          <StatusPill tone={connection === 'connected' ? 'ok' : connection === 'no-secret' ? 'error' : 'warn'}>
            {CONNECTION_LABEL[connection]}
          </StatusPill>
        )}
      </div>
    </header>
  )
}
