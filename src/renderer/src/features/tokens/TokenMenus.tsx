import * as DropdownMenu from '@radix-ui/react-dropdown-menu'
import { ChevronDown, Clipboard, Eye, FileText, LogOut, MoreHorizontal, RefreshCw, Trash2 } from 'lucide-react'
import type { JSX, KeyboardEvent, ReactNode } from 'react'
import type { Token } from '../../../../shared/model'
import { envVarName } from '../../../../shared/env-var-name'
import { COPY_FORMATS } from '../../../../shared/names'
import { useTokensStore } from '../../store/tokens-store'
import { copyToken, forgetToken, issueAgainOrRenew, refreshToken, revokeToken } from './actions'
import { ICON } from './icons'
import { askConfirm, useTokensUi } from './ui-store'

/** "Log out" for sessions, "Revoke" for the rest (what the server calls it). */
export function revokeLabel(token: Pick<Token, 'kind'>): string {
  return /session|app-token|admin-token|tokenid/i.test(token.kind) ? 'Log out' : 'Revoke'
}

function copyHint(token: Token, format: (typeof COPY_FORMATS)[number]): string {
  const name = token.header.name
  switch (format) {
    case 'raw':
      return 'the value alone'
    case 'header':
      return `${name}: ${token.header.prefix}…`
    case 'curl':
      return `curl -H '${name}: …'`
    case 'export-bash':
      return `export ${envVarName(token.kind)}=…`
    case 'export-fish':
      return `set -gx ${envVarName(token.kind)} …`
    case 'export-powershell':
      return `$env:${envVarName(token.kind)} = …`
  }
}

const FORMAT_LABELS: Record<(typeof COPY_FORMATS)[number], string> = {
  raw: 'Raw value',
  header: 'Header',
  curl: 'curl command',
  'export-bash': 'export for bash / zsh',
  'export-fish': 'export for fish',
  'export-powershell': 'export for PowerShell'
}

/**
 * A row in a long list mounts its menus only once a pointer or focus comes near it (Arming, see
 * TokenRow): two Radix menu roots per row cost more than the rest of the row. Until then the
 * trigger is a plain button that looks and reads the same (the attributes Radix gives a closed
 * trigger); should a press reach it before the row is armed, the row arms and opens that menu.
 */
export type MenuName = 'copy-as' | 'more'

export interface Arming {
  armed: boolean
  /** The open menu of the row (controlled, so that a press on a plain trigger can open it). */
  open: MenuName | null
  /** Arm the row; with a menu name, also open that menu. */
  arm(open: MenuName | null): void
}

const MENU_KEYS = new Set(['Enter', ' ', 'ArrowDown'])

function LazyMenu({ name, arming, trigger, children }: { name: MenuName; arming: Arming | undefined; trigger: (props: Record<string, unknown>) => ReactNode; children: () => ReactNode }): JSX.Element {
  if (arming && !arming.armed) {
    // A native handler, kept when arming replaces this button: a press dispatched to it in the
    // meantime still opens the menu (its Radix twin, controlled by the row).
    const press = (event: globalThis.PointerEvent): void => {
      if (event.button !== 0 || event.ctrlKey) return
      event.preventDefault()
      arming.arm(name)
    }
    return (
      <>
        {trigger({
          'aria-haspopup': 'menu',
          'aria-expanded': false,
          'data-state': 'closed',
          ref: (el: HTMLElement | null) => {
            if (el) el.onpointerdown = press
          },
          onKeyDown: (event: KeyboardEvent) => {
            if (!MENU_KEYS.has(event.key)) return
            event.preventDefault()
            arming.arm(name)
          }
        })}
      </>
    )
  }
  const controlled = arming ? { open: arming.open === name, onOpenChange: (open: boolean) => arming.arm(open ? name : null) } : {}
  return (
    <DropdownMenu.Root {...controlled}>
      <DropdownMenu.Trigger asChild>{trigger({})}</DropdownMenu.Trigger>
      {children()}
    </DropdownMenu.Root>
  )
}

