import { expect, startBrowserModeApp, test } from '../fixtures'
import { expectLiveToken, literal, openAddAccount, sandboxValue, shoot, testLoginThenSave } from './per-api-helpers'

test.beforeEach(({}, testInfo) => {
  test.skip(testInfo.project.name !== 'web', 'needs --demo (the sandbox), which the browser-mode launcher starts')
})

test('Respoke: the demo account issues in one click; an account added by hand imports its apps and issues an App-Token with a countdown', async ({}, testInfo) => {
  testInfo.setTimeout(120_000)
  const app = await startBrowserModeApp(['--demo'])
  try {
    const page = await app.page()
    await page.setViewportSize({ width: 1280, height: 800 })

    // The demo account is ready: one click on its app's Issue token.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Demo Respoke/ }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Demo Respoke' })).toBeVisible()
    const demoApp = page.getByRole('listitem', { name: 'Demo app', exact: true })
    await demoApp.getByRole('button', { name: 'Issue token' }).click()
    await expectLiveToken(page, /Demo app/)

    // By hand, with what Diagnostics shows.
    const baseUrl = await sandboxValue(page, 'Respoke')
    const [username, password] = (await sandboxValue(page, 'Respoke admin')).split(' / ')
    // The sandbox's second app is in development mode: it needs no Role ID (the import cannot know one).
    const [appId, secretPart] = (await sandboxValue(page, 'Respoke app', 1)).split(' · ')
    const appSecret = secretPart!.replace(/^secret /, '')

    const dialog = await openAddAccount(page, /^Respoke/)
    await dialog.getByLabel('Account name', { exact: true }).fill('Hand Respoke')
    await dialog.getByLabel('Base URL', { exact: true }).fill(baseUrl)
    await dialog.getByLabel('Admin user name', { exact: true }).fill(username!)
    await dialog.getByLabel('Admin password', { exact: true }).fill(password!)
    await testLoginThenSave(page, dialog, 'Hand Respoke')

    // The admin login issues from the header.
    await page.getByRole('button', { name: 'Issue token' }).first().click()
    await expect(page.getByRole('region', { name: 'Tokens' }).getByRole('row', { name: /Hand Respoke/ }).first()).toBeVisible()

    // Import the apps from the server; their secrets are not listed there, so add one by Edit.
    await page.getByRole('button', { name: 'More for Hand Respoke' }).click()
    await page.getByRole('menuitem', { name: 'Import apps' }).click()
    await expect(page.getByRole('status').filter({ hasText: /Imported \d+ apps?/ })).toBeVisible()
    const row = page.getByRole('listitem').filter({ hasText: appId! }).first()
    await expect(row).toContainText('App-Secret not stored yet')
    const appName = (await row.locator('strong').first().textContent())!
    await row.getByRole('button', { name: `More for ${appName}` }).click()
    await page.getByRole('menuitem', { name: 'Edit app' }).click()
    const edit = page.getByRole('dialog', { name: `Edit ${appName}` })
    await expect(edit.getByLabel('App-Secret', { exact: true })).toHaveAttribute('placeholder', '')
    await edit.getByLabel('App-Secret', { exact: true }).fill(appSecret)
    await edit.getByRole('button', { name: 'Save changes' }).click()
    await expect(edit).toHaveCount(0)
    await expect(row).not.toContainText('not stored yet')

    await row.getByRole('button', { name: 'Issue token' }).click()
    await expectLiveToken(page, literal(`Hand Respoke · ${appName}`))
    await shoot(page, 'web-per-api-respoke')
  } finally {
    await app.stop()
  }
})
