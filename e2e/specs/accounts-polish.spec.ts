import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Locator } from '@playwright/test'
import { expect, NO_DBUS, startBrowserModeApp, test } from '../fixtures'
import { shoot } from './per-api-helpers'

test.beforeEach(({}, testInfo) => {
  test.skip(testInfo.project.name !== 'web', 'browser-mode launch links and a controlled environment (no D-Bus)')
})

test('a stale launch link says so and where the current one is, instead of "Reconnecting…" forever', async ({}, testInfo) => {
  testInfo.setTimeout(90_000)
  const app = await startBrowserModeApp()
  try {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 800 } })
    // The link of an earlier start: same shape, another secret.
    await page.goto(app.url!.replace(/#secret=.*/, '#secret=' + 'x'.repeat(43)))
    await expect(page.getByRole('heading', { name: 'This launch link is out of date' })).toBeVisible()
    await expect(page.getByRole('alert')).toContainText('TokenDesk is running at')
    await expect(page.getByText('Link not accepted')).toBeVisible()
    await shoot(page, 'web-stale-link')
  } finally {
    await app.stop()
  }
})

test('without a keychain: the welcome names no keychain, Settings never calls it "In use", and one click creates and adopts a vault', async ({}, testInfo) => {
  testInfo.setTimeout(90_000)
  const app = await startBrowserModeApp([], { env: NO_DBUS })
  try {
    const page = await app.page()
    await page.setViewportSize({ width: 1280, height: 800 })
    await expect(page.getByRole('heading', { name: 'No accounts yet' })).toBeVisible()
    await expect(page.getByRole('main')).not.toContainText('in the OS keychain')
    await expectAbove(page.getByTestId('first-run-prompt'), page.getByRole('heading', { name: 'No accounts yet' }))

    await page.getByTestId('first-run-prompt').getByRole('button', { name: 'Use an encrypted vault' }).click()
    await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible()
    const keychain = page.getByTestId('backend-keychain')
    await expect(keychain.getByText('Unavailable')).toBeVisible()
    await expect(keychain.getByText('In use')).toHaveCount(0)
    // The fix does not send you to the page you are on.
    await expect(keychain).not.toContainText('in Settings')
    await page.emulateMedia({ colorScheme: 'light' })
    await shoot(page, 'web-settings-no-keychain-light')
    await page.emulateMedia({ colorScheme: 'dark' })
    await shoot(page, 'web-settings-no-keychain-dark')
    await page.emulateMedia({ colorScheme: 'light' })

    const create = page.getByTestId('vault-create')
    await create.getByLabel('Passphrase', { exact: true }).fill('correct horse battery staple 7')
    await create.getByLabel('Repeat passphrase').fill('correct horse battery staple 7')
    await create.getByRole('button', { name: 'Create vault and use it' }).click()
    await expect(page.getByTestId('backend-vault').getByText('In use')).toBeVisible()
    await expect(page.getByTestId('backend-vault').getByRole('button', { name: 'Use this' })).toHaveCount(0)

    // Now the welcome says where credentials really go.
    await page.keyboard.press('Alt+1')
    await expect(page.getByRole('main')).toContainText('in an encrypted vault file protected by your passphrase')
  } finally {
    await app.stop()
  }
})

/** `upper` ends above where `lower` starts: the two do not overlap on screen. */
async function expectAbove(upper: Locator, lower: Locator): Promise<void> {
  const a = await upper.boundingBox()
  const b = await lower.boundingBox()
  expect(a, 'upper element on screen').not.toBeNull()
  expect(b, 'lower element on screen').not.toBeNull()
  expect(a!.y + a!.height).toBeLessThanOrEqual(b!.y)
}

test('without a keychain, the prompt sits above the token list and its header, never over them', async ({}, testInfo) => {
  testInfo.setTimeout(120_000)
  const dataDir = mkdtempSync(join(tmpdir(), 'tokendesk-e2e-prompt-'))
  try {
    // The demo's accounts, then a launch as a user launches: the default keychain cannot be used.
    const demo = await startBrowserModeApp(['--demo'], { dataDir, env: NO_DBUS })
    await expect((await demo.page()).getByRole('heading', { name: 'All tokens' })).toBeVisible()
    await demo.stop()
    const app = await startBrowserModeApp([], { dataDir, env: NO_DBUS })
    try {
      const page = await app.page()
      await page.setViewportSize({ width: 1200, height: 760 })
      const prompt = page.getByTestId('first-run-prompt')
      await expect(prompt.getByRole('heading', { name: "The system keychain can't be used on this machine" })).toBeVisible()
      const header = page.getByRole('region', { name: 'All tokens' }).locator('header')
      await expect(header).toBeVisible()
      await expectAbove(prompt, header)
      await expectAbove(prompt, header.getByRole('button', { name: /^Clear expired/ }))
      await shoot(page, 'web-all-tokens-no-keychain')
    } finally {
      await app.stop()
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
})
