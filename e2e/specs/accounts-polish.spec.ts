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
