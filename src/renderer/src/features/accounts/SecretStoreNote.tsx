import { KeyRound, LockKeyhole, TriangleAlert } from 'lucide-react'
import type { JSX } from 'react'
import type { SecretsStatus } from '../../../../shared/contract'
import { useAppStore } from '../../store/app-store'

/** Where the secrets typed in a form will go, in words; memory-only is a warning, never small print. */
export function secretStoreSentence(status: SecretsStatus | undefined): { tone: 'info' | 'warn'; text: string } {
  if (!status) return { tone: 'info', text: 'Secrets go to the secret store, never to the settings file.' }
  const { active, vault } = status
  if (active.status !== 'ok') {
    if (active.backend === 'vault' && vault.state === 'locked') return { tone: 'warn', text: 'The encrypted vault is locked: unlock it in Settings before saving.' }
    return { tone: 'warn', text: `The secret store cannot be used right now${active.reason ? `: ${active.reason}` : '.'} Saving will fail until it works (Settings).` }
  }
  if (active.backend === 'memory' || active.ephemeral) return { tone: 'warn', text: 'Memory only — secrets are gone when TokenDesk exits.' }
  if (active.backend === 'vault') return { tone: 'info', text: 'Secrets are stored in the encrypted vault.' }
  return { tone: 'info', text: 'Secrets are stored in the OS keychain.' }
}

export function SecretStoreNote(): JSX.Element {
  const status = useAppStore((s) => ('data' in s.secrets ? s.secrets.data : undefined))
  const { tone, text } = secretStoreSentence(status)
  const Icon = tone === 'warn' ? TriangleAlert : status?.active.backend === 'vault' ? LockKeyhole : KeyRound
  return (
    <p className={`store-note store-note-${tone}`} data-testid="secret-store-note">
      <Icon size={14} aria-hidden="true" />
      <span>{text}</span>
    </p>
  )
}
