import { KeyRound, LoaderCircle } from 'lucide-react'
import { useEffect, useId, useRef, useState, type JSX } from 'react'
import { toast } from 'sonner'
import type { AppErrorData } from '../../../../shared/errors'
import type { Token } from '../../../../shared/model'
import { bridge, useAppStore } from '../../store/app-store'
import { ErrorCallout } from './ErrorCallout'
import { fixFor } from './hints'

/** After this long, the button's status line says what it is waiting for. */
export const WAIT_NOTICE_MS = 1000

/**
 * Moves focus to the new token once the list has rendered it: the token grid keeps focus itself
 * and points at the selected row (aria-activedescendant), so focusing the grid lands on the row.
 */
function focusToken(id: string, tries = 20): void {
  const row = document.getElementById(`token-row-${id}`)
  const grid = row?.closest<HTMLElement>('[role="grid"]')
  if (row && grid) {
    grid.focus({ preventScroll: true })
    row.scrollIntoView?.({ block: 'nearest' })
  } else if (tries > 0) setTimeout(() => focusToken(id, tries - 1), 50)
}

export interface IssueTarget {
  accountId: string
  appId?: string
  flow?: string
}

/** Runs tokens.issue; returns the token or the error. Shared by the button, the palette and `i`. */
export async function issueToken(target: IssueTarget): Promise<{ ok: true; token: Token } | { ok: false; error: AppErrorData }> {
  const result = await bridge().api.commands['tokens.issue']({
    accountId: target.accountId,
    ...(target.appId ? { appId: target.appId } : {}),
    ...(target.flow ? { flow: target.flow } : {})
  })
  if (!result.ok) {
    const fix = fixFor(result.error)
    toast.error(result.error.message, fix ? { description: fix } : undefined)
    return { ok: false, error: result.error }
  }
  useAppStore.getState().tokenSelected(result.value.id)
  toast.success(`Issued ${result.value.label}`)
  focusToken(result.value.id)
  return { ok: true, token: result.value }
}

/**
 * "Issue token": a spinner in place of the icon at the same width; after a second the line under
 * it says what it waits for ("Waiting for 127.0.0.1:4100…"); a failure shows the engine's
 * sentence and what to do, right here (and in a toast).
 */
export function IssueButton({
  target,
  flowLabel,
  host,
  primary = true,
  describedBy,
  onIssued,
  registerTrigger,
  onError
}: {
  target: IssueTarget
  /** Shown after the words: "Issue token · Admin-Token". The accessible name stays "Issue token". */
  flowLabel?: string
  /** "127.0.0.1:4100": what a slow request is waiting for. */
  host: string | null
  primary?: boolean
  /** The id of the element naming the context (an app's name), for assistive tech and tests. */
  describedBy?: string
  onIssued?(token: Token): void
  /** Lets the page's `i` shortcut press this button. */
  registerTrigger?(trigger: (() => void) | null): void
  /** The page shows the error where it has room (under the header, across an app card). */
  onError?(error: AppErrorData | null): void
}): JSX.Element {
  const statusId = useId()
  const button = useRef<HTMLButtonElement>(null)
  const [busy, setBusy] = useState(false)
  const [slow, setSlow] = useState(false)
  const [width, setWidth] = useState<number | undefined>(undefined)
  const [error, setError] = useState<AppErrorData | null>(null)

  useEffect(() => {
    if (!busy) return
    const timer = setTimeout(() => setSlow(true), WAIT_NOTICE_MS)
    return () => clearTimeout(timer)
  }, [busy])

  const run = async (): Promise<void> => {
    if (busy) return
    setWidth(button.current?.offsetWidth || undefined)
    setBusy(true)
    setSlow(false)
    setError(null)
    onError?.(null)
    const result = await issueToken(target)
    setBusy(false)
    setSlow(false)
    setWidth(undefined)
    if (result.ok) onIssued?.(result.token)
    else if (onError) onError(result.error)
    else setError(result.error)
  }

  useEffect(() => {
    if (!registerTrigger) return
    registerTrigger(() => button.current?.click())
    return () => registerTrigger(null)
  }, [registerTrigger])

  return (
    <div className="issue">
      <button
        ref={button}
        type="button"
        className={primary ? 'button button-primary issue-button' : 'button issue-button'}
        aria-label="Issue token"
        aria-describedby={[describedBy, busy || error ? statusId : undefined].filter(Boolean).join(' ') || undefined}
        aria-busy={busy}
        aria-disabled={busy || undefined}
        style={width ? { width } : undefined}
        onClick={() => void run()}
      >
        {busy ? <LoaderCircle size={16} aria-hidden="true" className="spin" /> : <KeyRound size={16} aria-hidden="true" />}
        <span>Issue token</span>
        {flowLabel && <span className="issue-flow"> · {flowLabel}</span>}
      </button>
      <div id={statusId} className="issue-status" aria-live="polite">
        {busy && slow && <span className="muted small">{host ? `Waiting for ${host}…` : 'Waiting for the server…'}</span>}
      </div>
      {error && (
        <div className="issue-error">
          <ErrorCallout error={error} />
        </div>
      )}
    </div>
  )
}
