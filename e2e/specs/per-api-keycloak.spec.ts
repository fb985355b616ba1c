import { expect, startBrowserModeApp, test } from '../fixtures'
import { expectLiveToken, openAddAccount, sandboxValue, shoot, testLoginThenSave } from './per-api-helpers'

test.beforeEach(({}, testInfo) => {
  test.skip(testInfo.project.name !== 'web', 'needs --demo (the sandbox), which the browser-mode launcher starts')
})

test('Keycloak proxy: the demo client issues in one click; an account from the sandbox preset issues password and client-credentials tokens with countdowns', async ({}, testInfo) => {
  testInfo.setTimeout(120_000)
  const app = await startBrowserModeApp(['--demo'])
  try {
    const page = await app.page()
    await page.setViewportSize({ width: 1280, height: 800 })

    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Demo Keycloak/ }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Demo Keycloak' })).toBeVisible()
    await page.getByRole('listitem').getByRole('button', { name: 'Issue token' }).first().click()
    await expectLiveToken(page, /Demo Keycloak/)

    const [, password] = (await sandboxValue(page, 'Keycloak user')).split(' / ')
    const [userSecret] = (await sandboxValue(page, 'Keycloak tokendesk-demo')).split(' · ')
    const [serviceSecret] = (await sandboxValue(page, 'Keycloak tokendesk-service')).split(' · ')

    // The preset fills the user and the running sandbox's URL; the password is typed.
    const dialog = await openAddAccount(page, /Keycloak/)
    await dialog.getByRole('button', { name: 'Built-in sandbox: demo.user' }).click()
    await expect(dialog.getByLabel('Base URL', { exact: true })).toHaveValue(/^http:\/\/127\.0\.0\.1:\d+\//)
    await expect(dialog.getByLabel('User name', { exact: true })).toHaveValue('demo.user')
    await dialog.getByLabel('Account name', { exact: true }).fill('Hand Keycloak')
    await dialog.getByLabel('Password', { exact: true }).fill(password!)
    await testLoginThenSave(page, dialog, 'Hand Keycloak')

    for (const [name, clientId, secret, grant] of [
      ['Web login', 'tokendesk-demo', userSecret!, 'password'],
      ['Service', 'tokendesk-service', serviceSecret!, 'client_credentials']
    ] as const) {
      await page.getByRole('button', { name: 'Add client' }).click()
      const add = page.getByRole('dialog', { name: 'Add client to Hand Keycloak' })
      await add.getByLabel('Client name', { exact: true }).fill(name)
      await add.getByLabel('Client ID', { exact: true }).fill(clientId)
      await add.getByLabel('Client secret', { exact: true }).fill(secret)
      await add.getByLabel('Grant', { exact: true }).selectOption(grant)
      await add.getByRole('button', { name: 'Save client' }).click()
      await expect(add).toHaveCount(0)
      await page.getByRole('listitem', { name }).getByRole('button', { name: 'Issue token' }).click()
      await expectLiveToken(page, new RegExp(`Hand Keycloak · ${name}`))
    }
    await shoot(page, 'web-per-api-keycloak')
  } finally {
    await app.stop()
  }
})
