import type { JSX, ReactNode } from 'react'

/** One label/value row of a definition list; paths and ids use the monospace style. */
export function Field({ label, children, mono = false, testId }: { label: string; children: ReactNode; mono?: boolean; testId?: string }): JSX.Element {
  return (
    <div className="field">
      <dt>{label}</dt>
      <dd className={mono ? 'mono' : undefined} data-testid={testId}>
        {children}
      </dd>
    </div>
  )
}
