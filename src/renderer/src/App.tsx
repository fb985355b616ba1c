import { lazy, Suspense, useEffect, useRef, useState, type JSX } from 'react'
import { Sidebar } from './components/Sidebar'
import { TitleBar } from './components/TitleBar'
import { NoAccounts } from './features/accounts/NoAccounts'
import { FirstRunPrompt } from './features/settings/FirstRunPrompt'
import { useGlobalShortcuts } from './features/shortcuts/useGlobalShortcuts'
import { AllTokensView } from './features/tokens/AllTokensView'
import { TokenToaster } from './features/tokens/TokenToaster'
import { useAccountsStore } from './store/accounts-store'
import { STALE_AFTER, useAppStore, type Overlay } from './store/app-store'

// Start-up shows the All tokens view: the other views and the dialogs load when first shown
// (chunks from the same origin), so the first paint parses and runs less script.
// The user's first move fetches that chunk, so a later first visit does not wait for the network.
const later = (): Promise<typeof import('./later')> => import('./later')
const TimelineView = lazy(() => later().then((m) => ({ default: m.TimelineView })))
const AccountPage = lazy(() => later().then((m) => ({ default: m.AccountPage })))
const DiagnosticsView = lazy(() => later().then((m) => ({ default: m.DiagnosticsView })))
const SettingsView = lazy(() => later().then((m) => ({ default: m.SettingsView })))
const AddAccountDialog = lazy(() => later().then((m) => ({ default: m.AddAccountDialog })))
const CommandPalette = lazy(() => later().then((m) => ({ default: m.CommandPalette })))
const ShortcutSheet = lazy(() => later().then((m) => ({ default: m.ShortcutSheet })))

/** The user's first move (pointer or key) fetches the lazy chunk: it is in by the time a click lands. */
function usePreloadChunks(): void {
  useEffect(() => {
    const events = ['pointermove', 'pointerdown', 'keydown'] as const
    const load = (): void => {
      for (const event of events) window.removeEventListener(event, load, true)
      void later().catch(() => {})
    }
    for (const event of events) window.addEventListener(event, load, { capture: true, passive: true })
    return () => {
      for (const event of events) window.removeEventListener(event, load, true)
    }
  }, [])
}

/** A dialog mounts the first time it opens and stays mounted (so it can animate closed). */
function OnceOpened({ overlay, children }: { overlay: Exclude<Overlay, null>; children: JSX.Element }): JSX.Element | null {
  const open = useAppStore((s) => s.overlay === overlay)
  const [opened, setOpened] = useState(open)
  if (open && !opened) setOpened(true)
  return opened || open ? <Suspense fallback={null}>{children}</Suspense> : null
}

const WHERE_THE_LINK_IS =
  'The current link is the "TokenDesk is running at …" line in the terminal where npm start runs (each start prints a new one). If TokenDesk is not running any more, start it again with npm start.'

function NoSecret(): JSX.Element {
  return (
    <section className="empty" role="alert">
      <h1>This page needs its launch link</h1>
      <p className="empty-lead">
        Browser mode only answers the exact link that <code>npm start</code> printed (it carries a one-time secret). Open that link, or
        restart TokenDesk to get a new one.
      </p>
    </section>
  )
}

/** The link's secret is not (or no longer) accepted: retrying cannot help, so say what will. */
function StaleLink(): JSX.Element {
  return (
    <section className="empty" role="alert" aria-labelledby="stale-title">
      <h1 id="stale-title">This launch link is out of date</h1>
      <p className="empty-lead">
        TokenDesk turned this page away: its link belongs to an earlier start of TokenDesk, or it was copied incompletely. {WHERE_THE_LINK_IS}
      </p>
      <div className="empty-actions">
        <button type="button" className="button" onClick={() => window.location.reload()}>
          Try this link again
        </button>
      </div>
    </section>
  )
}

function ConnectionBanner(): JSX.Element | null {
  const connection = useAppStore((s) => s.connection)
  const failed = useAppStore((s) => s.failedAttempts)
  if (connection !== 'reconnecting') return null
  return (
    <p className="banner" role="status">
      Lost the connection to TokenDesk. Reconnecting…
      {failed >= STALE_AFTER && <span className="banner-more"> Still no answer: if TokenDesk was restarted, this page’s link is stale. {WHERE_THE_LINK_IS}</span>}
    </p>
  )
}

function Home(): JSX.Element {
  const accounts = useAccountsStore((s) => s.accounts)
  const loadError = useAccountsStore((s) => s.error)
  const noAccounts = (accounts !== null && accounts.length === 0) || (accounts === null && loadError !== null)
  return (
    <>
      <FirstRunPrompt />
      {noAccounts ? <NoAccounts /> : <AllTokensView />}
    </>
  )
}

export function App({ host }: { host: 'electron' | 'browser' }): JSX.Element {
  const view = useAppStore((s) => s.view)
  const accountId = useAppStore((s) => s.accountId)
  const connection = useAppStore((s) => s.connection)
  const main = useRef<HTMLElement>(null)
  useGlobalShortcuts()
  usePreloadChunks()

  // Each view opens at its top, not at the scroll position of the one before. Not on the first
  // render: the page starts at the top, and writing scrollTop forces a layout of the whole page
  // in the middle of start-up.
  const shown = useRef({ view, accountId })
  useEffect(() => {
    if (shown.current.view === view && shown.current.accountId === accountId) return
    shown.current = { view, accountId }
    if (main.current) main.current.scrollTop = 0
  }, [view, accountId])

  return (
    <div className="app">
      <TitleBar host={host} />
      <Sidebar />
      <main className="main" id="main" ref={main}>
        <ConnectionBanner />
        <Suspense fallback={null}>
        {connection === 'no-secret' ? (
          <NoSecret />
        ) : connection === 'refused' ? (
          <StaleLink />
        ) : view === 'all-tokens' ? (
          <Home />
        ) : view === 'timeline' ? (
          <TimelineView />
        ) : view === 'account' && accountId ? (
          <AccountPage key={accountId} accountId={accountId} />
        ) : view === 'diagnostics' ? (
          <DiagnosticsView />
        ) : view === 'settings' ? (
          <SettingsView />
        ) : (
          <Home />
        )}
        </Suspense>
      </main>
      <OnceOpened overlay="add-account">
        <AddAccountDialog />
      </OnceOpened>
      <OnceOpened overlay="palette">
        <CommandPalette />
      </OnceOpened>
      <OnceOpened overlay="shortcuts">
        <ShortcutSheet />
      </OnceOpened>
      <TokenToaster />
    </div>
  )
}
