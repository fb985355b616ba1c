import { bootCore } from '../core/boot'
import type { Core } from '../core/core'
import type { SandboxStatus } from '../shared/contract'
import { startWebHost, type WebHost } from './server'

export interface BrowserModeOptions {
  dataDir: string
  rendererDir: string
  version: string
  port?: number
  sandboxStatus?: () => SandboxStatus
}

export interface BrowserMode {
  url: string
  core: Core
  host: WebHost
  close(): Promise<void>
}

/** The browser-mode host: the same core as Electron, served over HTTP + WebSocket on loopback. */
export async function startBrowserMode(options: BrowserModeOptions): Promise<BrowserMode> {
  const core = await bootCore({
    host: 'browser',
    dataDir: options.dataDir,
    version: options.version,
    runtime: `Node ${process.version}`,
    echoLog: true,
    ...(options.sandboxStatus ? { sandboxStatus: options.sandboxStatus } : {})
  })
  const host = await startWebHost({ core, rendererDir: options.rendererDir, ...(options.port !== undefined ? { port: options.port } : {}) })
  return {
    url: host.url,
    core,
    host,
    close: async () => {
      await host.close()
      await core.dispose()
    }
  }
}
