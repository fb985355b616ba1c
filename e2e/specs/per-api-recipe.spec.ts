import { expect, startBrowserModeApp, test } from '../fixtures'
import { expectLiveToken, openAddAccount, sandboxValue, shoot } from './per-api-helpers'

test.beforeEach(({}, testInfo) => {
  test.skip(testInfo.project.name !== 'web', 'needs --demo (the sandbox), which the browser-mode launcher starts')
})

test('Custom recipe: a preset recipe against the sandbox gets its secret input from its placeholder, tests live and issues with a countdown', async ({}, testInfo) => {
  testInfo.setTimeout(120_000)
  const app = await startBrowserModeApp(['--demo'])
  try {
    const page = await app.page()
    await page.setViewportSize({ width: 1280, height: 800 })
    const baseUrl = await sandboxValue(page, 'PocketPaw')
    const master = await sandboxValue(page, 'PocketPaw master')

    const dialog = await openAddAccount(page, /Custom recipe/)
    await dialog.getByRole('button', { name: 'PocketPaw session (as a recipe)' }).click()
    await expect(dialog.getByLabel('Headers', { exact: true })).toHaveValue(/\{\{secret:masterToken\}\}/)
    // The secret input exists because the headers name {{secret:masterToken}}.
    const secret = dialog.getByLabel('masterToken', { exact: true })
    await expect(secret).toHaveAttribute('type', 'password')
    await dialog.getByLabel('Account name', { exact: true }).fill('Recipe PocketPaw')
    await dialog.getByLabel('Base URL', { exact: true }).fill(baseUrl)
    await secret.fill(master)

    await dialog.getByRole('button', { name: 'Test recipe' }).click()
    const result = dialog.getByTestId('test-recipe-result')
    await expect(result).toHaveAttribute('role', 'status', { timeout: 15_000 })
    await expect(result).toContainText('HTTP 200')
    await expect(result).not.toContainText(master)
    await shoot(page, 'web-per-api-recipe-test')

    await dialog.getByRole('button', { name: 'Save account' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Recipe PocketPaw' })).toBeVisible()
    await page.getByRole('button', { name: 'Issue token' }).click()
    await expectLiveToken(page, /Recipe PocketPaw/)
    await shoot(page, 'web-per-api-recipe')
  } finally {
    await app.stop()
  }
})
