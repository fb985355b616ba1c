import { Activity, KeyRound, Settings, Users } from 'lucide-react'
import type { JSX } from 'react'
import { useAppStore, type View } from '../store/app-store'

interface NavItem {
  view: View
  label: string
  icon: JSX.Element
  shortcut: string
}

const NAV: NavItem[] = [
  { view: 'accounts', label: 'Accounts', icon: <Users size={16} aria-hidden="true" />, shortcut: 'Alt+1' },
  { view: 'diagnostics', label: 'Diagnostics', icon: <Activity size={16} aria-hidden="true" />, shortcut: 'Alt+2' },
  { view: 'settings', label: 'Settings', icon: <Settings size={16} aria-hidden="true" />, shortcut: 'Alt+3' }
]

export function Sidebar(): JSX.Element {
  const view = useAppStore((s) => s.view)
  const viewChosen = useAppStore((s) => s.viewChosen)
  return (
    <nav className="sidebar" aria-label="Main">
      <section className="sidebar-section" aria-labelledby="accounts-heading">
        <h2 id="accounts-heading" className="sidebar-heading">
          Accounts
        </h2>
        <p className="sidebar-empty">
          <KeyRound size={14} aria-hidden="true" /> None yet
        </p>
      </section>
      <ul className="sidebar-nav">
        {NAV.map((item) => (
          <li key={item.view}>
            <button
              type="button"
              className="nav-item"
              aria-current={view === item.view ? 'page' : undefined}
              aria-keyshortcuts={item.shortcut}
              title={`${item.label} (${item.shortcut})`}
              onClick={() => viewChosen(item.view)}
            >
              {item.icon}
              <span>{item.label}</span>
              <kbd>{item.shortcut}</kbd>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  )
}
