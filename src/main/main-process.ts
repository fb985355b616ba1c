import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { app, clipboard, dialog, Notification, type BrowserWindow } from 'electron'
import { bootCore } from '../core/boot'
import type { Core } from '../core/core'
import { startEmbeddedSandbox } from '../sandbox/embedded'
import { electronBootOptions } from './boot-options'
import { electronClipboard, showTokenNotices } from './desktop-services'
import { parseMainArgs } from './cli-args'
import { forwardCoreEvents, registerCommandHandlers, type Dispose } from './ipc'
import { rendererEntryUrl, trustedOrigins } from './origins'
import { registerAppScheme, serveRenderer } from './protocol'
import { createElectronStoreBacking } from './settings-store'
import { createAppWindow, guardEveryWebContents } from './window'
import { WindowRegistry } from './window-registry'

export interface BundlePaths {
  preload: string
  rendererRoot: string
}

/** electron-vite's layout: out/main/index.js beside out/preload/index.cjs and out/renderer/. */
export function bundlePaths(mainModuleUrl: string): BundlePaths {
  const mainDir = dirname(fileURLToPath(mainModuleUrl))
  return { preload: join(mainDir, '..', 'preload', 'index.cjs'), rendererRoot: join(mainDir, '..', 'renderer') }
}

function focus(window: BrowserWindow | undefined): void {
  if (window === undefined) return
  if (window.isMinimized()) window.restore()
  window.show()
  window.focus()
}

/**
 * The Electron host's lifecycle. Everything here is wiring; the decisions live in the pure
 * modules it calls (args, origins, window options, protocol paths, sender check).
 * Returns a promise that settles once the first window exists (or the instance gave way).
 */
export async function startMainProcess(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const args = parseMainArgs(argv)
  for (const problem of args.problems) process.stderr.write(`TokenDesk: ${problem}\n`)

  app.setName('TokenDesk')
  // Before ready and before the lock: the single-instance lock lives in userData, so two
  // different --data-dir folders are two independent instances.
  if (args.dataDir !== null) app.setPath('userData', args.dataDir)
  app.enableSandbox()
  registerAppScheme()
  // crashReporter is never started: a crash dump holds process memory (tokens), and there is
  // no server we would upload it to. Not starting it means no collection and no upload.

  if (!app.requestSingleInstanceLock()) {
    app.quit()
    return
  }

  const registry = new WindowRegistry()
  app.on('second-instance', () => focus(registry.first()))

  const originInput = { isPackaged: app.isPackaged, devServerUrl: env.ELECTRON_RENDERER_URL }
  const origins = trustedOrigins(originInput)
  // Before any webContents can exist: whatever creates one later, it is guarded like our windows.
  guardEveryWebContents(app, origins)

  await app.whenReady()
  const paths = bundlePaths(import.meta.url)
  const iconPath = join(app.getAppPath(), 'resources', 'icon.png')
  const stopServing = serveRenderer(paths.rendererRoot)

  // --demo: the sandbox runs inside the app, on a free loopback port, and stops with it.
  const sandbox = args.demo ? await startEmbeddedSandbox() : null

  let core: Core
  try {
    core = await bootCore(
      electronBootOptions({
        userDataDir: app.getPath('userData'),
        version: app.getVersion(),
        electronVersion: process.versions.electron ?? 'unknown',
        settingsBacking: createElectronStoreBacking,
        clipboard: electronClipboard(clipboard),
        ...(sandbox ? { sandboxStatus: sandbox.status } : {})
      })
    )
  } catch (error) {
    dialog.showErrorBox('TokenDesk could not start', error instanceof Error ? error.message : String(error))
    app.exit(1)
    return
  }

  const disposers: Dispose[] = [
    registerCommandHandlers(core),
    forwardCoreEvents(core, registry),
    stopServing,
    showTokenNotices({
      core,
      createNotification: (options) => new Notification(options),
      isSupported: () => Notification.isSupported(),
      supportsActions: process.platform === 'darwin',
      focusToken: (tokenId) => {
        focus(registry.first())
        core.events.emit('tokens.focus', { tokenId })
      }
    })
  ]

  const openWindow = (): BrowserWindow =>
    createAppWindow({
      preloadPath: paths.preload,
      entryUrl: rendererEntryUrl(originInput),
      isPackaged: app.isPackaged,
      origins,
      registry,
      ...(existsSync(iconPath) ? { iconPath } : {}),
      onLoadFailed: (error) => {
        // A hidden window that never paints would leave TokenDesk running with no UI: say so and quit.
        core.log.error('main', 'the window could not load the renderer', error)
        const reason = error instanceof Error ? error.message : String(error)
        dialog.showErrorBox(
          'TokenDesk could not open its window',
          `The user interface did not load (${reason}). Reinstall TokenDesk, or run \`npm run build\` when running from source.`
        )
        app.quit()
      }
    })

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  app.on('activate', () => {
    if (registry.live().length === 0) openWindow()
  })

  // Quit waits once for the core to flush and close, then quits for real.
  let disposed = false
  let disposing = false
  app.on('will-quit', (event) => {
    if (disposed) return
    event.preventDefault()
    if (disposing) return
    disposing = true
    for (const dispose of disposers) dispose()
    Promise.all([core.dispose(), sandbox?.close()])
      .catch((error: unknown) => core.log.error('main', 'core did not shut down cleanly', error))
      .finally(() => {
        disposed = true
        app.quit()
      })
  })

  openWindow()
}
