import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test as base, _electron, chromium, expect, type Browser, type Page } from '@playwright/test'
import { electronAvailability } from '../scripts/electron-binary'

export const root = join(dirname(fileURLToPath(import.meta.url)), '..')
export const artifacts = join(root, 'test-results', 'screenshots')

/** Debian's Chromium: Playwright's own browser download is not available on our machines. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-gpu']

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.TOKENDESK_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS })
}

export interface LaunchedApp {
  /** The browser-mode URL (with its secret) or undefined for Electron. */
  url: string | undefined
  dataDir: string
  output: () => string
  page(): Promise<Page>
  stop(): Promise<number | null>
}

/** A test that provokes page problems on purpose (the CSP probe) says so with this annotation. */
export const EXPECTS_PAGE_PROBLEMS = 'expects-page-problems'

/** Every page problem of the running test, whichever app it launched (tests in a worker run one at a time). */
const problemsOfThisTest: string[] = []

/**
 * Collects what a developer would see as red in the page's console and no test asserts on its
 * own: uncaught exceptions, and resources or styles the page's own CSP refused (a library adding a
 * <style> element did, twice). The automatic `pageProblemsGuard` fixture fails a test that leaves any.
 */
function watchPage(page: Page): Page {
  const record = (problem: string): number => problemsOfThisTest.push(problem)
  page.on('pageerror', (error) => record(`uncaught: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().includes('Content Security Policy')) record(`CSP: ${message.text()}`)
  })
  return page
}

/**
 * Starts TokenDesk exactly as a user does: `npm start -- --web --no-open --port 0 --data-dir …`,
 * and waits for the URL line.
 */
export interface BrowserModeLaunch {
  /** Reuse a data directory (a restart); it is then not deleted on stop. */
  dataDir?: string
  /** Environment changes for the app process; `undefined` removes a variable. */
  env?: Record<string, string | undefined>
}

/** No session bus: the keychain is deterministically unavailable, as on a server or in WSL. */
export const NO_DBUS = { DBUS_SESSION_BUS_ADDRESS: undefined, DISPLAY: undefined, WAYLAND_DISPLAY: undefined }

export async function startBrowserModeApp(
  extraArgs: string[] = [],
  launch: BrowserModeLaunch = {}
): Promise<LaunchedApp & { process: ChildProcess; browser: Browser }> {
  const ownsDataDir = launch.dataDir === undefined
  const dataDir = launch.dataDir ?? mkdtempSync(join(tmpdir(), 'tokendesk-e2e-'))
  const overrides = launch.env ?? {}
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries({ ...process.env, ...overrides }).filter(([key]) => !(key in overrides) || overrides[key] !== undefined)
  )
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'start.ts'), '--web', '--no-open', '--port', '0', '--data-dir', dataDir, ...extraArgs], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL line within 60 s:\n${output}`)), 60_000)
    const check = (): void => {
      const match = /TokenDesk is running at (\S+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(match[1]!)
      }
    }
    child.stdout.on('data', check)
    child.on('exit', (code) => reject(new Error(`npm start exited (${code}) before the URL line:\n${output}`)))
  })
  const browser = await launchChromium()
  return {
    url,
    dataDir,
    process: child,
    browser,
    output: () => output,
    page: async () => {
      const page = watchPage(await browser.newPage({ viewport: { width: 1200, height: 760 } }))
      await page.goto(url)
      return page
    },
    stop: async () => {
      await browser.close()
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
      child.kill('SIGINT')
      const code = await exited
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true })
      return code
    }
  }
}

async function startElectronApp(): Promise<LaunchedApp> {
  const availability = electronAvailability(root)
  if (!availability.ok) throw new Error(`Electron cannot start: ${availability.reason}`)
  const dataDir = mkdtempSync(join(tmpdir(), 'tokendesk-e2e-'))
  const app = await _electron.launch({ executablePath: availability.executable, args: [root, '--data-dir', dataDir] })
  let output = ''
  app.process().stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  return {
    url: undefined,
    dataDir,
    output: () => output,
    page: async () => watchPage(await app.firstWindow()),
    stop: async () => {
      await app.close()
      rmSync(dataDir, { recursive: true, force: true })
      return 0
    }
  }
}

interface Fixtures {
  app: LaunchedApp
  appPage: Page
  pageProblemsGuard: undefined
}

interface Options {
  host: 'web' | 'electron'
}

/** One set of specs, two hosts: the `host` option picks browser mode or Electron. */
export const test = base.extend<Fixtures & Options>({
  host: ['web', { option: true }],
  app: async ({ host }, use) => {
    const app = host === 'electron' ? await startElectronApp() : await startBrowserModeApp()
    await use(app)
    await app.stop()
  },
  pageProblemsGuard: [
    async ({}, use, testInfo) => {
      problemsOfThisTest.length = 0
      await use(undefined)
      const expected = testInfo.annotations.some((a) => a.type === EXPECTS_PAGE_PROBLEMS)
      // A test that already failed keeps its own error as the one reported.
      if (!expected && testInfo.status === testInfo.expectedStatus) expect(problemsOfThisTest, 'uncaught exceptions or CSP violations in the page').toEqual([])
    },
    { auto: true }
  ],
  appPage: async ({ app }, use) => {
    await use(await app.page())
  }
})


export { expect }
