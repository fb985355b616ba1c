import * as Dialog from '@radix-ui/react-dialog'
import { Command, defaultFilter } from 'cmdk'
import { Activity, ChartGantt, Clock, Copy, Eye, Keyboard, KeyRound, Plus, RefreshCw, Search, Settings, User } from 'lucide-react'
import { useState, type JSX } from 'react'
import { providerOf, useAccountsStore } from '../../store/accounts-store'
import { useAppStore, type View } from '../../store/app-store'
import { primaryFlow } from '../accounts/AccountPage'
import { issueToken } from '../accounts/IssueButton'
import { copyToken, refreshToken, selectToken } from '../tokens'
import { Moment } from '../../components/Moment'
import { selectSorted, useTokensStore } from '../../store/tokens-store'
import { useShallow } from 'zustand/react/shallow'

const GO: Array<{ view: View; label: string; icon: JSX.Element; hint?: string }> = [
  { view: 'all-tokens', label: 'All tokens', icon: <Clock size={16} aria-hidden="true" />, hint: 'Alt+1' },
  { view: 'timeline', label: 'Timeline', icon: <ChartGantt size={16} aria-hidden="true" /> },
  { view: 'diagnostics', label: 'Diagnostics', icon: <Activity size={16} aria-hidden="true" />, hint: 'Alt+2' },
  { view: 'settings', label: 'Settings', icon: <Settings size={16} aria-hidden="true" />, hint: 'Alt+3' }
]

/**
 * cmdk's fuzzy score, except that typing (part of) an account's name puts "go to" that account
 * first: "play oxygen" + Enter opens the account instead of copying the first token of it.
 */
export function paletteFilter(value: string, search: string, keywords?: string[]): number {
  const score = defaultFilter(value, search, keywords)
  const typed = search.trim().toLowerCase()
  if (score > 0 && value.startsWith('go to account ') && typed.length >= 2 && value.toLowerCase().includes(typed)) return 1
  return score
}

/**
 * Ctrl/Cmd+K: finds any account, app or token by name and runs what you would do with it —
 * copy, issue, refresh, go to. Token metadata is fetched when it opens (never a value).
 */
export function CommandPalette(): JSX.Element {
  const open = useAppStore((s) => s.overlay === 'palette')
  const overlayOpened = useAppStore((s) => s.overlayOpened)
  return (
    <Dialog.Root open={open} onOpenChange={(o) => overlayOpened(o ? 'palette' : null)}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay palette-overlay" />
        <Dialog.Content className="palette" aria-describedby={undefined}>
          <Dialog.Title className="sr-only">Command palette</Dialog.Title>
          <PaletteBody />
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  )
}

