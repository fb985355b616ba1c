import { execFile } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

/**
 * The built bundles, run for real: electron-vite builds with the project's own config into a
 * scratch folder, then the built `out/main/index.js` runs in Node with `electron` resolved to a
 * recording stand-in (no Electron binary exists here). This catches what the mocked unit tests
 * cannot: ESM imports from electron, the preload/renderer paths relative to the built main, the
 * sandbox-safe preload bundle, and the protocol serving the real built renderer.
 */

const run = promisify(execFile)
const repo = resolve(import.meta.dirname, '..', '..')
// Inside the repo (gitignored) so the built main resolves node_modules like out/ does.
const scratch = join(repo, '.tmp', `main-bundle-test-${process.pid}`)
const out = join(scratch, 'out')

const STUB = String.raw`
import { EventEmitter } from 'node:events'
const state = (globalThis.__electronStub = { log: [], ipc: new Map(), protocols: new Map(), windows: [], schemes: null, paths: {} })
const log = (line) => state.log.push(line)
class App extends EventEmitter {
  isPackaged = true
  setName(name) { log('setName ' + name) }
  setPath(key, value) { log('setPath ' + key); state.paths[key] = value }
  getPath(key) { return state.paths[key] ?? process.env.STUB_HOME + '/' + key }
  getAppPath() { return process.cwd() }
  getVersion() { return '0.1.0' }
  getName() { return 'TokenDesk' }
  enableSandbox() { log('enableSandbox') }
  requestSingleInstanceLock() { log('requestSingleInstanceLock'); return true }
  whenReady() { log('whenReady'); return Promise.resolve() }
  quit() { log('quit') }
  exit(code) { log('exit ' + code) }
}
export const app = new App()
export const ipcMain = { handle: (channel, fn) => state.ipc.set(channel, fn), removeHandler: (channel) => state.ipc.delete(channel), on() {} }
export const protocol = {
  registerSchemesAsPrivileged: (schemes) => { state.schemes = schemes; log('registerSchemesAsPrivileged') },
  handle: (scheme, fn) => state.protocols.set(scheme, fn),
  unhandle: (scheme) => state.protocols.delete(scheme)
}
class WebContents extends EventEmitter {
  session = { setPermissionRequestHandler: (h) => { this.permissionRequest = h }, setPermissionCheckHandler: (h) => { this.permissionCheck = h }, setDevicePermissionHandler() {} }
  mainFrame = { url: '', parent: null }
  sent = []
  setWindowOpenHandler(h) { this.windowOpen = h }
  isDestroyed() { return false }
  send(channel, payload) { this.sent.push([channel, payload]) }
}
export class BrowserWindow extends EventEmitter {
  constructor(options) { super(); this.options = options; this.webContents = new WebContents(); state.windows.push(this); log('new BrowserWindow') }
  async loadURL(url) { this.webContents.mainFrame.url = url; log('loadURL ' + url) }
  isDestroyed() { return false }
  isMinimized() { return false }
  show() { log('show') }
  focus() {}
  restore() {}
}
export const nativeTheme = { shouldUseDarkColors: false }
export const shell = { openExternal: async (url) => log('openExternal ' + url) }
export const dialog = { showErrorBox: (title, message) => log('showErrorBox ' + title + ': ' + message) }
export const crashReporter = { start: () => log('crashReporter.start') }
export const clipboard = { writeText: async () => {}, readText: async () => '', clear: () => {} }
export class Notification { static isSupported() { return false } }
export default { app, ipcMain, protocol, BrowserWindow, nativeTheme, shell, dialog, crashReporter, clipboard, Notification }
`

const HOOKS = `
export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: new URL('./electron-stub.mjs', import.meta.url).href, shortCircuit: true }
  return next(specifier, context)
}
`

const REGISTER = `
import { register } from 'node:module'
register('./hooks.mjs', import.meta.url)
`

const DRIVER = String.raw`
const [mainFile, dataDir] = process.argv.slice(2)
process.argv = ['tokendesk', '--data-dir', dataDir]
await import(mainFile)
const state = globalThis.__electronStub
for (let i = 0; i < 100 && state.windows.length === 0 && !state.log.some((l) => l.startsWith('showErrorBox')); i++) {
  await new Promise((r) => setTimeout(r, 50))
}
const window = state.windows[0]
const trusted = { senderFrame: { url: 'app://tokendesk/index.html', parent: null } }
const foreign = { senderFrame: { url: 'https://evil.example/', parent: null } }
const serve = state.protocols.get('app')
const fetchApp = async (url) => {
  const response = await serve(new Request(url))
  return { status: response.status, type: response.headers.get('content-type'), csp: response.headers.get('content-security-policy'), body: await response.text() }
}
const index = await fetchApp('app://tokendesk/index.html')
const scripts = [...index.body.matchAll(/src="([^"]+\.js)"/g)].map((m) => new URL(m[1], 'app://tokendesk/index.html').href)
const result = {
  log: state.log,
  schemes: state.schemes,
  channels: [...state.ipc.keys()],
  webPreferences: window.options.webPreferences,
  info: await state.ipc.get('td:command:app.info')(trusted, {}),
  foreign: await state.ipc.get('td:command:app.info')(foreign, {}),
  index: { status: index.status, type: index.type, csp: index.csp },
  scripts: await Promise.all(scripts.map(async (url) => { const r = await fetchApp(url); return { url, status: r.status, type: r.type } })),
  escape: (await fetchApp('app://tokendesk/..%2f..%2fpackage.json')).status
}
const deferred = { prevented: false, preventDefault() { this.prevented = true } }
state.windows.length && (await import('electron')).app.emit('will-quit', deferred)
await new Promise((r) => setTimeout(r, 200))
result.quit = { prevented: deferred.prevented, channelsLeft: state.ipc.size, protocolsLeft: state.protocols.size }
process.stdout.write('\nRESULT ' + JSON.stringify(result) + '\n')
process.exit(0)
`

