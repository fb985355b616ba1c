import { randomBytes, randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { generateKeyPair } from 'jose'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { SandboxContext } from './context.js'
import { KeycloakStore } from './keycloak-proxy.js'
import { buildServer } from './server.js'
import { applySettingsPatch, defaultSettings } from './settings.js'
import { jwtPart } from './test-support.js'

/**
 * With revokeRefreshToken the sandbox counts the uses of every refresh token; entries of expired
 * tokens are forgotten (a soak at 250 renewals/s grew without bound), and no answer changes.
 */

describe('the refresh-token use counts', () => {
  it('an entry goes a minute after its token expired, at the next sweep; an offline token (no exp) stays', () => {
    const store = new KeycloakStore()
    store.recordRefreshTokenUse('offline', null, 1000)
    store.recordRefreshTokenUse('short', 1100, 1000)
    store.recordRefreshTokenUse('other', 5000, 1159)
    expect(store.refreshTokenUseCount('short')).toBe(1)
    store.recordRefreshTokenUse('other', 5000, 1219)
    expect(store.refreshTokenUses.has('short')).toBe(false)
    expect(store.refreshTokenUseCount('offline')).toBe(1)
    expect(store.refreshTokenUseCount('other')).toBe(2)
  })

  it('a clock set back still sweeps', () => {
    const store = new KeycloakStore()
    store.recordRefreshTokenUse('old', 400, 10_000)
    store.recordRefreshTokenUse('trigger', 5000, 500)
    expect([...store.refreshTokenUses.keys()]).toEqual(['trigger'])
  })
})

describe('the Keycloak proxy over HTTP, on a fake clock', () => {
  const START = Date.UTC(2026, 0, 1)
  let ctx: SandboxContext
  let app: FastifyInstance

  beforeAll(async () => {
    const settings = applySettingsPatch(defaultSettings(), { lifetimes: { keycloakRefreshTokenSeconds: 600 }, refresh: { revokeRefreshToken: true, refreshTokenMaxReuse: 0 } })
    const keycloakAccess = generateKeyPair('RS256').then(({ privateKey }) => ({ privateKey, kid: randomUUID() }))
    ctx = new SandboxContext(settings, { playOxygenSecret: randomBytes(64), keycloakAccess, keycloakRefreshSecret: randomBytes(64) })
    app = buildServer(ctx, () => {
      throw new Error('not used')
    }, { bodyLimitBytes: 64 * 1024 })
    await app.ready()
  })
  afterAll(async () => {
    await app.close()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  const CLIENT = { client_id: 'tokendesk-demo', client_secret: 'demo-client-secret' }
  const post = async (fields: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> => {
    const response = await app.inject({
      method: 'POST',
      url: '/keycloak-proxy/api/v1/auth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ ...CLIENT, ...fields }).toString()
    })
    return { status: response.statusCode, body: response.json() as Record<string, unknown> }
  }
  const login = async (): Promise<string> => {
    const { status, body } = await post({ grant_type: 'password', username: 'demo.user', password: 'demo-user-password' })
    expect(status).toBe(200)
    return body.refresh_token as string
  }
  const refresh = (token: string) => post({ grant_type: 'refresh_token', refresh_token: token })
  const at = (seconds: number): void => {
    vi.setSystemTime(START + seconds * 1000)
  }

  it("an expired token's entry is dropped; a reused, still-valid token is refused as before", async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    at(0)
    const first = await login()
    expect((await refresh(first)).status).toBe(200)
    at(300)
    const second = await login()
    expect((await refresh(second)).status).toBe(200)
    // 100 s after the first token expired (at 600 s), the next use sweeps; the second is valid until 900 s.
    at(700)
    expect((await refresh(await login())).status).toBe(200)
    expect(ctx.keycloak.refreshTokenUses.has(jwtPart(first, 1).jti as string)).toBe(false)
    expect(ctx.keycloak.refreshTokenUseCount(jwtPart(second, 1).jti as string)).toBe(1)

    expect(await refresh(first)).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'Token is not active' } })
    expect(await refresh(second)).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'Maximum allowed refresh token reuse exceeded' } })
  })
})
