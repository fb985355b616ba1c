import * as Dialog from '@radix-ui/react-dialog'
import { X } from 'lucide-react'
import { useState, type JSX, type ReactNode } from 'react'
import type { AppErrorData } from '../../../../shared/errors'
import { ErrorCallout } from './ErrorCallout'

/** The one dialog frame: Radix Dialog (focus trap, Esc, return focus), a title, a lead, a close button. */
export function DialogFrame({
  open,
  onOpenChange,
  title,
  lead,
  wide = false,
  children,
  role
}: {
  open: boolean
  onOpenChange(open: boolean): void
  title: ReactNode
  lead?: ReactNode
  wide?: boolean
  children: ReactNode
  role?: 'dialog' | 'alertdialog'
}): JSX.Element {
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className={wide ? 'dialog dialog-wide' : 'dialog'} {...(role ? { role } : {})}>
          <header className="dialog-header">
            <div>
              <Dialog.Title className="dialog-title">{title}</Dialog.Title>
              {lead ? <Dialog.Description className="dialog-lead">{lead}</Dialog.Description> : <Dialog.Description className="sr-only">{title}</Dialog.Description>}
            </div>
            <Dialog.Close className="icon-button" aria-label="Close">
              <X size={16} aria-hidden="true" />
            </Dialog.Close>
          </header>
          <div className="dialog-body">{children}</div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  )
}

/** "Remove Demo Respoke?": says what goes, asks once, shows the engine's error if it fails. */
export function ConfirmDialog({
  open,
  onOpenChange,
  title,
  body,
  confirmLabel,
  danger = true,
  onConfirm
}: {
  open: boolean
  onOpenChange(open: boolean): void
  title: string
  body: ReactNode
  confirmLabel: string
  danger?: boolean
  onConfirm(): Promise<AppErrorData | null>
}): JSX.Element {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<AppErrorData | null>(null)
  const confirm = async (): Promise<void> => {
    setBusy(true)
    setError(null)
    const problem = await onConfirm()
    setBusy(false)
    if (problem) setError(problem)
    else onOpenChange(false)
  }
  return (
    <DialogFrame
      open={open}
      onOpenChange={(next) => {
        if (!next) setError(null)
        onOpenChange(next)
      }}
      title={title}
      lead={body}
      role="alertdialog"
    >
      {error && <ErrorCallout error={error} />}
      <div className="form-actions">
        <span className="spacer" />
        <Dialog.Close className="button button-quiet">Cancel</Dialog.Close>
        <button type="button" className={danger ? 'button button-danger' : 'button button-primary'} onClick={() => void confirm()} disabled={busy} aria-busy={busy}>
          {busy ? 'Working…' : confirmLabel}
        </button>
      </div>
    </DialogFrame>
  )
}
