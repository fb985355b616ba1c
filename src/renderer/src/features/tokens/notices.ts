import { toast } from 'sonner'
import type { Notice } from '../../../../shared/model'
import { copyToken, issueAgainOrRenew, refreshToken } from './actions'

/**
 * One toast per token at a time: the toast id is the token id, so "expires in 1 min" is
 * replaced by "expired" (or "renewed") instead of stacking. The core already applied the
 * token's and account's notify flags.
 */
export function showNotice(notice: Notice): void {
  const id = notice.tokenId
  const refresh = { label: 'Refresh', onClick: () => void refreshToken(id) }
  const copy = { label: 'Copy', onClick: () => void copyToken(id) }
  // The same id replaces the toast in place; sonner merges options, so each kind sets all of them.
  const common = { id, description: notice.body || undefined, action: undefined, cancel: undefined }
  switch (notice.kind) {
    case 'expiring':
      toast.warning(notice.title, { ...common, duration: 60_000, action: refresh, cancel: copy })
      return
    case 'expired':
      toast.error(notice.title, { ...common, duration: 30_000, action: { label: 'Issue again', onClick: () => void issueAgainOrRenew(id) } })
      return
    case 'renewal-failed':
      toast.error(notice.title, { ...common, duration: 30_000, action: { ...refresh, label: 'Retry' } })
      return
    case 'renewed':
      toast.success(notice.title, { ...common, duration: 4000, cancel: copy })
      return
  }
}
