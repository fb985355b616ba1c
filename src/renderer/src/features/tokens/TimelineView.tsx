import type { JSX } from 'react'

export function TimelineView(): JSX.Element {
  return <section className="page" aria-label="Tokens" />
}
