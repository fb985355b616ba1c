import * as Dialog from '@radix-ui/react-dialog'
import { Clipboard, Eye, EyeOff, LogOut, RefreshCw, RotateCcw, Trash2, X } from 'lucide-react'
import { useEffect, useId, useState, useSyncExternalStore, type JSX, type ReactNode } from 'react'
import type { TokenInspection } from '../../../../shared/contract'
import type { AppErrorData } from '../../../../shared/errors'
import type { AuditEvent, RenewalPolicy, Token } from '../../../../shared/model'
import { Moment } from '../../components/Moment'
import { useClockText } from '../../lib/clock'
import {
  expirySourceText,
  formatAbsolute,
  formatRelative,
  policyText,
  renewalText,
  skewText,
  timeLeftText,
  timeLeftTone
} from '../../lib/format-time'
import { useAccountsStore } from '../../store/accounts-store'
import { useTokensStore } from '../../store/tokens-store'
import { copyToken, errorText, issueAgainOrRenew, refreshToken, run } from './actions'
import { ICON, ICON_SMALL } from './icons'
import { CopyAsMenu, confirmForget, confirmRevoke, revokeLabel } from './TokenMenus'
import { STATE_LABELS, StateDot } from './TokenRow'
import { useTokensUi } from './ui-store'

const TIME_CLAIMS = new Set(['iat', 'nbf', 'exp', 'auth_time', 'updated_at'])

function Relative({ at }: { at: number }): JSX.Element {
  const text = useClockText((now) => formatRelative(Math.floor(at / 1000) * 1000, Math.floor(now / 1000) * 1000))
  return <span className="muted-inline">({text})</span>
}

function Fact({ term, children }: { term: string; children: ReactNode }): JSX.Element {
  return (
    <div className="detail-fact">
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  )
}

function Countdown({ token }: { token: Token }): JSX.Element {
  const text = useClockText((now) => timeLeftText(token, now))
  const tone = useClockText((now) => timeLeftTone(token, now))
  return <span className={`detail-countdown time-${tone}`}>{text}</span>
}

