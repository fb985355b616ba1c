import type { Core } from '../core/core'
import type { EmbeddedSandbox } from '../sandbox/embedded'
import type { SandboxSettingsPatch } from '../sandbox/index'
import { startWebHost, type WebHost } from './server'

export interface BrowserModeOptions {
  dataDir: string
  rendererDir: string
  version: string
  port?: number
  /** Start the built-in sandbox too (`--demo`). */
  demo?: boolean
  /** The built-in sandbox's settings (the bench shortens or lengthens token lifetimes). */
  sandboxSettings?: SandboxSettingsPatch
  /** PAGE_FIRST_WAIT_MS unless given (tests). */
  pageFirstWaitMs?: number
}

export interface Booted {
  core: Core
  sandbox: EmbeddedSandbox | null
}

/** Browser mode listening, with the core possibly still booting behind it. */
export interface BrowserModeLaunch {
  url: string
  host: WebHost
  /** Settles when the core (and the sandbox with `--demo`) is up; rejects if the boot failed. */
  booted: Promise<Booted>
  close(): Promise<void>
}

export interface BrowserMode extends Booted {
  url: string
  host: WebHost
  close(): Promise<void>
}

/**
 * The core (and with `--demo` the sandbox first, whose address the demo accounts need). Imported
 * on demand: in the bundled host (scripts/build-host.ts) these modules are a separate chunk that
 * loads and boots while the page is already loading.
 */
async function boot(options: BrowserModeOptions): Promise<Booted> {
  const sandbox = options.demo ? await (await import('../sandbox/embedded')).startEmbeddedSandbox(options.sandboxSettings) : null
  const { bootCore } = await import('../core/boot')
  const core = await bootCore({
    host: 'browser',
    dataDir: options.dataDir,
    version: options.version,
    runtime: `Node ${process.version}`,
    echoLog: true,
    ...(sandbox ? { sandboxStatus: sandbox.status } : {})
  })
  return { core, sandbox }
}

/**
 * How long the boot waits for a page to load first. With no page (the link not opened yet, or a
 * browser still starting), the core boots after this; nobody is waiting on it then. A WebSocket
 * client that loads no page (a script) starts the boot at once.
 */
export const PAGE_FIRST_WAIT_MS = 1_500

/**
 * Listens first, then boots once the page has its HTML, scripts and styles, or a WebSocket client
 * connects, or after PAGE_FIRST_WAIT_MS: Node serves the page and boots the core on one thread, and the boot's
 * synchronous steps held up the page's files by 0.4–1 s when both ran at once (issue 10). Now the
 * page parses and runs its script in the browser while the core boots here, and its first calls
 * wait for the boot.
 */
export async function launchBrowserMode(options: BrowserModeOptions): Promise<BrowserModeLaunch> {
  let release!: (go: boolean) => void
  const gate = new Promise<boolean>((resolve) => (release = resolve))
  const booted = gate.then((go) => (go ? boot(options) : Promise.reject(new Error('TokenDesk was closed before its core booted.'))))
  // Settled here too, so a failed boot is never an unhandled rejection while nobody awaits it yet.
  booted.catch(() => {})
  // If this throws (e.g. the port is taken), the gate never opens: nothing was booted.
  const host = await startWebHost({
    core: booted.then((b) => b.core),
    rendererDir: options.rendererDir,
    onFirstClient: () => release(true),
    ...(options.port !== undefined ? { port: options.port } : {})
  })
  const noPageYet = setTimeout(() => release(true), options.pageFirstWaitMs ?? PAGE_FIRST_WAIT_MS)
  void gate.then(() => clearTimeout(noPageYet))
  return {
    url: host.url,
    host,
    booted,
    close: async () => {
      clearTimeout(noPageYet)
      release(false) // no-op once the boot has begun
      await host.close()
      const up = await booted.catch(() => null)
      await up?.core.dispose()
      await up?.sandbox?.close()
    }
  }
}

/** The browser-mode host: the same core as Electron, served over HTTP + WebSocket on loopback. */
export async function startBrowserMode(options: BrowserModeOptions): Promise<BrowserMode> {
  const launch = await launchBrowserMode(options)
  const booted = await launch.booted.catch(async (error: unknown) => {
    await launch.close()
    throw error
  })
  return { ...booted, url: launch.url, host: launch.host, close: launch.close }
}
