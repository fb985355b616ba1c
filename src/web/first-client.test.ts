import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createCore } from '../core/core'
import { createMemoryLogger } from '../core/log'
import { dataPaths } from '../core/paths'
import { MemorySecretStore } from '../core/secrets/memory-store'
import { wsProtocols } from '../shared/wire-handshake'
import { launchBrowserMode } from './browser-mode'
import { linkedAssets, startWebHost, type WebHost } from './server'

/**
 * Start-up (issue 10): the core boots once the page has its first load (or a WebSocket client
 * connects, or a wait passes), so the boot's synchronous steps never hold up the page's files.
 */
const SECRET = 'test-secret-0123456789-abcdefghijkl'
let root: string

/** The shape electron-vite writes: a module script and a stylesheet from assets/, an icon beside. */
const BUILT_HTML = `<!doctype html><html><head>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; connect-src 'none'" />
<link rel="icon" type="image/svg+xml" href="./icon.svg" />
<script type="module" crossorigin src="./assets/index-AbC123.js"></script>
<link rel="stylesheet" crossorigin href="./assets/index-Def456.css">
</head><body><div id="root"></div></body></html>`

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'td-first-'))
  mkdirSync(join(root, 'assets'))
  writeFileSync(join(root, 'index.html'), BUILT_HTML)
  writeFileSync(join(root, 'icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>')
  writeFileSync(join(root, 'assets', 'index-AbC123.js'), 'console.log(1)')
  writeFileSync(join(root, 'assets', 'index-Def456.css'), 'body{}')
  writeFileSync(join(root, 'assets', 'later-Ghi789.js'), 'console.log(2)')
})

afterAll(() => rmSync(root, { recursive: true, force: true }))

function get(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}` } }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
      .on('error', reject)
      .end()
  })
}

function openSocket(port: number): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, wsProtocols(SECRET), { headers: { origin: `http://127.0.0.1:${port}` } })
  return new Promise((resolve, reject) => ws.on('open', () => resolve(ws)).on('error', reject))
}

const tick = (ms = 50): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

describe('linkedAssets: what a page fetches on its first load', () => {
  it('finds the module script and the stylesheet of a built page, not its icon', () => {
    expect([...linkedAssets(BUILT_HTML)].sort()).toEqual(['/assets/index-AbC123.js', '/assets/index-Def456.css'])
  })

  it('reads root-relative and bare paths, and modulepreload links; ignores query and fragment', () => {
    const html = `<script src="/assets/a.js"></script><link rel="modulepreload" href="assets/b.js"><LINK REL="stylesheet" HREF="./assets/c.css?v=1">`
    expect([...linkedAssets(html)].sort()).toEqual(['/assets/a.js', '/assets/b.js', '/assets/c.css'])
  })

  it('a page that links nothing from assets/ has an empty first load', () => {
    expect(linkedAssets('<html><body><img src="./assets/x.png"></body></html>').size).toBe(0)
  })
})

describe('web host: onFirstClient', () => {
  let host: WebHost
  let calls = 0
  const core = (): ReturnType<typeof createCore> =>
    createCore({ host: 'browser', version: '1', runtime: 'Node', paths: dataPaths(join(root, 'data')), log: createMemoryLogger(), secretStore: new MemorySecretStore() })

  it('fires once, after the HTML and every script and style it links were sent, not before', async () => {
    const booted = core()
    calls = 0
    host = await startWebHost({ core: booted, rendererDir: root, port: 0, secret: SECRET, onFirstClient: () => calls++ })
    try {
      expect(await get(host.port, '/assets/index-AbC123.js')).toBe(200) // before the HTML: not a page load yet
      await tick()
      expect(calls).toBe(0)
      expect(await get(host.port, '/')).toBe(200)
      await tick()
      expect(calls).toBe(0)
      expect(await get(host.port, '/icon.svg')).toBe(200)
      expect(await get(host.port, '/assets/later-Ghi789.js')).toBe(200)
      expect(await get(host.port, '/assets/index-AbC123.js')).toBe(200)
      await tick()
      expect(calls).toBe(0) // the stylesheet is still missing
      expect(await get(host.port, '/assets/index-Def456.css')).toBe(200)
      await expect.poll(() => calls).toBe(1)
      expect(await get(host.port, '/')).toBe(200)
      expect(await get(host.port, '/assets/index-Def456.css')).toBe(200)
      const ws = await openSocket(host.port)
      ws.close()
      await tick()
      expect(calls).toBe(1)
    } finally {
      await host.close()
      await booted.dispose()
    }
  })

  it('fires when an authenticated WebSocket opens with no page loaded (a script using the contract)', async () => {
    const booted = core()
    calls = 0
    host = await startWebHost({ core: booted, rendererDir: root, port: 0, secret: SECRET, onFirstClient: () => calls++ })
    try {
      const refused = new WebSocket(`ws://127.0.0.1:${host.port}/ws`, wsProtocols('wrong-secret-0123456789-abcdefghij'), { headers: { origin: `http://127.0.0.1:${host.port}` } })
      await new Promise((resolve) => refused.on('error', resolve).on('close', resolve))
      await tick()
      expect(calls).toBe(0) // a refused client is nobody
      const ws = await openSocket(host.port)
      await expect.poll(() => calls).toBe(1)
      ws.close()
    } finally {
      await host.close()
      await booted.dispose()
    }
  })
})

describe('launchBrowserMode: the core boots after the page has its files', () => {
  const launch = (dataDir: string, pageFirstWaitMs: number): ReturnType<typeof launchBrowserMode> =>
    launchBrowserMode({ dataDir, rendererDir: root, version: 'test', pageFirstWaitMs })

  it('does not boot while no page or client has come, then boots once the page has its first load', async () => {
    const dataDir = join(root, 'launch-page')
    const mode = await launch(dataDir, 60_000)
    try {
      let up = false
      void mode.booted.then(() => (up = true))
      const port = Number(new URL(mode.url).port)
      await tick(300)
      expect(up).toBe(false)
      expect(existsSync(dataDir)).toBe(false) // nothing booted, nothing written
      await get(port, '/')
      await get(port, '/assets/index-AbC123.js')
      await tick(150)
      expect(up).toBe(false)
      await get(port, '/assets/index-Def456.css')
      const { core } = await mode.booted
      expect(core.tokens.list()).toEqual([])
    } finally {
      await mode.close()
    }
  })

  it('boots on its own after the wait when no page comes', async () => {
    const mode = await launch(join(root, 'launch-wait'), 100)
    try {
      const { core } = await mode.booted
      expect(core.accounts.list()).toEqual({ accounts: [], apps: [] })
    } finally {
      await mode.close()
    }
  })

  it('closed before any page came: the core never boots and the launch says so', async () => {
    const dataDir = join(root, 'launch-closed')
    const mode = await launch(dataDir, 60_000)
    await mode.close()
    await expect(mode.booted).rejects.toThrow('closed before its core booted')
    expect(existsSync(dataDir)).toBe(false)
  })
})
