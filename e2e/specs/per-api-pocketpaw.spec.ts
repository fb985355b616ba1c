import { expect, startBrowserModeApp, test } from '../fixtures'
import { expectLiveToken, openAddAccount, sandboxValue, shoot, testLoginThenSave } from './per-api-helpers'

test.beforeEach(({}, testInfo) => {
  test.skip(testInfo.project.name !== 'web', 'needs --demo (the sandbox), which the browser-mode launcher starts')
})

test('PocketPaw: the demo account issues in one click; an account added by hand with its master token issues a session with a countdown', async ({}, testInfo) => {
  testInfo.setTimeout(120_000)
  const app = await startBrowserModeApp(['--demo'])
  try {
    const page = await app.page()
    await page.setViewportSize({ width: 1280, height: 800 })

    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Demo PocketPaw/ }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Demo PocketPaw' })).toBeVisible()
    await page.getByRole('button', { name: 'Issue token' }).click()
    await expectLiveToken(page, /Demo PocketPaw/)

    const baseUrl = await sandboxValue(page, 'PocketPaw')
    const master = await sandboxValue(page, 'PocketPaw master')

    // A wrong master token: Test login says so, with what to fix, and nothing is saved.
    const dialog = await openAddAccount(page, /^PocketPaw/)
    await dialog.getByLabel('Account name', { exact: true }).fill('Hand PocketPaw')
    await dialog.getByLabel('Base URL', { exact: true }).fill(baseUrl)
    await dialog.getByLabel('Master token', { exact: true }).fill('not-the-master-token')
    await dialog.getByRole('button', { name: 'Test login' }).click()
    await expect(dialog.getByTestId('test-login-result')).toHaveAttribute('role', 'alert')
    await expect(dialog.getByTestId('test-login-result')).toContainText('Fix:')

    await dialog.getByLabel('Master token', { exact: true }).fill(master)
    await testLoginThenSave(page, dialog, 'Hand PocketPaw')
    await expect(page.getByRole('button', { name: 'Issue token' })).toContainText('Issue token · Session token')
    // `i` issues on an account page.
    await page.keyboard.press('i')
    const row = await expectLiveToken(page, /Hand PocketPaw/)
    // Focus and selection move to the new token.
    const grid = page.getByRole('region', { name: 'Tokens' }).getByRole('grid')
    await expect(grid).toBeFocused()
    await expect(grid).toHaveAttribute('aria-activedescendant', (await row.getAttribute('id'))!)
    await shoot(page, 'web-per-api-pocketpaw')
  } finally {
    await app.stop()
  }
})