/** Mounted only while the palette is open: the search starts empty every time. */
function PaletteBody(): JSX.Element {
  const overlayOpened = useAppStore((s) => s.overlayOpened)
  const accounts = useAccountsStore((s) => s.accounts) ?? []
  const apps = useAccountsStore((s) => s.apps)
  const providers = useAccountsStore((s) => s.providers)
  const tokens = useTokensStore(useShallow((s) => selectSorted(s).filter((t) => t.state !== 'revoked')))
  const [search, setSearch] = useState('')

  // cmdk orders items by score inside a group but leaves the groups in page order.
  const typed = search.trim().toLowerCase()
  const namesAnAccount = typed.length >= 2 && accounts.some((account) => account.name.toLowerCase().includes(typed))
  const close = (): void => overlayOpened(null)
  const run = (action: () => unknown) => () => {
    close()
    void action()
  }
  const store = useAppStore.getState

  // With nothing typed, places and commands come first; once you type, what you look for does:
  // the account when the text is part of its name, else the tokens.
  const found = (
    <>
      {tokens.length > 0 && (
        <Command.Group heading="Tokens">
          {tokens.map((t) => (
            <Command.Item key={`copy-${t.id}`} value={`copy ${t.label} ${t.id}`} keywords={[t.kind, 'copy', 'token']} onSelect={run(() => copyToken(t.id))}>
              <Copy size={16} aria-hidden="true" />
              <span className="palette-item-text">
                Copy <strong>{t.label}</strong>
              </span>
              <span className="palette-hint mono">issued <Moment at={t.issuedAt} /></span>
              <span className={`palette-state palette-state-${t.state}`}>{t.state.replace('-', ' ')}</span>
            </Command.Item>
          ))}
          {tokens.map((t) => (
            <Command.Item
              key={`show-${t.id}`}
              value={`details ${t.label} ${t.id}`}
              keywords={['details', 'show', 'open', 'token']}
              onSelect={run(() => {
                store().viewChosen('all-tokens')
                selectToken(t.id)
              })}
            >
              <Eye size={16} aria-hidden="true" />
              <span className="palette-item-text">
                Details of <strong>{t.label}</strong>
              </span>
            </Command.Item>
          ))}
          {tokens.map((t) => (
            <Command.Item key={`refresh-${t.id}`} value={`refresh ${t.label} ${t.id}`} keywords={['refresh', 'renew', 'token']} onSelect={run(() => refreshToken(t.id))}>
              <RefreshCw size={16} aria-hidden="true" />
              <span className="palette-item-text">
                Refresh <strong>{t.label}</strong>
              </span>
            </Command.Item>
          ))}
        </Command.Group>
      )}
      {accounts.length > 0 && (
        <Command.Group heading="Issue">
          {accounts.flatMap((account) => {
            const provider = providerOf(providers, account.providerId)
            const items: JSX.Element[] = []
            if (primaryFlow(provider, 'account')) {
              items.push(
                <Command.Item
                  key={`issue-${account.id}`}
                  value={`issue token for ${account.name} ${account.id}`}
                  keywords={['issue', 'new', 'token', provider?.label ?? '']}
                  onSelect={run(async () => {
                    store().accountChosen(account.id)
                    await issueToken({ accountId: account.id })
                  })}
                >
                  <KeyRound size={16} aria-hidden="true" />
                  <span className="palette-item-text">
                    Issue token for <strong>{account.name}</strong>
                  </span>
                </Command.Item>
                  )
            }
            if (primaryFlow(provider, 'app')) {
              for (const app of apps.filter((a) => a.accountId === account.id)) {
                items.push(
                  <Command.Item
                    key={`issue-${app.id}`}
                    value={`issue token for ${account.name} ${app.name} ${app.id}`}
                    keywords={['issue', 'new', 'token', 'app']}
                    onSelect={run(async () => {
                      store().accountChosen(account.id)
                      await issueToken({ accountId: account.id, appId: app.id })
                    })}
                  >
                    <KeyRound size={16} aria-hidden="true" />
                    <span className="palette-item-text">
                      Issue token for <strong>{account.name}</strong> · {app.name}
                    </span>
                  </Command.Item>
                    )
              }
            }
            return items
          })}
        </Command.Group>
      )}
    </>
  )
  const navigation = (
    <>
      <Command.Group heading="Go to">
        {accounts.map((account) => (
          <Command.Item key={`go-${account.id}`} value={`go to account ${account.name} ${account.id}`} keywords={['account', providerOf(providers, account.providerId)?.label ?? '']} onSelect={run(() => store().accountChosen(account.id))}>
            <User size={16} aria-hidden="true" />
            <span className="palette-item-text">
              <strong>{account.name}</strong>
            </span>
            <span className="palette-hint">{providerOf(providers, account.providerId)?.label}</span>
          </Command.Item>
        ))}
        {GO.map((g) => (
          <Command.Item key={g.view} value={`go to ${g.label}`} onSelect={run(() => store().viewChosen(g.view))}>
            {g.icon}
            <span className="palette-item-text">{g.label}</span>
            {g.hint && <kbd className="palette-hint">{g.hint}</kbd>}
          </Command.Item>
        ))}
      </Command.Group>
      <Command.Group heading="Commands">
        <Command.Item value="add account" keywords={['new', 'create', 'provider']} onSelect={() => overlayOpened('add-account')}>
          <Plus size={16} aria-hidden="true" />
          <span className="palette-item-text">Add account…</span>
        </Command.Item>
        <Command.Item value="keyboard shortcuts" keywords={['help', 'keys', '?']} onSelect={() => overlayOpened('shortcuts')}>
          <Keyboard size={16} aria-hidden="true" />
          <span className="palette-item-text">Keyboard shortcuts</span>
          <kbd className="palette-hint">?</kbd>
        </Command.Item>
      </Command.Group>
    </>
  )

  return (
    <Command label="Search or run a command" loop filter={paletteFilter}>
      <div className="palette-input">
        <Search size={16} aria-hidden="true" />
        <Command.Input value={search} onValueChange={setSearch} placeholder="Search accounts, apps and tokens, or run a command…" />
        <kbd>Esc</kbd>
      </div>
      <Command.List className="palette-list">
        <Command.Empty className="palette-empty">Nothing matches “{search}”.</Command.Empty>
        {search.trim() === '' || namesAnAccount ? (
          <>
            {navigation}
            {found}
          </>
        ) : (
          <>
            {found}
            {navigation}
          </>
        )}
      </Command.List>
    </Command>
  )
}
