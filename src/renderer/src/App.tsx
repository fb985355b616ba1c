import { useEffect, useRef, type JSX } from 'react'
import { Sidebar } from './components/Sidebar'
import { TitleBar } from './components/TitleBar'
import { NoAccounts } from './features/accounts/NoAccounts'
import { DiagnosticsView } from './features/diagnostics/DiagnosticsView'
import { FirstRunPrompt } from './features/settings/FirstRunPrompt'
import { SettingsView } from './features/settings/SettingsView'
import { useAppStore, type View } from './store/app-store'

const SHORTCUTS: Record<string, View> = { '1': 'accounts', '2': 'diagnostics', '3': 'settings' }

function NoSecret(): JSX.Element {
  return (
    <section className="empty" role="alert">
      <h1>This page needs its launch link</h1>
      <p className="empty-lead">
        Browser mode only answers the exact link that <code>npm start</code> printed (it carries a one-time secret). Open
        that link, or restart TokenDesk to get a new one.
      </p>
    </section>
  )
}

export function App({ host }: { host: 'electron' | 'browser' }): JSX.Element {
  const view = useAppStore((s) => s.view)
  const connection = useAppStore((s) => s.connection)
  const viewChosen = useAppStore((s) => s.viewChosen)
  const main = useRef<HTMLElement>(null)

  // Each view opens at its top, not at the scroll position of the one before.
  useEffect(() => {
    if (main.current) main.current.scrollTop = 0
  }, [view])

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      const target = SHORTCUTS[event.key]
      if (event.altKey && !event.ctrlKey && !event.metaKey && target) {
        event.preventDefault()
        viewChosen(target)
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [viewChosen])

  return (
    <div className="app">
      <TitleBar host={host} />
      <Sidebar />
      <main className="main" id="main" ref={main}>
        {connection === 'reconnecting' && (
          <p className="banner" role="status">
            Lost the connection to TokenDesk. Reconnecting…
          </p>
        )}
        {connection === 'no-secret' ? (
          <NoSecret />
        ) : view === 'accounts' ? (
          <>
            <FirstRunPrompt />
            <NoAccounts />
          </>
        ) : view === 'diagnostics' ? (
          <DiagnosticsView />
        ) : (
          <SettingsView />
        )}
      </main>
    </div>
  )
}
