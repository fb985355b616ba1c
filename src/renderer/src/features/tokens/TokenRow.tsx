import * as Tooltip from '@radix-ui/react-tooltip'
import { AlertTriangle, Clipboard, RotateCcw, X } from 'lucide-react'
import { memo, useCallback, useMemo, useState, type FocusEvent, type JSX, type MouseEvent } from 'react'
import { flushSync } from 'react-dom'
import type { Token, TokenState } from '../../../../shared/model'
import { useClockText } from '../../lib/clock'
import {
  expirySourceText,
  formatAbsolute,
  formatLeft,
  fractionLeft,
  renewalLeftMs,
  renewalText,
  skewText,
  timeLeftText,
  timeLeftTone
} from '../../lib/format-time'
import { copyToken, forgetToken, issueAgainOrRenew, refreshToken } from './actions'
import { ICON, ICON_SMALL } from './icons'
import { CopyAsMenu, MoreMenu, type Arming, type MenuName } from './TokenMenus'

export const ROW_HEIGHT = 64

export const STATE_LABELS: Record<TokenState, string> = {
  live: 'Live',
  expiring: 'Expiring soon',
  expired: 'Expired',
  revoked: 'Revoked',
  'refresh-failed': 'Renewal failed'
}

export function StateDot({ state }: { state: TokenState }): JSX.Element {
  return <span className={`state-dot state-${state}`} role="img" aria-label={STATE_LABELS[state]} title={STATE_LABELS[state]} />
}

/** The ticking text alone: a tick re-renders this leaf, not the tooltip around it (npm run bench). */
function LeftText({ token }: { token: Token }): JSX.Element {
  return <>{useClockText((now) => timeLeftText(token, now))}</>
}

/** The countdown; re-renders only when its tone changes. Hover tells where the expiry came from. */
function TimeLeft({ token, armed }: { token: Token; armed: boolean }): JSX.Element {
  // One clock hook per row for tone and (only when the expiry is unknown) the age in whole minutes.
  const toneAge = useClockText((now) => (token.expirySource === 'unknown' ? `${timeLeftTone(token, now)}|${Math.floor((now - token.issuedAt) / 60000) * 60000}` : timeLeftTone(token, now)))
  const [tone, age] = toneAge.split('|') as [string, string | undefined]
  const source = expirySourceText(token.expirySource, age === undefined ? undefined : Number(age))
  // Until the row is armed (pointer or focus near it) no tooltip root: the same span, closed.
  if (!armed) {
    return (
      <span className={`time-left time-${tone}`} tabIndex={-1} data-state="closed">
        <LeftText token={token} />
      </span>
    )
  }
  return (
    <Tooltip.Root>
      <Tooltip.Trigger asChild>
        <span className={`time-left time-${tone}`} tabIndex={-1}>
          <LeftText token={token} />
        </span>
      </Tooltip.Trigger>
      <Tooltip.Portal>
        <Tooltip.Content className="td-tooltip" side="top" sideOffset={6}>
          {token.expiresAt !== null ? (
            <>
              Expires {formatAbsolute(token.expiresAt)} · {source}
            </>
          ) : (
            <>Expiry {source}</>
          )}
          {token.renewal.nextAt !== null && token.state !== 'expired' && token.state !== 'revoked' && (
            <>
              <br />
              Next renewal {formatAbsolute(token.renewal.nextAt).slice(11)}
            </>
          )}
          <Tooltip.Arrow className="td-tooltip-arrow" />
        </Tooltip.Content>
      </Tooltip.Portal>
    </Tooltip.Root>
  )
}

/** Fraction of the lifetime left; a tick where renewal will happen. */
function LifetimeBar({ token }: { token: Token }): JSX.Element {
  const percent = useClockText((now) => {
    const f = fractionLeft(token, now)
    return f === null ? -1 : Math.round(f * 200) / 2
  })
  const renewAt = renewalLeftMs(token.renewal.policy, token)
  const lifetime = token.expiresAt === null ? null : token.expiresAt - token.issuedAt
  const tick = renewAt !== null && lifetime && token.renewal.method !== 'none' ? (renewAt / lifetime) * 100 : null
  if (percent < 0) return <span className="lifetime lifetime-unknown" aria-hidden="true" />
  return (
    <span className={`lifetime lifetime-${token.state}`} role="meter" aria-label="Lifetime left" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-valuetext={`${Math.round(percent)} % of the lifetime left`}>
      <span className="lifetime-fill" style={{ width: `${percent}%` }} />
      {tick !== null && token.state !== 'expired' && token.state !== 'revoked' && <span className="lifetime-tick" style={{ left: `${tick}%` }} />}
    </span>
  )
}

function RefreshCountdown({ refresh }: { refresh: NonNullable<Token['refresh']> }): JSX.Element {
  const text = useClockText((now) => {
    if (refresh.expirySource === 'none') return 'refresh token never expires'
    if (refresh.expiresAt === null) return 'refresh token expiry unknown'
    const left = refresh.expiresAt - now
    return left > 0 ? `refresh ${formatLeft(left)}` : 'refresh token expired'
  })
  return <span className={text === 'refresh token expired' ? 'text-error' : undefined}>{text}</span>
}

