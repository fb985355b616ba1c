import * as Dialog from '@radix-ui/react-dialog'
import { useState, type JSX } from 'react'
import { useTokensUi } from './ui-store'

/** The one confirmation dialog of the tokens feature (Revoke, Forget), rendered by TokenToaster. */
export function ConfirmDialog(): JSX.Element {
  const request = useTokensUi((s) => s.confirm)
  const close = useTokensUi((s) => s.confirmClosed)
  const [busy, setBusy] = useState(false)
  return (
    <Dialog.Root open={request !== null} onOpenChange={(open) => !open && !busy && close()}>
      <Dialog.Portal>
        <Dialog.Overlay className="td-overlay" />
        <Dialog.Content className="td-dialog" aria-describedby="td-confirm-body">
          <Dialog.Title className="td-dialog-title">{request?.title}</Dialog.Title>
          <p id="td-confirm-body" className="td-dialog-body">
            {request?.body}
          </p>
          <div className="td-dialog-actions">
            <Dialog.Close asChild>
              <button type="button" className="button" disabled={busy}>
                Cancel
              </button>
            </Dialog.Close>
            <button
              type="button"
              className={request?.destructive ? 'button button-danger' : 'button button-primary'}
              disabled={busy}
              onClick={async () => {
                if (!request) return
                setBusy(true)
                try {
                  await request.onConfirm()
                } finally {
                  setBusy(false)
                  close()
                }
              }}
            >
              {request?.action}
            </button>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  )
}
