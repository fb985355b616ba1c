import type { JSX } from 'react'
import { Toaster } from 'sonner'
import './tokens.css'

/** The app's one toaster (rendered once by App): copies, notices, renewals. Follows the OS theme. */
export function TokenToaster(): JSX.Element {
  return (
    <Toaster
      position="bottom-right"
      theme="system"
      closeButton
      visibleToasts={4}
      gap={8}
      offset={16}
      containerAriaLabel="Notifications"
      toastOptions={{ className: 'td-toast' }}
    />
  )
}
