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
 * Listens first, then boots: the page's HTML and JavaScript are served while the core loads its
 * records, so start-up costs the longer of the two instead of their sum. Calls that arrive
 * before the core is up wait for it.
 */
export async function launchBrowserMode(options: BrowserModeOptions): Promise<BrowserModeLaunch> {
  const booted = boot(options)
  // Settled here too, so a failed boot is never an unhandled rejection while nobody awaits it yet.
  booted.catch(() => {})
  let host: WebHost
  try {
    host = await startWebHost({ core: booted.then((b) => b.core), rendererDir: options.rendererDir, ...(options.port !== undefined ? { port: options.port } : {}) })
  } catch (error) {
    // Could not listen (e.g. the port is taken): stop what the boot started, then say why.
    const up = await booted.catch(() => null)
    await up?.core.dispose()
    await up?.sandbox?.close()
    throw error
  }
  return {
    url: host.url,
    host,
    booted,
    close: async () => {
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
