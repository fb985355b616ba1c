import { request } from 'node:http'
import { describe, expect, it } from 'vitest'
import { SandboxReadySchema } from '../shared/sandbox-info.js'
import { RESPOKE_DEMO } from './demo-data.js'
import { form, json, patchSettings, useSandbox } from './test-support.js'

/** The control API under /__sandbox/: settings, clock, faults, counters, reset. */

const sandbox = useSandbox()
const adminLogin = (): Promise<Response> =>
  fetch(sandbox.url('/respoke/v1/admin-sessions'), json({ username: RESPOKE_DEMO.username, password: RESPOKE_DEMO.password }))
const addFault = async (spec: unknown): Promise<Response> => fetch(sandbox.url('/__sandbox/faults'), json(spec))
const keycloakLogin = (): Promise<Response> =>
  fetch(
    sandbox.url('/keycloak-proxy/api/v1/auth/token'),
    form({ grant_type: 'password', client_id: 'tokendesk-demo', client_secret: 'demo-client-secret', username: 'demo.user', password: 'demo-user-password' })
  )

describe('control API: settings', () => {
  it('GET /__sandbox/ready returns the announced object, valid against SandboxReadySchema', async () => {
    const response = await fetch(sandbox.url('/__sandbox/ready'))
    expect(response.status).toBe(200)
    const ready = SandboxReadySchema.parse(await response.json())
    expect(ready).toEqual(sandbox.sandbox.ready)
  })

  it('PATCH /__sandbox/settings shortens Keycloak lifetimes down to a few seconds', async () => {
    await patchSettings(sandbox, { lifetimes: { keycloakAccessTokenSeconds: 5, keycloakRefreshTokenSeconds: 8 } })
    const body = (await (await keycloakLogin()).json()) as { expires_in: number; refresh_expires_in: number }
    expect(body.expires_in).toBe(5)
    expect(body.refresh_expires_in).toBe(8)
    const settings = (await (await fetch(sandbox.url('/__sandbox/settings'))).json()) as { lifetimes: Record<string, unknown> }
    expect(settings.lifetimes.keycloakAccessTokenSeconds).toBe(5)
    expect(settings.lifetimes.pocketpawSessionSeconds).toBe(86400)
  })

  it('forces the Respoke ttl when respokeTtlSeconds is set', async () => {
    await patchSettings(sandbox, { lifetimes: { respokeTtlSeconds: 3 } })
    const app = RESPOKE_DEMO.apps[0]
    const response = await fetch(sandbox.url('/respoke/v1/tokens'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'App-Secret': app.secret },
      body: JSON.stringify({ appId: app.id, endpointId: 'e', roleId: app.roles[0].id, ttl: 86400 })
    })
    const body = (await response.json()) as { createTime: number; expiryTime: number }
    expect(body.expiryTime - body.createTime).toBe(3)
  })

  it('rejects an invalid settings patch with 400 and the failing paths, leaving settings unchanged', async () => {
    for (const patch of [{ lifetimes: { keycloakAccessTokenSeconds: 0 } }, { lifetimes: { nope: 1 } }, { clockOffsetSeconds: 'soon' }]) {
      const response = await fetch(sandbox.url('/__sandbox/settings'), { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(patch) })
      expect(response.status).toBe(400)
      const body = (await response.json()) as { error: string; issues: { path: string }[] }
      expect(body.error).toBe('invalid_request')
      expect(body.issues.length).toBeGreaterThan(0)
    }
    const settings = (await (await fetch(sandbox.url('/__sandbox/settings'))).json()) as { lifetimes: Record<string, unknown>; clockOffsetSeconds: number }
    expect(settings.lifetimes.keycloakAccessTokenSeconds).toBe(300)
    expect(settings.clockOffsetSeconds).toBe(0)
  })

  it('shifts issued times and the Date header by the clock offset', async () => {
    await patchSettings(sandbox, { clockOffsetSeconds: 3600 })
    const response = await adminLogin()
    const skew = Date.parse(response.headers.get('date') ?? '') / 1000 - Date.now() / 1000
    expect(skew).toBeGreaterThan(3590)
    expect(skew).toBeLessThan(3610)
    const app = RESPOKE_DEMO.apps[0]
    const issued = await fetch(sandbox.url('/respoke/v1/tokens'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'App-Secret': app.secret },
      body: JSON.stringify({ appId: app.id, endpointId: 'e', roleId: app.roles[0].id })
    })
    const { createTime } = (await issued.json()) as { createTime: number }
    expect(createTime - Date.now() / 1000).toBeGreaterThan(3590)
  })

  it('regenerates the PocketPaw master via POST /__sandbox/pocketpaw/regenerate-master and announces it in /ready', async () => {
    const oldMaster = sandbox.sandbox.ready.credentials.pocketpaw.masterToken
    const response = await fetch(sandbox.url('/__sandbox/pocketpaw/regenerate-master'), { method: 'POST' })
    const { masterToken } = (await response.json()) as { masterToken: string }
    expect(masterToken).not.toBe(oldMaster)
    const ready = SandboxReadySchema.parse(await (await fetch(sandbox.url('/__sandbox/ready'))).json())
    expect(ready.credentials.pocketpaw.masterToken).toBe(masterToken)
    const exchange = (master: string): Promise<Response> =>
      fetch(sandbox.url('/pocketpaw/api/auth/session'), { method: 'POST', headers: { authorization: `Bearer ${master}` } })
    expect((await exchange(oldMaster)).status).toBe(401)
    expect((await exchange(masterToken)).status).toBe(200)
  })

  it('POST /__sandbox/reset restores settings, the master token, faults and counters', async () => {
    await patchSettings(sandbox, { clockOffsetSeconds: 99, lifetimes: { keycloakAccessTokenSeconds: 5 } })
    await fetch(sandbox.url('/__sandbox/pocketpaw/regenerate-master'), { method: 'POST' })
    await addFault({ path: '/respoke/v1/admin-sessions', respond: { kind: 'status', status: 503 } })
    await fetch(sandbox.url('/__sandbox/reset'), { method: 'POST' })
    expect((await adminLogin()).status).toBe(200)
    expect(await (await fetch(sandbox.url('/__sandbox/faults'))).json()).toEqual([])
    expect(await (await fetch(sandbox.url('/__sandbox/counters'))).json()).toEqual({ 'POST /respoke/v1/admin-sessions': 1 })
    const settings = (await (await fetch(sandbox.url('/__sandbox/settings'))).json()) as { clockOffsetSeconds: number }
    expect(settings.clockOffsetSeconds).toBe(0)
    const ready = SandboxReadySchema.parse(await (await fetch(sandbox.url('/__sandbox/ready'))).json())
    expect(ready.credentials.pocketpaw.masterToken).toBe(sandbox.sandbox.ready.credentials.pocketpaw.masterToken)
  })

  it('refuses a foreign Host header (DNS rebinding) with 403', async () => {
    const origin = new URL(sandbox.sandbox.ready.origin)
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const outgoing = request({ host: origin.hostname, port: origin.port, path: '/__sandbox/reset', method: 'POST', headers: { host: 'evil.example' } }, (response) => {
        response.resume()
        resolve(response.statusCode)
      })
      outgoing.on('error', reject)
      outgoing.end()
    })
    expect(status).toBe(403)
  })

  it('readyNow() reflects a regenerated PocketPaw master', async () => {
    const { masterToken } = (await (await fetch(sandbox.url('/__sandbox/pocketpaw/regenerate-master'), { method: 'POST' })).json()) as { masterToken: string }
    expect(sandbox.sandbox.readyNow().credentials.pocketpaw.masterToken).toBe(masterToken)
    expect(sandbox.sandbox.ready.credentials.pocketpaw.masterToken).not.toBe(masterToken)
  })

  it('answers unknown control routes with 404 JSON', async () => {
    const response = await fetch(sandbox.url('/__sandbox/nope'))
    expect(response.status).toBe(404)
    expect(((await response.json()) as { error: string }).error).toBe('not_found')
  })
})

