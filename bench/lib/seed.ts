import type { ContractClient } from './ws-client'
import { demoTarget } from './app'

/** Issues tokens through the contract (Play Oxygen: one request each), `concurrency` at a time, until `total` exist. */
export async function seedTokens(client: ContractClient, total: number, concurrency = 8): Promise<number> {
  const targets = [await demoTarget(client, 'play-oxygen')]
  const existing = (await client.value<{ tokens: unknown[] }>('tokens.list')).tokens.length
  let next = existing
  const worker = async (): Promise<void> => {
    while (next < total) {
      const index = next++
      await client.value('tokens.issue', targets[index % targets.length])
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return (await client.value<{ tokens: unknown[] }>('tokens.list')).tokens.length
}
