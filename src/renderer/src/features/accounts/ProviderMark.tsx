import type { JSX } from 'react'
import type { ProviderId } from '../../../../shared/model'

const INITIALS: Record<ProviderId, string> = { respoke: 'Re', pocketpaw: 'PP', 'play-oxygen': 'PO', 'keycloak-proxy': 'KC', recipe: 'Rx' }

/** A provider's small square mark (its initials in its hue): tells providers apart at a glance. */
export function ProviderMark({ providerId, size = 'md' }: { providerId: ProviderId; size?: 'sm' | 'md' }): JSX.Element {
  return (
    <span className={`provider-mark provider-mark-${size} provider-${providerId}`} aria-hidden="true">
      {INITIALS[providerId]}
    </span>
  )
}
