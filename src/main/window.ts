import { BrowserWindow, nativeTheme, shell, type App, type BrowserWindowConstructorOptions, type Session, type WebContents } from 'electron'
import { externalLinkTarget } from './external-links'
import { isTrustedUrl, type TrustedOrigins } from './origins'
import { WindowRegistry } from './window-registry'

/** Window background before the renderer paints: the renderer's `--bg` in each theme. */
export const WINDOW_BACKGROUND = { light: '#f6f7f9', dark: '#14161b' } as const

export interface AppWindowOptionsInput {
  preloadPath: string
  isPackaged: boolean
  platform: NodeJS.Platform
  darkTheme: boolean
  /** Window icon (Linux/Windows); macOS takes it from the bundle. */
  iconPath?: string
}

/**
 * The options of every TokenDesk window (checklist items 2–4, 6, 8–10). Pure, so the test can
 * compare it field by field. `webSecurity`, `allowRunningInsecureContent`, `experimentalFeatures`
 * and `enableBlinkFeatures` are deliberately absent: their defaults are the safe values.
 */
export function appWindowOptions(input: AppWindowOptionsInput): BrowserWindowConstructorOptions {
  const isMac = input.platform === 'darwin'
  return {
    title: 'TokenDesk',
    width: 1200,
    height: 780,
    minWidth: 820,
    minHeight: 520,
    show: false,
    backgroundColor: input.darkTheme ? WINDOW_BACKGROUND.dark : WINDOW_BACKGROUND.light,
    // macOS: the renderer's 44 px draggable header is the title bar, traffic lights inset and
    // centred in it. Elsewhere the native frame (reliable on every Linux WM), menu bar hidden.
    ...(isMac
      ? { titleBarStyle: 'hiddenInset' as const, trafficLightPosition: { x: 14, y: 14 } }
      : { autoHideMenuBar: true }),
    ...(input.iconPath !== undefined && !isMac ? { icon: input.iconPath } : {}),
    webPreferences: {
      preload: input.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      // Typed secrets must not go to a spellchecker (and Linux would download dictionaries).
      spellcheck: false,
      devTools: !input.isPackaged
    }
  }
}

type OpenExternal = (url: string) => Promise<void>

/**
 * Checklist items 12–15 on one webContents: no navigation or redirect away from the app origin,
 * no new windows (https links go to the OS browser instead), no <webview>.
 */
export function guardWebContents(
  contents: WebContents,
  origins: TrustedOrigins,
  openExternal: OpenExternal = (url) => shell.openExternal(url)
): void {
  const keepInsideApp = (event: { url: string; preventDefault(): void }): void => {
    if (!isTrustedUrl(event.url, origins)) event.preventDefault()
  }
  contents.on('will-navigate', keepInsideApp)
  contents.on('will-frame-navigate', keepInsideApp)
  contents.on('will-redirect', keepInsideApp)
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    const target = externalLinkTarget(url)
    if (target !== null) {
      openExternal(target).catch(() => {
        // No browser to open it with: nothing the app can do, and nothing to leak.
      })
    }
    return { action: 'deny' }
  })
}

/** Checklist item 5: Electron grants every permission unless told otherwise. Deny all. */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
  session.setDevicePermissionHandler(() => false)
}

/**
 * The same guards, app-wide: every webContents Electron creates (a window made without the
 * factory, a child window, a <webview> that slipped through, DevTools) gets the factory's
 * navigation, window-open and permission rules the moment it exists. The factory still guards its
 * own windows explicitly; doing it twice is harmless (same handlers, same verdicts).
 */
export function guardEveryWebContents(
  app: Pick<App, 'on'>,
  origins: TrustedOrigins,
  openExternal: OpenExternal = (url) => shell.openExternal(url)
): void {
  const sessions = new WeakSet<Session>()
  app.on('web-contents-created', (_event, contents) => {
    guardWebContents(contents, origins, openExternal)
    if (!sessions.has(contents.session)) {
      sessions.add(contents.session)
      denyAllPermissions(contents.session)
    }
  })
}

export interface CreateAppWindowInput {
  preloadPath: string
  /** `app://tokendesk/index.html`, or the dev server's URL in dev. */
  entryUrl: string
  isPackaged: boolean
  origins: TrustedOrigins
  registry: WindowRegistry
  iconPath?: string
  onLoadFailed?: (error: unknown) => void
}

/** The one window factory: every BrowserWindow of the app comes from here, guarded. */
export function createAppWindow(input: CreateAppWindowInput): BrowserWindow {
  const window = new BrowserWindow(
    appWindowOptions({
      preloadPath: input.preloadPath,
      isPackaged: input.isPackaged,
      platform: process.platform,
      darkTheme: nativeTheme.shouldUseDarkColors,
      ...(input.iconPath === undefined ? {} : { iconPath: input.iconPath })
    })
  )
  guardWebContents(window.webContents, input.origins)
  denyAllPermissions(window.webContents.session)
  input.registry.add(window)
  // Shown once painted, so the user never sees a blank white frame.
  window.once('ready-to-show', () => window.show())
  window.loadURL(input.entryUrl).catch((error: unknown) => input.onLoadFailed?.(error))
  return window
}
