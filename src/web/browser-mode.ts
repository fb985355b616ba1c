import { bootCore } from '../core/boot'
import type { Core } from '../core/core'
import { startEmbeddedSandbox, type EmbeddedSandbox } from '../sandbox/embedded'
import { startWebHost, type WebHost } from './server'

export interface BrowserModeOptions {
  dataDir: string
  rendererDir: string
  version: string
  port?: number
  /** Start the built-in sandbox too (`--demo`). */
  demo?: boolean
}

export interface BrowserMode {
  url: string
  core: Core
  host: WebHost
  sandbox: EmbeddedSandbox | null
  close(): Promise<void>
}

/** The browser-mode host: the same core as Electron, served over HTTP + WebSocket on loopback. */
export async function startBrowserMode(options: BrowserModeOptions): Promise<BrowserMode> {
  const sandbox = options.demo ? await startEmbeddedSandbox() : null
  const core = await bootCore({
    host: 'browser',
    dataDir: options.dataDir,
    version: options.version,
    runtime: `Node ${process.version}`,
    echoLog: true,
    ...(sandbox ? { sandboxStatus: sandbox.status } : {})
  })
  const host = await startWebHost({ core, rendererDir: options.rendererDir, ...(options.port !== undefined ? { port: options.port } : {}) })
  return {
    url: host.url,
    core,
    host,
    sandbox,
    close: async () => {
      await host.close()
      await core.dispose()
      await sandbox?.close()
    }
  }
}