/** Copy as…: every format the engine knows, each with what it looks like (never the value). */
export function CopyAsMenu({ token, compact, arming }: { token: Token; compact?: boolean; arming?: Arming }): JSX.Element {
  return (
    <LazyMenu
      name="copy-as"
      arming={arming}
      trigger={(props) => (
        <button type="button" className={compact ? 'icon-button copy-as' : 'button copy-as-wide'} aria-label="Copy as…" title="Copy as…" {...props}>
          {compact ? <ChevronDown {...ICON} aria-hidden="true" /> : (
            <>
              Copy as… <ChevronDown {...ICON} aria-hidden="true" />
            </>
          )}
        </button>
      )}
    >
      {() => (
        <DropdownMenu.Portal>
          <DropdownMenu.Content className="td-menu" align="end" sideOffset={4} onClick={(e) => e.stopPropagation()}>
            <DropdownMenu.Label className="td-menu-label">Copy {token.kind} as</DropdownMenu.Label>
            {COPY_FORMATS.map((format) => (
              <DropdownMenu.Item key={format} className="td-menu-item" onSelect={() => void copyToken(token.id, format)}>
                <span>{FORMAT_LABELS[format]}</span>
                <span className="td-menu-hint">{copyHint(token, format)}</span>
              </DropdownMenu.Item>
            ))}
            {token.refresh && (
              <>
                <DropdownMenu.Separator className="td-menu-separator" />
                <DropdownMenu.Item className="td-menu-item" onSelect={() => void copyToken(token.id, 'raw', 'refresh')}>
                  <span>Refresh token</span>
                  <span className="td-menu-hint">the value alone</span>
                </DropdownMenu.Item>
              </>
            )}
          </DropdownMenu.Content>
        </DropdownMenu.Portal>
      )}
    </LazyMenu>
  )
}

export function confirmRevoke(token: Token): void {
  const verb = revokeLabel(token)
  askConfirm({
    title: `${verb} ${token.label}?`,
    body: `The server stops accepting this ${token.kind} at once. Anything using it will fail until you issue a new one.`,
    action: verb,
    destructive: true,
    onConfirm: () => revokeToken(token.id)
  })
}

export function confirmForget(token: Token): void {
  const dead = token.state === 'expired' || token.state === 'revoked'
  if (dead) {
    void forgetToken(token.id)
    return
  }
  askConfirm({
    title: `Forget ${token.label}?`,
    body: 'TokenDesk drops it from its list. The server is not told: the token keeps working until it expires.',
    action: 'Forget',
    destructive: true,
    onConfirm: () => forgetToken(token.id)
  })
}

/** ⋯: Refresh, Reveal, Details, Revoke/Log out (when revocable), Forget. */
export function MoreMenu({ token, arming }: { token: Token; arming?: Arming }): JSX.Element {
  // Read at the moment of choosing: a row subscribes to no store for actions it rarely takes.
  const select = (id: string, openDetail: boolean): void => useTokensStore.getState().selected(id, openDetail)
  const requestReveal = (id: string): void => useTokensUi.getState().revealRequested(id)
  const dead = token.state === 'expired' || token.state === 'revoked'
  return (
    <LazyMenu
      name="more"
      arming={arming}
      trigger={(props) => (
        <button type="button" className="icon-button" aria-label={`More actions for ${token.label}`} title="More actions" {...props}>
          <MoreHorizontal {...ICON} aria-hidden="true" />
        </button>
      )}
    >
      {() => (
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="td-menu" align="end" sideOffset={4} onClick={(e) => e.stopPropagation()}>
          <DropdownMenu.Item
            className="td-menu-item"
            disabled={token.state === 'revoked' || (token.renewal.method === 'none' && token.state !== 'expired')}
            onSelect={() => void (dead ? issueAgainOrRenew(token.id) : refreshToken(token.id))}
          >
            <RefreshCw {...ICON} aria-hidden="true" />
            <span>{dead ? 'Issue again' : 'Refresh now'}</span>
            <kbd className="td-menu-kbd">R</kbd>
          </DropdownMenu.Item>
          <DropdownMenu.Item
            className="td-menu-item"
            disabled={dead}
            onSelect={() => {
              requestReveal(token.id)
              select(token.id, true)
            }}
          >
            <Eye {...ICON} aria-hidden="true" />
            <span>Reveal</span>
          </DropdownMenu.Item>
          <DropdownMenu.Item className="td-menu-item" onSelect={() => select(token.id, true)}>
            <FileText {...ICON} aria-hidden="true" />
            <span>Details</span>
            <kbd className="td-menu-kbd">Enter</kbd>
          </DropdownMenu.Item>
          {!dead && (
            <DropdownMenu.Item className="td-menu-item" onSelect={() => void copyToken(token.id)}>
              <Clipboard {...ICON} aria-hidden="true" />
              <span>Copy</span>
              <kbd className="td-menu-kbd">C</kbd>
            </DropdownMenu.Item>
          )}
          <DropdownMenu.Separator className="td-menu-separator" />
          {token.revocable && !dead && (
            <DropdownMenu.Item className="td-menu-item td-menu-danger" onSelect={() => confirmRevoke(token)}>
              <LogOut {...ICON} aria-hidden="true" />
              <span>{revokeLabel(token)}…</span>
            </DropdownMenu.Item>
          )}
          <DropdownMenu.Item className="td-menu-item td-menu-danger" onSelect={() => confirmForget(token)}>
            <Trash2 {...ICON} aria-hidden="true" />
            <span>{dead ? 'Dismiss' : 'Forget…'}</span>
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
      )}
    </LazyMenu>
  )
}