/** The second line: refresh countdown, renewal policy, skew, a failure's sentence. */
function Facts({ token }: { token: Token }): JSX.Element {
  const skew = skewText(token.skewMs)
  const failed = token.state === 'refresh-failed' && token.renewal.lastError
  return (
    <span className="token-facts">
      {failed && (
        <span className="text-error">
          renewal failed: {token.renewal.lastError?.message}
          {token.renewal.failures > 1 ? ` (${token.renewal.failures} tries)` : ''}
        </span>
      )}
      {token.refresh && token.state !== 'revoked' && <RefreshCountdown refresh={token.refresh} />}
      {token.state !== 'expired' && token.state !== 'revoked' && <span>{renewalText(token)}</span>}
      {token.state === 'expired' && <span>{token.expiresAt === null ? 'expired' : `expired at ${whenText(token.expiresAt)}`}</span>}
      {token.state === 'revoked' && <span>revoked at {whenText(token.updatedAt)}</span>}
      {skew && (
        <span className="text-warn" title="Expiry times are corrected for it; check this machine's clock if it keeps growing.">
          <AlertTriangle {...ICON_SMALL} aria-hidden="true" /> {skew}
        </span>
      )}
    </span>
  )
}

const stop = (event: MouseEvent): void => event.stopPropagation()

/** The expiry for the wide layout's own column: the time today, else the date too. */
function whenText(at: number): string {
  const full = formatAbsolute(at)
  return full.slice(0, 10) === formatAbsolute(Date.now()).slice(0, 10) ? full.slice(11) : full.slice(0, 16)
}

/**
 * A row's tooltip and menus (three Radix roots) mount once a pointer enters the row or focus
 * comes into it: a list shows dozens of rows and mounts new ones on every scroll step, and those
 * roots cost more than the rest of the row. Arming swaps the plain triggers for Radix ones in the
 * same event (flushSync), and gives focus back to the control that had it.
 */
function useArming(): Arming & { onPointerEnter(): void; onFocus(event: FocusEvent): void } {
  const [armed, setArmed] = useState(false)
  const [open, setOpen] = useState<MenuName | null>(null)
  const arm = useCallback((menu: MenuName | null) => {
    flushSync(() => {
      setOpen(menu)
      setArmed(true)
    })
  }, [])
  return useMemo(
    () => ({
      armed,
      open,
      arm: armed ? setOpen : arm,
      onPointerEnter: () => {
        if (!armed) arm(null)
      },
      onFocus: (event: FocusEvent) => {
        if (armed) return
        // The control that had focus is replaced by its Radix twin: give focus back to the twin.
        const label = (event.target as HTMLElement).getAttribute('aria-label')
        const row = event.currentTarget as HTMLElement
        arm(null)
        if (label === null) return
        const again = [...row.querySelectorAll<HTMLElement>('[aria-label]')].find((el) => el.getAttribute('aria-label') === label)
        if (again && document.activeElement !== again) again.focus()
      }
    }),
    [armed, open, arm]
  )
}

export interface TokenRowProps {
  token: Token
  selected: boolean
  index?: number
  onSelect: (id: string, openDetail: boolean) => void
}

/** The unit of the whole app: one token, its countdown and its actions. Never its value. */
export const TokenRow = memo(function TokenRow({ token, selected, index, onSelect }: TokenRowProps): JSX.Element {
  const dead = token.state === 'expired' || token.state === 'revoked'
  const arming = useArming()
  return (
    <div
      onPointerEnter={arming.onPointerEnter}
      onFocus={arming.onFocus}
      role="row"
      id={`token-row-${token.id}`}
      aria-rowindex={index === undefined ? undefined : index + 1}
      aria-selected={selected}
      aria-label={token.label}
      className={`token-row token-row-${token.state}${selected ? ' is-selected' : ''}`}
      onClick={() => onSelect(token.id, true)}
    >
      <span role="gridcell" className="token-dot-cell">
        <StateDot state={token.state} />
      </span>
      <span role="gridcell" className="token-name-cell">
        <span className="token-label">{token.label}</span>
        <Facts token={token} />
      </span>
      <span role="gridcell" className="token-when-cell">
        <span className="mono">{token.expiresAt === null ? '—' : whenText(token.expiresAt)}</span>
        <span className="token-when-source">{expirySourceText(token.expirySource)}</span>
      </span>
      <span role="gridcell" className="token-time-cell">
        <TimeLeft token={token} armed={arming.armed} />
        <LifetimeBar token={token} />
      </span>
      <span role="gridcell" className="token-actions" onClick={stop}>
        {token.state === 'refresh-failed' && (
          <button type="button" className="button button-small" onClick={() => void refreshToken(token.id)}>
            <RotateCcw {...ICON_SMALL} aria-hidden="true" /> Retry
          </button>
        )}
        {dead ? (
          <>
            {token.state === 'expired' && (
              <button type="button" className="button button-small" onClick={() => void issueAgainOrRenew(token.id)}>
                <RotateCcw {...ICON_SMALL} aria-hidden="true" /> Issue again
              </button>
            )}
            <button type="button" className="icon-button" aria-label={`Dismiss ${token.label}`} title="Dismiss" onClick={() => void forgetToken(token.id)}>
              <X {...ICON} aria-hidden="true" />
            </button>
          </>
        ) : (
          <span className="split-button">
            <button type="button" className="button button-small button-primary split-main" aria-label="Copy" title="Copy (C)" onClick={() => void copyToken(token.id)}>
              <Clipboard {...ICON_SMALL} aria-hidden="true" />
              <span className="split-main-text">Copy</span>
            </button>
            <CopyAsMenu token={token} compact arming={arming} />
          </span>
        )}
        <MoreMenu token={token} arming={arming} />
      </span>
    </div>
  )
})
