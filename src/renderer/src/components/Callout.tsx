import { AlertTriangle, Check, Info } from 'lucide-react'
import type { JSX, ReactNode } from 'react'

const ICONS = { info: Info, ok: Check, warn: AlertTriangle } as const

/** A tinted message with its icon, an optional "Fix:" line and an optional action button. */
export function Callout({
  tone,
  fix,
  role,
  testId,
  action,
  children
}: {
  tone: keyof typeof ICONS
  fix?: string | undefined
  role?: 'alert' | 'status'
  testId?: string
  action?: ReactNode
  children: ReactNode
}): JSX.Element {
  const Icon = ICONS[tone]
  return (
    <p className={`callout callout-${tone}`} role={role} data-testid={testId}>
      <Icon size={16} aria-hidden="true" />
      <span>
        {children}
        {fix && (
          <>
            <br />
            <strong>Fix: </strong>
            {fix}
          </>
        )}
      </span>
      {action}
    </p>
  )
}
