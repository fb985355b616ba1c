import type { Handler } from '../dispatch'
import type { SecretsService } from './service'

export type SecretsHandlers = {
  'secrets.status': Handler<'secrets.status'>
  'secrets.chooseBackend': Handler<'secrets.chooseBackend'>
  'vault.create': Handler<'vault.create'>
  'vault.unlock': Handler<'vault.unlock'>
  'vault.lock': Handler<'vault.lock'>
  'vault.changePassphrase': Handler<'vault.changePassphrase'>
  'vault.setAutoLock': Handler<'vault.setAutoLock'>
}

/** Secret-store commands. None of them ever answers with a secret value: only states and health. */
export function createSecretsHandlers(secrets: SecretsService): SecretsHandlers {
  return {
    'secrets.status': async ({ probeAlternatives }) => secrets.status(probeAlternatives),
    'secrets.chooseBackend': async ({ backend, moveSecrets }) => {
      const result = await secrets.chooseBackend(backend, moveSecrets)
      return { ...result, status: await secrets.status(false) }
    },
    'vault.create': async ({ passphrase }) => secrets.createVault(passphrase),
    'vault.unlock': async ({ passphrase }) => secrets.unlockVault(passphrase),
    'vault.lock': async () => secrets.lockVault(),
    'vault.changePassphrase': async ({ current, next }) => secrets.changeVaultPassphrase(current, next),
    'vault.setAutoLock': async ({ minutes }) => secrets.setVaultAutoLock(minutes)
  }
}
