import { act, cleanup, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it } from 'vitest'
import type { SecretsStatus, SecretStoreHealth } from '../../../../shared/contract'
import { App } from '../../App'
import { useAppStore, wireBridge } from '../../store/app-store'
import { fakeBridge } from '../../test/fake-bridge'

const health = (backend: SecretStoreHealth['backend'], status: SecretStoreHealth['status'], extra: Partial<SecretStoreHealth> = {}): SecretStoreHealth => ({
  backend,
  status,
  ephemeral: backend === 'memory',
  checkedAt: 0,
  ...extra
})

const healthyKeychain: SecretsStatus = {
  active: health('keychain', 'ok'),
  backendChosen: true,
  vault: { state: 'unlocked', path: '/d/vault.tdv', autoLockMinutes: 15 },
  alternatives: [health('vault', 'ok'), health('memory', 'ok')]
}

let unwire: () => void = () => {}
// Unmount first: a lazily loaded view that mounts after the bridge is gone would call it.
afterEach(() => {
  cleanup()
  unwire()
})

function open(answers: Parameters<typeof fakeBridge>[0]) {
  const fake = fakeBridge(answers)
  unwire = wireBridge(fake.bridge)
  render(<App host="browser" />)
  act(() => fake.setState('connected'))
  return fake
}

describe('Settings', () => {
  it('a failed move explains why and offers to switch without moving', async () => {
    const fake = open({
      'secrets.status': () => ({ ok: true, value: healthyKeychain }),
      'secrets.chooseBackend': (request) =>
        request.moveSecrets === false
          ? { ok: true, value: { status: { ...healthyKeychain, active: health('vault', 'ok') }, moved: 0, leftBehind: 0 } }
          : { ok: false, error: { code: 'SECRET_MIGRATION_FAILED', message: 'The secrets in the keychain cannot be read.', details: { fix: 'Unlock the keyring.' } } }
    })
    await userEvent.keyboard('{Alt>}3{/Alt}')
    // The first test here also loads the lazily split Settings view: allow for a busy machine.
    await userEvent.click(within(await screen.findByTestId('backend-vault', {}, { timeout: 5000 })).getByRole('button', { name: 'Use this' }))
    const alert = await screen.findByRole('alert')
    expect(alert).toHaveTextContent('The secrets in the keychain cannot be read.')
    expect(alert).toHaveTextContent('Fix: Unlock the keyring.')
    await userEvent.click(within(alert).getByRole('button', { name: 'Switch without moving' }))
    expect(await screen.findByRole('status')).toHaveTextContent('Secrets are now kept in: Encrypted vault. Nothing was moved')
    expect(fake.requests.filter((r) => r.command === 'secrets.chooseBackend').map((r) => r.request)).toEqual([
      { backend: 'vault', moveSecrets: true },
      { backend: 'vault', moveSecrets: false }
    ])
  })

  it('passphrases go to main once and never into the store', async () => {
    const fake = open({
      'secrets.status': () => ({ ok: true, value: { ...healthyKeychain, vault: { ...healthyKeychain.vault, state: 'absent' } } }),
      'vault.create': () => ({ ok: true, value: { state: 'unlocked', path: '/d/vault.tdv', autoLockMinutes: 15 } })
    })
    await userEvent.keyboard('{Alt>}3{/Alt}')
    const form = await screen.findByTestId('vault-create')
    await userEvent.type(within(form).getByLabelText('Passphrase'), 'hunter2-hunter2')
    await userEvent.type(within(form).getByLabelText('Repeat passphrase'), 'hunter2-hunter2')
    await userEvent.click(within(form).getByRole('button', { name: 'Create vault' }))
    expect(await screen.findByRole('status')).toHaveTextContent('The vault is created and unlocked.')
    expect(fake.requests.filter((r) => r.command === 'vault.create')).toEqual([{ command: 'vault.create', request: { passphrase: 'hunter2-hunter2' } }])
    expect(JSON.stringify(useAppStore.getState())).not.toContain('hunter2')
  })

  it('a too-short new passphrase is refused before anything is sent', async () => {
    const fake = open({ 'secrets.status': () => ({ ok: true, value: { ...healthyKeychain, vault: { ...healthyKeychain.vault, state: 'absent' } } }) })
    await userEvent.keyboard('{Alt>}3{/Alt}')
    const form = await screen.findByTestId('vault-create')
    await userEvent.type(within(form).getByLabelText('Passphrase'), 'short')
    await userEvent.type(within(form).getByLabelText('Repeat passphrase'), 'short')
    await userEvent.click(within(form).getByRole('button', { name: 'Create vault' }))
    expect(within(form).getByRole('alert')).toHaveTextContent('use at least 8 characters')
    expect(fake.calls).not.toContain('vault.create')
  })

  it('Tokens and clipboard: each change is saved at once and said; a refusal is shown; browser mode says it cannot clear', async () => {
    let preferences = { clipboardClearSeconds: 30, expiringSeconds: 60, notifications: true }
    const fake = open({
      'secrets.status': () => ({ ok: true, value: healthyKeychain }),
      'preferences.get': () => ({ ok: true, value: preferences }),
      'preferences.update': (change) => {
        if (change.expiringSeconds === 3600) return { ok: false, error: { code: 'INVALID_REQUEST', message: 'Invalid request for "preferences.update".' } }
        preferences = { ...preferences, ...change }
        return { ok: true, value: preferences }
      }
    })
    await userEvent.keyboard('{Alt>}3{/Alt}')
    const panel = await screen.findByRole('region', { name: 'Tokens and clipboard' })
    const clear = await within(panel).findByRole('combobox', { name: 'Clear the clipboard after a copy' })
    expect(clear).toHaveValue('30')
    expect(panel).toHaveTextContent('A browser page cannot clear the clipboard: this applies to the desktop app.')

    await userEvent.selectOptions(clear, 'never')
    expect(await within(panel).findByRole('status')).toHaveTextContent('Copied tokens now stay on the clipboard.')
    await userEvent.selectOptions(within(panel).getByRole('combobox', { name: 'Show a token as expiring soon' }), '5 min before expiry')
    expect(await within(panel).findByRole('status')).toHaveTextContent('Tokens now show as expiring soon 5 min before they expire.')
    await userEvent.click(within(panel).getByRole('checkbox', { name: /Notify when a token/ }))
    expect(await within(panel).findByRole('status')).toHaveTextContent('Notifications are off.')
    expect(within(panel).getByRole('checkbox', { name: /Notify when a token/ })).not.toBeChecked()
    expect(fake.requests.filter((r) => r.command === 'preferences.update').map((r) => r.request)).toEqual([
      { clipboardClearSeconds: 0 },
      { expiringSeconds: 300 },
      { notifications: false }
    ])

    await userEvent.selectOptions(within(panel).getByRole('combobox', { name: 'Show a token as expiring soon' }), '1 h before expiry')
    expect(await within(panel).findByRole('alert')).toHaveTextContent('Invalid request for "preferences.update".')
    expect(within(panel).queryByRole('status')).toBeNull()
  })
})
