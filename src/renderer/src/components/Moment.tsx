import type { JSX } from 'react'
import { useClockText } from '../lib/clock'
import { formatMoment } from '../lib/format-time'

/** A moment as `19:04:05` today or `2026-12-18 19:04:05` another day; it turns into a date at midnight. */
export function Moment({ at }: { at: number }): JSX.Element {
  return <>{useClockText((now) => formatMoment(at, now))}</>
}
