import type { SandboxStatus } from '../../src/shared/contract'
import { startInProcess, demoTarget } from './app'
import { msBetween, percentile, round } from './stats'

export const APIS = ['respoke', 'pocketpaw', 'play-oxygen', 'keycloak-proxy'] as const
export type Api = (typeof APIS)[number]

export interface IssuanceFigures {
  stack_p50: number
  stack_p99: number
  raw_p50: number
  raw_p99: number
  overhead_p50: number
}

type Running = Extract<SandboxStatus, { status: 'running' }>

/** The same HTTP request(s) the provider sends for its primary flow, as plain fetch calls. */
export function rawIssuer(api: Api, sandbox: Running): () => Promise<void> {
  const { baseUrls, credentials } = sandbox
  const json = { 'Content-Type': 'application/json', Accept: 'application/json' }
  const ok = async (response: Response): Promise<unknown> => {
    if (!response.ok) throw new Error(`raw ${api}: HTTP ${response.status}`)
    return response.json()
  }
  switch (api) {
    case 'respoke': {
      const app = credentials.respoke.apps[0]!
      return async () => {
        const tokenId = (await ok(
          await fetch(`${baseUrls.respoke}/tokens`, {
            method: 'POST',
            headers: { ...json, 'App-Secret': app.appSecret },
            body: JSON.stringify({ appId: app.appId, endpointId: 'demo-user', roleId: app.roleId, ttl: 3600 })
          })
        )) as { tokenId: string }
        await ok(await fetch(`${baseUrls.respoke}/session-tokens`, { method: 'POST', headers: json, body: JSON.stringify({ tokenId: tokenId.tokenId }) }))
      }
    }
    case 'pocketpaw':
      return async () => {
        await ok(await fetch(`${baseUrls.pocketpaw}/api/auth/session`, { method: 'POST', headers: { authorization: `Bearer ${credentials.pocketpaw.masterToken}`, accept: 'application/json' } }))
      }
    case 'play-oxygen': {
      const client = credentials.playOxygen.clients[0]!
      return async () => {
        await ok(
          await fetch(`${baseUrls.playOxygen}/api/auth/session/${client.clientId}`, {
            method: 'POST',
            headers: json,
            body: JSON.stringify({ api_key: client.apiKey, secret: client.secret })
          })
        )
      }
    }
    case 'keycloak-proxy': {
      const client = credentials.keycloakProxy.clients[0]!
      const user = credentials.keycloakProxy.users[0]!
      return async () => {
        await ok(
          await fetch(`${baseUrls.keycloakProxy}/api/v1/auth/token`, {
            method: 'POST',
            headers: json,
            body: JSON.stringify({ client_id: client.clientId, client_secret: client.clientSecret, grant_type: 'password', username: user.username, password: user.password })
          })
        )
      }
    }
  }
}

/**
 * Issues `count` tokens per API through the whole stack (WebSocket → dispatch → provider → token
 * cache → tokens.changed event; the time runs until both the result and the event arrived) and the
 * same request(s) as raw fetches, interleaved, in the same process and run.
 */
export async function measureIssuance(count: number, warmup = 20): Promise<Record<Api, IssuanceFigures>> {
  const app = await startInProcess()
  try {
    const sandbox = app.mode.sandbox!.status() as Running
    const out = {} as Record<Api, IssuanceFigures>
    const issued: string[] = []
    for (const api of APIS) {
      const target = await demoTarget(app.client, api)
      const raw = rawIssuer(api, sandbox)
      // PocketPaw's auth limiter (1/s, burst 5 per client IP) is faithful to the real server: reset the
      // sandbox (outside the timed region) before each stack and each raw issue, so both measure a 200
      // under the same conditions.
      const beforeEach = api === 'pocketpaw' ? () => resetSandbox(sandbox.origin) : async () => {}
      const stack = async (): Promise<void> => {
        let tokenId: string | null = null
        let eventSeen = false
        let resolveEvent!: () => void
        const eventArrived = new Promise<void>((resolve) => (resolveEvent = resolve))
        const seen = new Set<string>()
        const off = app.client.onEvent((event, payload) => {
          if (event !== 'tokens.changed') return
          for (const token of (payload as { upserted: { id: string }[] }).upserted) seen.add(token.id)
          if (tokenId !== null && seen.has(tokenId)) {
            eventSeen = true
            resolveEvent()
          }
        })
        const result = await app.client.value<{ id: string }>('tokens.issue', target)
        tokenId = result.id
        issued.push(tokenId)
        if (seen.has(tokenId)) eventSeen = true
        if (!eventSeen) await eventArrived
        off()
      }
      for (let i = 0; i < warmup; i++) {
        await beforeEach()
        await stack()
        await beforeEach()
        await raw()
      }
      const stackMs: number[] = []
      const rawMs: number[] = []
      for (let i = 0; i < count; i++) {
        await beforeEach()
        let start = process.hrtime.bigint()
        await stack()
        stackMs.push(msBetween(start, process.hrtime.bigint()))
        await beforeEach()
        start = process.hrtime.bigint()
        await raw()
        rawMs.push(msBetween(start, process.hrtime.bigint()))
      }
      const stackP50 = percentile(stackMs, 50)
      const rawP50 = percentile(rawMs, 50)
      out[api] = {
        stack_p50: round(stackP50),
        stack_p99: round(percentile(stackMs, 99)),
        raw_p50: round(rawP50),
        raw_p99: round(percentile(rawMs, 99)),
        overhead_p50: round(stackP50 - rawP50)
      }
    }
    return out
  } finally {
    await app.stop()
  }
}

export async function resetSandbox(origin: string): Promise<void> {
  const response = await fetch(`${origin}/__sandbox/reset`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
  await response.arrayBuffer()
}
