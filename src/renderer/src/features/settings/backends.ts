import type { SecretBackend, SecretStoreHealth } from '../../../../shared/contract'
import type { Tone } from '../../components/StatusPill'

export const BACKENDS: Array<{ backend: SecretBackend; label: string; description: string }> = [
  { backend: 'keychain', label: 'OS keychain', description: 'Secret Service, macOS Keychain or Windows Credential Manager. The recommended default.' },
  { backend: 'vault', label: 'Encrypted vault', description: 'One file in the data folder, protected by your passphrase. For machines without a keychain.' },
  { backend: 'memory', label: 'Memory only', description: 'Nothing is written anywhere: every secret is gone when TokenDesk exits.' }
]

export function backendLabel(backend: SecretBackend): string {
  return BACKENDS.find((b) => b.backend === backend)?.label ?? backend
}

export function healthPill(health: SecretStoreHealth): { tone: Tone; label: string } {
  if (health.status === 'ok') return health.ephemeral ? { tone: 'warn', label: 'Session only' } : { tone: 'ok', label: 'Healthy' }
  if (health.status === 'locked') return { tone: 'warn', label: 'Locked' }
  if (health.status === 'checking') return { tone: 'neutral', label: 'Checking…' }
  return { tone: 'error', label: 'Unavailable' }
}
