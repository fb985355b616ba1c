import { CircleAlert } from 'lucide-react'
import type { JSX, ReactNode } from 'react'
import type { AppErrorData } from '../../../../shared/errors'
import { fixFor } from './hints'

/**
 * The one look of an error: the engine's sentence, then what to do ("Fix: …"). Tinted like the
 * other callouts, in the error colour, so an error never looks like a hint.
 */
export function ErrorCallout({
  error,
  children,
  testId,
  where = 'page'
}: {
  error: AppErrorData
  children?: ReactNode
  testId?: string
  /** In a form, the fix points at its fields (hints.ts). */
  where?: 'form' | 'page'
}): JSX.Element {
  const fix = fixFor(error, where)
  return (
    <div className="callout callout-error" role="alert" data-testid={testId}>
      <CircleAlert size={16} aria-hidden="true" />
      <div>
        <p className="callout-text">{error.message}</p>
        {fix && (
          <p className="callout-fix">
            <strong>Fix: </strong>
            {fix}
          </p>
        )}
        {children}
      </div>
    </div>
  )
}
