import type { JSX } from 'react'
import { Toaster } from 'sonner'
// The CSP (style-src 'self') refuses the <style> sonner would inject: ship its sheet instead.
import 'sonner/dist/styles.css'
import { ConfirmDialog } from './ConfirmDialog'
import { TokenDetail } from './TokenDetail'
import { useTokensUi } from './ui-store'
import './tokens.css'

/**
 * Rendered once by App: the app's one toaster (copies, notices, renewals; follows the OS theme)
 * the tokens feature's confirmation dialog, and the detail drawer wherever no view shows the
 * detail as a panel (account pages, narrow windows).
 */
// dir: without it sonner asks getComputedStyle for the document's direction on every render of
// the toaster, which forces a style recalculation of the whole page (~150 ms at start-up).
export function TokenToaster(): JSX.Element {
  const panelHost = useTokensUi((s) => s.panelHost)
  return (
    <>
      <Toaster dir="ltr" position="bottom-right" theme="system" closeButton visibleToasts={4} gap={8} offset={16} containerAriaLabel="Notifications" toastOptions={{ className: 'td-toast' }} />
      <ConfirmDialog />
      {!panelHost && <TokenDetail wide={false} />}
    </>
  )
}