describe('control API: request counters', () => {
  it('counts requests per method and route pattern, aliases and unknown paths separately', async () => {
    await adminLogin()
    await adminLogin()
    await fetch(sandbox.url('/respoke/v1/adminsessions/'), json({}))
    await fetch(sandbox.url('/play-oxygen/api/auth/session/1001'), json({}))
    await fetch(sandbox.url('/play-oxygen/api/auth/session/1002'), json({}))
    await fetch(sandbox.url('/nowhere'))
    expect(await (await fetch(sandbox.url('/__sandbox/counters'))).json()).toEqual({
      'GET /nowhere': 1,
      'POST /play-oxygen/api/auth/session/:client_id': 2,
      'POST /respoke/v1/admin-sessions': 2,
      'POST /respoke/v1/adminsessions': 1
    })
    expect((await fetch(sandbox.url('/__sandbox/counters'), { method: 'DELETE' })).status).toBe(200)
    expect(await (await fetch(sandbox.url('/__sandbox/counters'))).json()).toEqual({})
  })
})

describe('control API: fault injection', () => {
  it('adds latency before the normal answer', async () => {
    await addFault({ path: '/respoke/v1/admin-sessions', latencyMs: 300 })
    const started = performance.now()
    const response = await adminLogin()
    expect(performance.now() - started).toBeGreaterThanOrEqual(290)
    expect(response.status).toBe(200)
  })

  it('answers a chosen status and body for the next N requests only', async () => {
    const created = await addFault({ path: '/respoke/v1/admin-sessions', times: 2, respond: { kind: 'status', status: 503, body: { error: 'maintenance' } } })
    expect(created.status).toBe(201)
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await adminLogin()
      expect(response.status).toBe(503)
      expect(await response.json()).toEqual({ error: 'maintenance' })
    }
    expect((await adminLogin()).status).toBe(200)
  })

  it('sends a raw body with its own content type (e.g. an HTML proxy page)', async () => {
    await addFault({ path: '/keycloak-proxy/api/v1/auth/token', respond: { kind: 'status', status: 502, rawBody: '<html>Bad Gateway</html>', contentType: 'text/html' } })
    const response = await keycloakLogin()
    expect(response.status).toBe(502)
    expect(response.headers.get('content-type')).toBe('text/html')
    expect(await response.text()).toBe('<html>Bad Gateway</html>')
  })

  it('sends a malformed JSON body with status 200', async () => {
    await addFault({ path: '/pocketpaw/api/auth/session', respond: { kind: 'malformed' } })
    const response = await fetch(sandbox.url('/pocketpaw/api/auth/session'), { method: 'POST' })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8')
    await expect(response.json()).rejects.toThrow()
  })

  it('sends an oversized body of the requested size', async () => {
    await addFault({ path: '/play-oxygen/api/auth/session/:client_id', respond: { kind: 'oversized', bytes: 3 * 1024 * 1024 } })
    const response = await fetch(sandbox.url('/play-oxygen/api/auth/session/1001'), json({ api_key: 'a', secret: 'b' }))
    expect((await response.arrayBuffer()).byteLength).toBe(3 * 1024 * 1024)
  })

  it('drops the connection without an answer', async () => {
    await addFault({ path: '/respoke/v1/admin-sessions', times: 1, respond: { kind: 'drop' } })
    await expect(adminLogin()).rejects.toThrow(TypeError)
    expect((await adminLogin()).status).toBe(200)
  })

  it("answers 429 with Retry-After and the API's own rate-limit body", async () => {
    await addFault({ path: '/pocketpaw/api/v1/auth/session', respond: { kind: 'rateLimit', retryAfterSeconds: 7 } })
    const response = await fetch(sandbox.url('/pocketpaw/api/v1/auth/session'), { method: 'POST' })
    expect(response.status).toBe(429)
    expect(response.headers.get('retry-after')).toBe('7')
    expect(await response.json()).toEqual({ detail: 'Too many requests' })
  })

  it('matches only the given method, and can be listed and removed', async () => {
    const created = (await (await addFault({ path: '/respoke/v1/apps', method: 'get', respond: { kind: 'status', status: 500 } })).json()) as { id: string }
    expect((await fetch(sandbox.url('/respoke/v1/apps'), { method: 'POST' })).status).toBe(401)
    expect((await fetch(sandbox.url('/respoke/v1/apps'))).status).toBe(500)
    const listed = (await (await fetch(sandbox.url('/__sandbox/faults'))).json()) as { id: string; method: string }[]
    expect(listed).toMatchObject([{ id: created.id, method: 'GET' }])
    expect((await fetch(sandbox.url(`/__sandbox/faults/${created.id}`), { method: 'DELETE' })).status).toBe(200)
    expect((await fetch(sandbox.url(`/__sandbox/faults/${created.id}`), { method: 'DELETE' })).status).toBe(404)
    expect((await fetch(sandbox.url('/respoke/v1/apps'))).status).toBe(401)
  })

  it('rejects an invalid fault spec with 400', async () => {
    for (const spec of [{ path: 'no-slash' }, { path: '/x', respond: { kind: 'explode' } }, { path: '/x', latencyMs: -1 }]) {
      const response = await addFault(spec)
      expect(response.status).toBe(400)
      expect(((await response.json()) as { error: string }).error).toBe('invalid_request')
    }
  })
})
