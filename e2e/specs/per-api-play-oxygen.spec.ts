import { expect, startBrowserModeApp, test } from '../fixtures'
import { expectLiveToken, openAddAccount, sandboxValue, shoot, testLoginThenSave } from './per-api-helpers'

test.beforeEach(({}, testInfo) => {
  test.skip(testInfo.project.name !== 'web', 'needs --demo (the sandbox), which the browser-mode launcher starts')
})

test('Play Oxygen: the demo client issues in one click; a client added by hand issues a JWT with a countdown', async ({}, testInfo) => {
  testInfo.setTimeout(120_000)
  const app = await startBrowserModeApp(['--demo'])
  try {
    const page = await app.page()
    await page.setViewportSize({ width: 1280, height: 800 })

    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Demo Play Oxygen/ }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Demo Play Oxygen' })).toBeVisible()
    await expect(page.getByRole('heading', { name: 'Clients' })).toBeVisible()
    await page.getByRole('listitem').getByRole('button', { name: 'Issue token' }).first().click()
    await expectLiveToken(page, /Demo Play Oxygen/)

    const baseUrl = await sandboxValue(page, 'Play Oxygen')
    const [apiKey, secret] = (await sandboxValue(page, 'Play Oxygen 1002')).split(' / ')

    const dialog = await openAddAccount(page, /^Play Oxygen/)
    await dialog.getByLabel('Account name', { exact: true }).fill('Hand Oxygen')
    await dialog.getByLabel('Base URL', { exact: true }).fill(baseUrl)
    await testLoginThenSave(page, dialog, 'Hand Oxygen')

    await page.getByRole('button', { name: 'Add client' }).click()
    const add = page.getByRole('dialog', { name: 'Add client to Hand Oxygen' })
    await add.getByLabel('Client name', { exact: true }).fill('Game server')
    await add.getByLabel('Client ID', { exact: true }).fill('1002')
    await add.getByLabel('API key', { exact: true }).fill(apiKey!)
    await add.getByLabel('Secret', { exact: true }).fill(secret!)
    await add.getByRole('button', { name: 'Save client' }).click()
    await expect(add).toHaveCount(0)

    await page.getByRole('listitem', { name: 'Game server' }).getByRole('button', { name: 'Issue token' }).click()
    await expectLiveToken(page, /Hand Oxygen · Game server/)
    await shoot(page, 'web-per-api-play-oxygen')
  } finally {
    await app.stop()
  }
})