interface DriverResult {
  log: string[]
  schemes: unknown
  channels: string[]
  webPreferences: Record<string, unknown>
  info: { ok: boolean; value?: { host: string; dataDir: string } }
  foreign: { ok: boolean; error?: { code: string } }
  index: { status: number; type: string; csp: string }
  scripts: Array<{ url: string; status: number; type: string }>
  escape: number
  quit: { prevented: boolean; channelsLeft: number; protocolsLeft: number }
}

let result: DriverResult

beforeAll(async () => {
  rmSync(scratch, { recursive: true, force: true })
  mkdirSync(join(scratch, 'stub'), { recursive: true })
  const config = join(scratch, 'electron.vite.config.ts')
  // The project's config, with only the output folders moved into the scratch folder.
  writeFileSync(
    config,
    `import base from ${JSON.stringify(join(repo, 'electron.vite.config.ts'))}
const at = (part, dir) => ({ ...part, build: { ...part.build, outDir: ${JSON.stringify(out)} + '/' + dir } })
export default { ...base, main: at(base.main, 'main'), preload: at(base.preload, 'preload'), renderer: at(base.renderer, 'renderer') }
`
  )
  await run(process.execPath, [join(repo, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '-c', config, '--logLevel', 'error'], {
    cwd: repo,
    maxBuffer: 16 * 1024 * 1024
  })
  writeFileSync(join(scratch, 'stub', 'electron-stub.mjs'), STUB)
  writeFileSync(join(scratch, 'stub', 'hooks.mjs'), HOOKS)
  writeFileSync(join(scratch, 'stub', 'register.mjs'), REGISTER)
  writeFileSync(join(scratch, 'stub', 'driver.mjs'), DRIVER)
  const { stdout } = await run(
    process.execPath,
    ['--import', join(scratch, 'stub', 'register.mjs'), join(scratch, 'stub', 'driver.mjs'), join(out, 'main', 'index.js'), join(scratch, 'data')],
    // No D-Bus: the keychain answers "unavailable" at once instead of reaching a real keyring.
    { cwd: repo, env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'disabled:', STUB_HOME: join(scratch, 'home') }, maxBuffer: 16 * 1024 * 1024 }
  )
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '))
  if (line === undefined) throw new Error(`the built main printed no result:\n${stdout}`)
  result = JSON.parse(line.slice('RESULT '.length)) as DriverResult
}, 120_000)

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true })
})

describe('the built Electron bundles', () => {
  it('the preload is one CommonJS file that requires electron and nothing else (sandbox-safe)', () => {
    const preload = readFileSync(join(out, 'preload', 'index.cjs'), 'utf8')
    expect([...new Set([...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]))]).toEqual(['electron'])
    expect(preload).not.toMatch(/\bimport\.meta\b|^\s*import\s/m)
  })

  it('the built main runs the lifecycle in order and never starts the crash reporter', () => {
    const steps = ['setName TokenDesk', 'setPath userData', 'enableSandbox', 'registerSchemesAsPrivileged', 'requestSingleInstanceLock', 'whenReady', 'new BrowserWindow', 'loadURL app://tokendesk/index.html']
    expect(result.log.filter((line) => steps.includes(line))).toEqual(steps)
    expect(result.log.some((line) => line.startsWith('showErrorBox') || line === 'crashReporter.start')).toBe(false)
    expect(result.schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }])
  })

  it('the window points at the built preload, locked down', () => {
    expect(result.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, devTools: false })
    expect(result.webPreferences.preload).toBe(join(out, 'preload', 'index.cjs'))
  })

  it('answers trusted IPC from the real core and refuses a foreign sender', () => {
    expect(result.channels.length).toBeGreaterThan(0)
    expect(result.info).toMatchObject({ ok: true, value: { host: 'electron', dataDir: join(scratch, 'data') } })
    expect(result.foreign).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
  })

  it('serves the built renderer over app:// with the CSP header, and nothing outside it', () => {
    expect(result.index).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' })
    expect(result.index.csp).toContain("default-src 'none'")
    expect(result.scripts.length).toBeGreaterThan(0)
    for (const script of result.scripts) expect(script).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8' })
    expect(result.escape).toBe(403)
  })

  it('on quit, defers once to dispose and removes every handler and the protocol', () => {
    expect(result.quit).toEqual({ prevented: true, channelsLeft: 0, protocolsLeft: 0 })
  })
})
