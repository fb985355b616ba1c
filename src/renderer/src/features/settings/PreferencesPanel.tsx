import { SlidersHorizontal } from 'lucide-react'
import { useId, useState, type JSX } from 'react'
import type { AppErrorData } from '../../../../shared/errors'
import type { Preferences } from '../../../../shared/model'
import { Callout } from '../../components/Callout'
import { formatSpan } from '../../lib/format-time'
import { useAccountsStore } from '../../store/accounts-store'
import { bridge } from '../../store/app-store'
import { ErrorCallout } from '../accounts/ErrorCallout'

const CLEAR_CHOICES = [0, 10, 20, 30, 45, 60, 120, 300]
const EXPIRING_CHOICES = [30, 60, 120, 300, 600, 900, 1800, 3600]

/** A choice list that keeps the stored value even when it is not one of the usual ones. */
function withCurrent(choices: readonly number[], current: number): number[] {
  return choices.includes(current) ? [...choices] : [...choices, current].sort((a, b) => a - b)
}

const seconds = (s: number): string => formatSpan(s * 1000)

/**
 * The engine's preferences (preferences.get / preferences.update): how long a copied token stays
 * on the clipboard, when a token counts as expiring soon, and whether TokenDesk notifies. Each
 * change is saved at once, as a desktop settings page does.
 */
export function PreferencesPanel(): JSX.Element {
  const preferences = useAccountsStore((s) => s.preferences)
  const preferencesChanged = useAccountsStore((s) => s.preferencesChanged)
  const [saved, setSaved] = useState<string | null>(null)
  const [error, setError] = useState<AppErrorData | null>(null)
  const clearId = useId()
  const expiringId = useId()

  const save = async (change: Partial<Preferences>, said: string): Promise<void> => {
    setSaved(null)
    setError(null)
    const result = await bridge().api.commands['preferences.update'](change)
    if (!result.ok) return setError(result.error)
    preferencesChanged(result.value)
    setSaved(said)
  }

  return (
    <section className="card" aria-labelledby="preferences-title">
      <header className="card-header">
        <h2 id="preferences-title">
          <SlidersHorizontal size={16} aria-hidden="true" /> Tokens and clipboard
        </h2>
      </header>
      {preferences === null ? (
        <p className="muted">Loading…</p>
      ) : (
        <div className="stack">
          <div className="preference">
            <label htmlFor={clearId}>Clear the clipboard after a copy</label>
            <select
              id={clearId}
              value={preferences.clipboardClearSeconds}
              onChange={(e) => {
                const value = Number(e.target.value)
                void save({ clipboardClearSeconds: value }, value === 0 ? 'Copied tokens now stay on the clipboard.' : `The clipboard is now cleared ${seconds(value)} after a copy.`)
              }}
            >
              {withCurrent(CLEAR_CHOICES, preferences.clipboardClearSeconds).map((s) => (
                <option key={s} value={s}>
                  {s === 0 ? 'never' : seconds(s)}
                </option>
              ))}
            </select>
            {bridge().host === 'browser' && <p className="muted small">A browser page cannot clear the clipboard: this applies to the desktop app.</p>}
          </div>
          <div className="preference">
            <label htmlFor={expiringId}>Show a token as expiring soon</label>
            <select
              id={expiringId}
              value={preferences.expiringSeconds}
              onChange={(e) => {
                const value = Number(e.target.value)
                void save({ expiringSeconds: value }, `Tokens now show as expiring soon ${seconds(value)} before they expire.`)
              }}
            >
              {withCurrent(EXPIRING_CHOICES, preferences.expiringSeconds).map((s) => (
                <option key={s} value={s}>
                  {`${seconds(s)} before expiry`}
                </option>
              ))}
            </select>
            <p className="muted small">For short-lived tokens, at most a fifth of their lifetime.</p>
          </div>
          <label className="preference preference-check">
            <input
              type="checkbox"
              checked={preferences.notifications}
              onChange={(e) => void save({ notifications: e.target.checked }, e.target.checked ? 'Notifications are on.' : 'Notifications are off.')}
            />
            <span>Notify when a token is about to expire, expires, or fails to renew</span>
          </label>
          {error && <ErrorCallout error={error} />}
          {saved && (
            <Callout tone="ok" role="status">
              {saved}
            </Callout>
          )}
        </div>
      )}
    </section>
  )
}