/** The value, on explicit request only; audited by the engine; hidden again after hideAfterMs. */
function Reveal({ token }: { token: Token }): JSX.Element {
  const [shown, setShown] = useState<{ id: string; issuedAt: number; value: string; hidesAt: number } | null>(null)
  const [error, setError] = useState<AppErrorData | null>(null)
  const [busy, setBusy] = useState(false)
  const request = useTokensUi((s) => s.revealRequest)
  const clearRequest = useTokensUi((s) => s.revealRequested)
  const left = useClockText((now) => (shown ? Math.max(0, Math.floor((shown.hidesAt - now) / 1000)) : 0))
  // A renewal replaces the value: the one on screen would be stale, so it is not shown.
  const current = shown && shown.id === token.id && shown.issuedAt === token.issuedAt ? shown : null
  const dead = token.state === 'expired' || token.state === 'revoked'

  const reveal = async (): Promise<void> => {
    setBusy(true)
    setError(null)
    const result = await run('tokens.reveal', { id: token.id })
    setBusy(false)
    if (result.ok) {
      setShown({ id: token.id, issuedAt: token.issuedAt, value: result.value.value, hidesAt: Date.now() + result.value.hideAfterMs })
      useTokensUi.getState().audited()
    } else setError(result.error)
  }

  // A Reveal chosen in a row's menu: run it once this panel shows that token.
  useEffect(() => {
    if (request !== token.id) return
    clearRequest(null)
    const timer = setTimeout(() => void reveal(), 0)
    return () => clearTimeout(timer)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [request, token.id])

  // The value lives in this component's state only, and only until its time is up.
  useEffect(() => {
    if (!shown) return
    const timer = setTimeout(() => setShown(null), Math.max(0, shown.hidesAt - Date.now()))
    return () => clearTimeout(timer)
  }, [shown])

  return (
    <section className="detail-section" aria-label="Value">
      {current ? (
        <div className="reveal-box">
          <div className="reveal-head">
            <span className="reveal-title">Value</span>
            <span className="reveal-timer" role="timer" aria-live="off">
              hides in {left} s
            </span>
            <button type="button" className="button button-small" onClick={() => setShown(null)}>
              <EyeOff {...ICON_SMALL} aria-hidden="true" /> Hide
            </button>
          </div>
          <output className="reveal-value" aria-label="Token value">
            {current.value}
          </output>
        </div>
      ) : (
        <div className="reveal-hidden">
          <span className="muted-inline">The value stays hidden. Revealing it is noted in the audit timeline.</span>
          <button type="button" className="button button-small" onClick={() => void reveal()} disabled={busy || dead} aria-busy={busy}>
            <Eye {...ICON_SMALL} aria-hidden="true" /> Reveal
          </button>
        </div>
      )}
      {error && (
        <p className="form-error" role="alert">
          {errorText(error).message}
        </p>
      )}
    </section>
  )
}

function claimValue(name: string, value: unknown): ReactNode {
  if (TIME_CLAIMS.has(name) && typeof value === 'number') {
    const ms = value * 1000
    return (
      <>
        <span className="mono">{formatAbsolute(ms)}</span> <Relative at={ms} /> <span className="muted-inline mono">{value}</span>
      </>
    )
  }
  return <span className="mono">{typeof value === 'string' ? value : JSON.stringify(value)}</span>
}

function ClaimTable({ title, data }: { title: string; data: Record<string, unknown> }): JSX.Element {
  return (
    <div className="claims">
      <h4 className="claims-title">{title}</h4>
      <dl className="claims-list">
        {Object.entries(data).map(([name, value]) => (
          <div className="claim" key={name}>
            <dt className="mono">{name}</dt>
            <dd>{claimValue(name, value)}</dd>
          </div>
        ))}
      </dl>
    </div>
  )
}

/** tokens.inspect: decoded JWT header and claims, PocketPaw's own expiry, or "opaque". */
function Inspection({ token }: { token: Token }): JSX.Element {
  const [part, setPart] = useState<'token' | 'refresh'>('token')
  const [state, setState] = useState<{ key: string; result: TokenInspection | AppErrorData } | null>(null)
  const key = `${token.id}:${part}:${token.updatedAt}`
  useEffect(() => {
    let live = true
    void run('tokens.inspect', { id: token.id, part }).then((result) => {
      if (live) setState({ key, result: result.ok ? result.value : result.error })
    })
    return () => {
      live = false
    }
  }, [token.id, part, key])
  const result = state?.result
  return (
    <section className="detail-section" aria-labelledby="inspect-heading">
      <div className="detail-section-head">
        <h3 id="inspect-heading">Decoded</h3>
        {token.refresh && (
          <div className="segmented" role="group" aria-label="Which token">
            <button type="button" aria-pressed={part === 'token'} onClick={() => setPart('token')}>
              {token.kind}
            </button>
            <button type="button" aria-pressed={part === 'refresh'} onClick={() => setPart('refresh')}>
              refresh
            </button>
          </div>
        )}
      </div>
      {!result ? (
        <p className="muted-inline">Decoding…</p>
      ) : 'code' in result ? (
        <p className="form-error">{errorText(result).message}</p>
      ) : (
        <>
          {result.format === 'jwt' && (
            <>
              <p className="muted-inline">JWT · {result.length} characters · signature not verified</p>
              {result.jwtHeader && <ClaimTable title="Header" data={result.jwtHeader} />}
              {result.jwtClaims && <ClaimTable title="Claims" data={result.jwtClaims} />}
            </>
          )}
          {result.format === 'pocketpaw' && result.pocketpaw && (
            <dl className="detail-facts">
              <Fact term="Encoded expiry">
                <span className="mono">{formatAbsolute(result.pocketpaw.expiresAt)}</span> <Relative at={result.pocketpaw.expiresAt} />
              </Fact>
              <Fact term="Signature">{result.pocketpaw.signatureHexLength} hex characters (HMAC)</Fact>
              <Fact term="Length">{result.length} characters</Fact>
            </dl>
          )}
          {result.format === 'opaque' && <p className="muted-inline">Opaque token, {result.length} characters: nothing inside it to decode.</p>}
          {result.notes.length > 0 && (
            <ul className="detail-notes">
              {result.notes.map((note) => (
                <li key={note}>{note}</li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  )
}

const AUDIT_LABELS: Record<AuditEvent['kind'], string> = {
  issued: 'Issued',
  refreshed: 'Renewed',
  copied: 'Copied',
  revealed: 'Revealed',
  expiring: 'Expiring',
  expired: 'Expired',
  revoked: 'Revoked',
  failed: 'Failed',
  forgotten: 'Forgotten'
}

/**
 * The engine writes each entry as a sentence ("copied as a Bearer header", "value revealed"):
 * shown as it is, capitalised, with the kind's word only where the sentence lacks it.
 */
export function auditSentence(event: Pick<AuditEvent, 'kind' | 'detail'>): string {
  const detail = event.detail.trim()
  if (detail === '') return AUDIT_LABELS[event.kind]
  return detail.charAt(0).toUpperCase() + detail.slice(1)
}

/** tokens.audit, refreshed whenever the token changes. */
function Audit({ token }: { token: Token }): JSX.Element {
  const [events, setEvents] = useState<{ id: string; list: AuditEvent[] } | null>(null)
  const version = useTokensUi((s) => s.auditVersion)
  useEffect(() => {
    let live = true
    void run('tokens.audit', { id: token.id }).then((result) => {
      if (live && result.ok) setEvents({ id: token.id, list: result.value.events })
    })
    return () => {
      live = false
    }
  }, [token.id, token.updatedAt, version])
  const list = events?.id === token.id ? [...events.list].reverse() : null
  return (
    <section className="detail-section" aria-labelledby="audit-heading">
      <h3 id="audit-heading">Audit timeline</h3>
      {list === null ? (
        <p className="muted-inline">Loading…</p>
      ) : list.length === 0 ? (
        <p className="muted-inline">Nothing recorded yet.</p>
      ) : (
        <ol className="audit-list">
          {list.map((event, i) => (
            <li key={`${event.at}-${i}`} className={`audit-item audit-${event.kind}`}>
              <span className="audit-dot" aria-hidden="true" />
              <span className="audit-time mono" title={formatAbsolute(event.at)}>
                <Moment at={event.at} />
              </span>
              <span className="audit-text">
                {auditSentence(event)}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}

type Mode = RenewalPolicy['mode']

/** renewal.setPolicy for the token's app (or account): at a % of the lifetime, N s before expiry, or off. */
function RenewalEditor({ token }: { token: Token }): JSX.Element {
  const owner = useAccountsStore((s) => (token.appId === null ? s.accounts?.find((a) => a.id === token.accountId) : s.apps.find((a) => a.id === token.appId)))
  const policy = token.renewal.policy
  const [mode, setMode] = useState<Mode>(policy.mode)
  const [fractionText, setFraction] = useState(String(policy.mode === 'fraction' ? Math.round(policy.fraction * 100) : 80))
  const [secondsText, setSeconds] = useState(String(policy.mode === 'before' ? policy.seconds : 60))
  const fraction = Number(fractionText)
  const seconds = Number(secondsText)
  const [notify, setNotify] = useState(owner?.notify ?? true)
  const [status, setStatus] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null)
  const [busy, setBusy] = useState(false)
  const id = useId()
  const fractionProblem = mode === 'fraction' && (fractionText.trim() === '' || !Number.isFinite(fraction) || fraction < 10 || fraction > 95) ? 'Use 10 to 95 %.' : null
  const secondsProblem = mode === 'before' && (secondsText.trim() === '' || !Number.isInteger(seconds) || seconds < 1 || seconds > 604800) ? 'Use 1 to 604800 seconds (7 days).' : null
  const whose = token.appId === null ? 'this account' : owner ? `the app ${owner.name}` : 'this app'

  const save = async (): Promise<void> => {
    if (fractionProblem || secondsProblem) return
    const next: RenewalPolicy = mode === 'off' ? { mode } : mode === 'fraction' ? { mode, fraction: fraction / 100 } : { mode, seconds }
    setBusy(true)
    const result = await run('renewal.setPolicy', token.appId === null ? { accountId: token.accountId, policy: next, notify } : { accountId: token.accountId, appId: token.appId, policy: next, notify })
    setBusy(false)
    if (result.ok) {
      const n = result.value.tokensUpdated
      setStatus({ tone: 'ok', text: `Saved: ${policyText(result.value.policy).toLowerCase()}; ${n} ${n === 1 ? 'token' : 'tokens'} updated.` })
    } else setStatus({ tone: 'error', text: errorText(result.error).message })
  }

  return (
    <section className="detail-section" aria-labelledby={`${id}-renewal`}>
      <h3 id={`${id}-renewal`}>Renewal</h3>
      <p className="muted-inline">
        {token.renewal.method === 'none'
          ? 'This token cannot be renewed: issue a new one when it expires.'
          : `${token.renewal.method === 'refresh-token' ? 'Renewed with its refresh token' : 'Renewed by issuing again with the stored credentials'}. Applies to every token of ${whose}.`}
      </p>
      {token.renewal.method !== 'none' && (
        <form
          className="renewal-form"
          onSubmit={(event) => {
            event.preventDefault()
            void save()
          }}
        >
          <fieldset className="renewal-modes">
            <legend className="sr-only">When to renew</legend>
            <label className="renewal-mode">
              <input type="radio" name={`${id}-mode`} checked={mode === 'fraction'} onChange={() => setMode('fraction')} />
              <span>At</span>
              <input
                type="number"
                className="number-input"
                aria-label="Percent of the lifetime"
                min={10}
                max={95}
                value={fractionText}
                disabled={mode !== 'fraction'}
                aria-invalid={fractionProblem !== null}
                onChange={(e) => setFraction(e.currentTarget.value)}
              />
              <span>% of the lifetime</span>
            </label>
            <label className="renewal-mode">
              <input type="radio" name={`${id}-mode`} checked={mode === 'before'} onChange={() => setMode('before')} />
              <input
                type="number"
                className="number-input"
                aria-label="Seconds before expiry"
                min={1}
                max={604800}
                value={secondsText}
                disabled={mode !== 'before'}
                aria-invalid={secondsProblem !== null}
                onChange={(e) => setSeconds(e.currentTarget.value)}
              />
              <span>s before expiry</span>
            </label>
            <label className="renewal-mode">
              <input type="radio" name={`${id}-mode`} checked={mode === 'off'} onChange={() => setMode('off')} />
              <span>Off: let it expire</span>
            </label>
          </fieldset>
          {(fractionProblem || secondsProblem) && <p className="form-error">{fractionProblem ?? secondsProblem}</p>}
          <label className="renewal-mode">
            <input type="checkbox" checked={notify} onChange={(e) => setNotify(e.currentTarget.checked)} />
            <span>Notify me before it expires and when it expires</span>
          </label>
          <div className="renewal-actions">
            <button type="submit" className="button button-small" disabled={busy || fractionProblem !== null || secondsProblem !== null}>
              Save renewal
            </button>
            {status && (
              <span role="status" className={status.tone === 'ok' ? 'text-ok' : 'text-error'}>
                {status.text}
              </span>
            )}
          </div>
        </form>
      )}
    </section>
  )
}

function DetailBody({ token, Title, onClose }: { token: Token; Title: (props: { children: ReactNode; className: string }) => JSX.Element; onClose: () => void }): JSX.Element {
  const dead = token.state === 'expired' || token.state === 'revoked'
  const skew = skewText(token.skewMs)
  const flowLabel = useAccountsStore((s) => s.providers?.find((p) => p.id === token.providerId)?.flows.find((f) => f.id === token.flow)?.label ?? token.flow)
  return (
    <div className="detail">
      <header className="detail-header">
        <StateDot state={token.state} />
        <div className="detail-title-block">
          <Title className="detail-title">{token.label}</Title>
          <span className="detail-subtitle">
            {STATE_LABELS[token.state]} · {token.format === 'jwt' ? 'JWT' : token.format === 'pocketpaw' ? 'PocketPaw session' : 'opaque'}
            {token.demo ? ' · demo' : ''}
          </span>
        </div>
        <button type="button" className="icon-button" aria-label="Close details" onClick={onClose}>
          <X {...ICON} aria-hidden="true" />
        </button>
      </header>
      <div className="detail-scroll">
        <div className="detail-hero">
          <Countdown token={token} />
          <span className="muted-inline">{dead ? token.kind : renewalText(token)}</span>
        </div>
        <div className="detail-actions">
          {!dead && (
            <span className="split-button">
              <button type="button" className="button button-small button-primary split-main" onClick={() => void copyToken(token.id)}>
                <Clipboard {...ICON_SMALL} aria-hidden="true" /> Copy
              </button>
              <CopyAsMenu token={token} compact />
            </span>
          )}
          {(token.renewal.method !== 'none' || token.state === 'expired') && token.state !== 'revoked' && (
            <button type="button" className="button button-small" onClick={() => void (dead ? issueAgainOrRenew(token.id) : refreshToken(token.id))}>
              {dead ? <RotateCcw {...ICON_SMALL} aria-hidden="true" /> : <RefreshCw {...ICON_SMALL} aria-hidden="true" />}
              {dead ? 'Issue again' : 'Refresh'}
            </button>
          )}
          {token.revocable && !dead && (
            <button type="button" className="button button-small" onClick={() => confirmRevoke(token)}>
              <LogOut {...ICON_SMALL} aria-hidden="true" /> {revokeLabel(token)}
            </button>
          )}
          <button type="button" className="button button-small button-quiet-danger" onClick={() => confirmForget(token)}>
            <Trash2 {...ICON_SMALL} aria-hidden="true" /> {dead ? 'Dismiss' : 'Forget'}
          </button>
        </div>
        <Reveal key={token.id} token={token} />
        <section className="detail-section" aria-label="Facts">
          <dl className="detail-facts">
            <Fact term="Issued">
              <span className="mono">{formatAbsolute(token.issuedAt)}</span> <Relative at={token.issuedAt} />
            </Fact>
            <Fact term="Expires">
              {token.expiresAt === null ? (
                token.expirySource === 'none' ? 'never' : 'unknown'
              ) : (
                <>
                  <span className="mono">{formatAbsolute(token.expiresAt)}</span> <Relative at={token.expiresAt} />
                </>
              )}
            </Fact>
            <Fact term="Expiry source">{expirySourceText(token.expirySource)}</Fact>
            {token.notBefore !== null && (
              <Fact term="Not before">
                <span className="mono">{formatAbsolute(token.notBefore)}</span>
              </Fact>
            )}
            <Fact term="Server clock">{skew ? <span className="text-warn">{skew}</span> : `in step (${Math.round(token.skewMs / 1000)} s)`}</Fact>
            {token.refresh && (
              <Fact term="Refresh token">
                {token.refresh.expiresAt === null ? (
                  token.refresh.expirySource === 'none' ? 'never expires (offline)' : 'expiry unknown'
                ) : (
                  <>
                    <span className="mono">{formatAbsolute(token.refresh.expiresAt)}</span> <Relative at={token.refresh.expiresAt} />
                  </>
                )}
                {token.refresh.rotates ? ' · rotates on every use' : ''}
              </Fact>
            )}
            <Fact term="Renewal">
              {policyText(token.renewal.policy)}
              {token.renewal.nextAt !== null && (
                <>
                  {' · next '}
                  <span className="mono"><Moment at={token.renewal.nextAt} /></span> <Relative at={token.renewal.nextAt} />
                </>
              )}
            </Fact>
            {token.renewal.lastError && (
              <Fact term="Last failure">
                <span className="text-error">{errorText(token.renewal.lastError).message}</span>
              </Fact>
            )}
            <Fact term="Header">
              <span className="mono">
                {token.header.name}: {token.header.prefix}…
              </span>
            </Fact>
            <Fact term="Flow">{flowLabel}</Fact>
          </dl>
        </section>
        <Inspection token={token} />
        <RenewalEditor key={token.id} token={token} />
        <Audit token={token} />
      </div>
    </div>
  )
}

/** While mounted with `wide`, this view shows the detail as its panel (and the drawer stands down). */
export function usePanelHost(wide: boolean): void {
  const changed = useTokensUi((s) => s.panelHostChanged)
  useEffect(() => {
    changed(wide)
    return () => changed(false)
  }, [wide, changed])
  // Leaving the view closes the detail; resizing the window only moves it (panel ↔ drawer).
  useEffect(() => () => useTokensStore.getState().detailClosed(), [])
}

const WIDE_QUERY = '(min-width: 1100px)'

function subscribeWide(cb: () => void): () => void {
  if (typeof window.matchMedia !== 'function') return () => {}
  const query = window.matchMedia(WIDE_QUERY)
  query.addEventListener('change', cb)
  return () => query.removeEventListener('change', cb)
}

/** A right-hand panel from 1100 px, a drawer below. */
export function useWide(): boolean {
  return useSyncExternalStore(
    subscribeWide,
    () => typeof window.matchMedia === 'function' && window.matchMedia(WIDE_QUERY).matches,
    () => false
  )
}

const PanelTitle = ({ children, className }: { children: ReactNode; className: string }): JSX.Element => (
  <h2 className={className} id="token-detail-title">
    {children}
  </h2>
)
const DialogTitle = ({ children, className }: { children: ReactNode; className: string }): JSX.Element => <Dialog.Title className={className}>{children}</Dialog.Title>

/**
 * Closing the drawer puts focus back on the token list it was opened from, so its keys (arrows,
 * Enter, C, R) go on working. Radix would restore the element focused before it opened: the page
 * body after a click on a row, where those keys do nothing.
 */
function backToTheList(event: Event): void {
  const { selectedId } = useTokensStore.getState()
  const row = selectedId === null ? null : document.getElementById(`token-row-${selectedId}`)
  const grid = row?.closest<HTMLElement>('[role="grid"]') ?? document.querySelector<HTMLElement>('main [role="grid"]')
  if (!grid) return
  event.preventDefault()
  grid.focus()
}

/** The selected token's detail: a panel when `wide`, else a Radix Dialog drawer (TokenToaster hosts the one drawer). */
export function TokenDetail({ wide }: { wide: boolean }): JSX.Element | null {
  const open = useTokensStore((s) => s.detailOpen)
  const token = useTokensStore((s) => (s.selectedId === null ? undefined : s.byId[s.selectedId]))
  const close = useTokensStore((s) => s.detailClosed)
  if (wide) {
    if (!open || !token) return null
    return (
      <aside className="detail-panel" aria-labelledby="token-detail-title">
        <DetailBody token={token} Title={PanelTitle} onClose={close} />
      </aside>
    )
  }
  return (
    <Dialog.Root open={open && token !== undefined} onOpenChange={(next) => !next && close()}>
      <Dialog.Portal>
        <Dialog.Overlay className="td-overlay" />
        <Dialog.Content className="detail-drawer" aria-describedby={undefined} onCloseAutoFocus={backToTheList}>
          {token && <DetailBody token={token} Title={DialogTitle} onClose={close} />}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  )
}
