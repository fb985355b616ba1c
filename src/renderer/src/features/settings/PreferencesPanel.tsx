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

/** One labelled choice of a number of seconds, with a note under it. */
function SecondsChoice(props: {
  label: string
  value: number
  choices: readonly number[]
  optionText(seconds: number): string
  note?: string | undefined
  onChoose(seconds: number): void
}): JSX.Element {
  const id = useId()
  return (
    <div className="preference">
      <label htmlFor={id}>{props.label}</label>
      <select id={id} value={props.value} onChange={(e) => props.onChoose(Number(e.target.value))}>
        {withCurrent(props.choices, props.value).map((s) => (
          <option key={s} value={s}>
            {props.optionText(s)}
          </option>
        ))}
      </select>
      {props.note && <p className="muted small">{props.note}</p>}
    </div>
  )
}

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
          <SecondsChoice
            label="Clear the clipboard after a copy"
            value={preferences.clipboardClearSeconds}
            choices={CLEAR_CHOICES}
            optionText={(s) => (s === 0 ? 'never' : seconds(s))}
            note={bridge().host === 'browser' ? 'A browser page cannot clear the clipboard: this applies to the desktop app.' : undefined}
            onChoose={(value) =>
              void save({ clipboardClearSeconds: value }, value === 0 ? 'Copied tokens now stay on the clipboard.' : `The clipboard is now cleared ${seconds(value)} after a copy.`)
            }
          />
          <SecondsChoice
            label="Show a token as expiring soon"
            value={preferences.expiringSeconds}
            choices={EXPIRING_CHOICES}
            optionText={(s) => `${seconds(s)} before expiry`}
            note="For short-lived tokens, at most a fifth of their lifetime."
            onChoose={(value) => void save({ expiringSeconds: value }, `Tokens now show as expiring soon ${seconds(value)} before they expire.`)}
          />
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
