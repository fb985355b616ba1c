import type { JSX, ReactNode } from 'react'

export type Tone = 'ok' | 'warn' | 'error' | 'neutral'

export function StatusPill({ tone, children }: { tone: Tone; children: ReactNode }): JSX.Element {
  return (
    <span className={`pill pill-${tone}`}>
      <span className="pill-dot" aria-hidden="true" />
      {children}
    </span>
  )
}
