import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startBrowserMode, type BrowserMode } from '../../src/web/browser-mode'
import { ContractClient } from './ws-client'

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const rendererDir = join(root, 'out', 'renderer')

export interface Account {
  id: string
  name: string
  providerId: string
}
export interface App {
  id: string
  accountId: string
  name: string
}

/** Browser mode in this process with `--demo` (the embedded sandbox), plus a contract client. */
export async function startInProcess(): Promise<{ mode: BrowserMode; client: ContractClient; dataDir: string; stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tokendesk-bench-'))
  const mode = await startBrowserMode({ dataDir, rendererDir, version: 'bench', demo: true })
  const client = await ContractClient.connect(mode.url)
  return {
    mode,
    client,
    dataDir,
    stop: async () => {
      client.close()
      await mode.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}

/** The demo account and its first app (if any) of a provider. */
export async function demoTarget(client: ContractClient, providerId: string): Promise<{ accountId: string; appId?: string }> {
  const { accounts, apps } = await client.value<{ accounts: Account[]; apps: App[] }>('accounts.list')
  const account = accounts.find((a) => a.providerId === providerId)
  if (!account) throw new Error(`no demo account for ${providerId}`)
  const app = apps.find((a) => a.accountId === account.id)
  return app ? { accountId: account.id, appId: app.id } : { accountId: account.id }
}
