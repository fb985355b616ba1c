import { ArrowLeft, ChevronRight, Workflow } from 'lucide-react'
import { useState, type JSX } from 'react'
import { toast } from 'sonner'
import type { ProviderId, ProviderInfo } from '../../../../shared/model'
import { PROVIDER_ORDER, useAccountsStore } from '../../store/accounts-store'
import { bridge, useAppStore } from '../../store/app-store'
import { DialogFrame } from './dialogs'
import { EntityForm } from './EntityForm'
import { ProviderMark } from './ProviderMark'

export function providerCardLabel(provider: ProviderInfo): string {
  return provider.id === 'recipe' ? 'Custom recipe' : provider.label
}

function ProviderPicker({ providers, onPick }: { providers: ProviderInfo[]; onPick(id: ProviderId): void }): JSX.Element {
  const ordered = [...providers].sort((a, b) => PROVIDER_ORDER.indexOf(a.id) - PROVIDER_ORDER.indexOf(b.id))
  return (
    <ul className="provider-picker" aria-label="Providers">
      {ordered.map((p) => (
        <li key={p.id}>
          <button type="button" className={p.id === 'recipe' ? 'provider-option provider-option-recipe' : 'provider-option'} onClick={() => onPick(p.id)}>
            {p.id === 'recipe' ? <Workflow size={20} aria-hidden="true" className="provider-option-icon" /> : <ProviderMark providerId={p.id} />}
            <span className="provider-option-text">
              <strong>{providerCardLabel(p)}</strong>
              <span>{p.description}</span>
            </span>
            <ChevronRight size={16} aria-hidden="true" className="provider-option-chevron" />
          </button>
        </li>
      ))}
    </ul>
  )
}

/**
 * Add account: pick the provider, then fill the form generated from its field specs, Test login,
 * Save. Opened from the sidebar's [+], the welcome screen and the palette.
 */
export function AddAccountDialog(): JSX.Element {
  const open = useAppStore((s) => s.overlay === 'add-account')
  const overlayOpened = useAppStore((s) => s.overlayOpened)
  const accountChosen = useAppStore((s) => s.accountChosen)
  const providers = useAccountsStore((s) => s.providers)
  const [picked, setPicked] = useState<ProviderId | null>(null)
  const provider = providers?.find((p) => p.id === picked)

  const close = (): void => {
    overlayOpened(null)
    setPicked(null)
  }

  return (
    <DialogFrame
      open={open}
      onOpenChange={(next) => (next ? overlayOpened('add-account') : close())}
      wide
      title={provider ? (provider.id === 'recipe' ? 'Add a custom recipe' : `Add a ${providerCardLabel(provider)} account`) : 'Add account'}
      lead={provider ? provider.description : 'Which API does this account log in to?'}
    >
      {!providers ? (
        <p className="muted">Loading the providers…</p>
      ) : !provider ? (
        <ProviderPicker providers={providers} onPick={setPicked} />
      ) : (
        <>
          <button type="button" className="button button-quiet button-small back-button" onClick={() => setPicked(null)}>
            <ArrowLeft size={14} aria-hidden="true" /> All providers
          </button>
          <EntityForm
            key={provider.id}
            kind="account"
            provider={provider}
            specs={provider.accountFields}
            mode="create"
            nameLabel="Account name"
            initial={{ name: provider.id === 'recipe' ? '' : provider.label }}
            saveLabel="Save account"
            onCancel={close}
            onSave={async (payload) => {
              const result = await bridge().api.commands['accounts.create']({ providerId: provider.id, ...payload })
              if (!result.ok) return result.error
              useAccountsStore.getState().accountSaved(result.value)
              close()
              accountChosen(result.value.id)
              toast.success(`Added ${result.value.name}`)
              return null
            }}
          />
        </>
      )}
    </DialogFrame>
  )
}
