import { expect, startBrowserModeApp, test } from '../fixtures'
import { expectLiveToken, shoot } from './per-api-helpers'

test.beforeEach(({}, testInfo) => {
  test.skip(testInfo.project.name !== 'web', 'screenshots of browser mode; the same renderer runs in Electron')
})

type Page = import('@playwright/test').Page

/** The same screen in both themes. */
async function both(page: Page, name: string): Promise<void> {
  await page.emulateMedia({ colorScheme: 'light' })
  await shoot(page, `${name}-light`)
  await page.emulateMedia({ colorScheme: 'dark' })
  await shoot(page, `${name}-dark`)
  await page.emulateMedia({ colorScheme: 'light' })
}

test('a first run welcomes with Add account and Try the sandbox, and the dialog walks through both steps', async ({}, testInfo) => {
  testInfo.setTimeout(90_000)
  const app = await startBrowserModeApp()
  try {
    const page = await app.page()
    await page.setViewportSize({ width: 1280, height: 800 })
    await expect(page.getByRole('heading', { name: 'No accounts yet' })).toBeVisible()
    await expect(page.getByText('Welcome to TokenDesk')).toBeVisible()
    await page.getByRole('button', { name: 'Try the sandbox' }).click()
    await expect(page.getByRole('region', { name: 'Sandbox' })).toContainText('npm start -- --demo')
    await both(page, 'web-welcome')

    await page.getByRole('main').getByRole('button', { name: 'Add account' }).click()
    const picker = page.getByRole('dialog', { name: 'Add account' })
    await expect(picker.getByRole('button')).toHaveCount(6) // five providers + Close
    await both(page, 'web-add-account-step1')
    await picker.getByRole('button', { name: /^Respoke/ }).click()
    const form = page.getByRole('dialog', { name: 'Add a Respoke account' })
    await form.getByRole('button', { name: 'Save account' }).click()
    await expect(form.getByText('Admin password is required.')).toBeVisible()
    await both(page, 'web-add-account-step2')
    await page.keyboard.press('Escape')
    await expect(page.getByRole('dialog')).toHaveCount(0)
  } finally {
    await app.stop()
  }
})

test('the account page, the palette and the shortcut sheet in --demo, in both themes and three window sizes', async ({}, testInfo) => {
  testInfo.setTimeout(120_000)
  const app = await startBrowserModeApp(['--demo'])
  try {
    const page = await app.page()
    await page.setViewportSize({ width: 1280, height: 800 })
    const nav = page.getByRole('navigation', { name: 'Main' })

    // A few live tokens for the dashboard.
    await nav.getByRole('button', { name: /^Demo PocketPaw/ }).click()
    await page.getByRole('button', { name: 'Issue token' }).click()
    await expectLiveToken(page, /Demo PocketPaw/)
    await nav.getByRole('button', { name: /^Demo Keycloak/ }).click()
    await page.getByRole('listitem').getByRole('button', { name: 'Issue token' }).first().click()
    await expectLiveToken(page, /Demo Keycloak/)
    await nav.getByRole('button', { name: /^Demo Play Oxygen/ }).click()
    await page.getByRole('listitem').getByRole('button', { name: 'Issue token' }).first().click()
    await expectLiveToken(page, /Demo Play Oxygen/)
    await nav.getByRole('button', { name: /^Demo Respoke/ }).click()
    await page.getByRole('button', { name: 'Issue token' }).first().click()
    await page.getByRole('listitem', { name: 'Demo app', exact: true }).getByRole('button', { name: 'Issue token' }).click()
    await expectLiveToken(page, /Demo app/)
    await page.mouse.move(0, 0)
    await page.waitForTimeout(300)
    await both(page, 'web-account-page')

    await page.getByRole('button', { name: 'More for Demo Respoke' }).click()
    await expect(page.getByRole('menuitem', { name: 'Import apps' })).toBeVisible()
    await both(page, 'web-account-menu')
    await page.keyboard.press('Escape')

    for (const [width, height] of [
      [820, 520],
      [1920, 1080]
    ] as const) {
      await page.setViewportSize({ width, height })
      await page.waitForTimeout(200)
      await both(page, `web-account-page-${width}x${height}`)
    }
    await page.setViewportSize({ width: 1280, height: 800 })

    await page.keyboard.press('Control+k')
    const palette = page.getByRole('combobox', { name: 'Search or run a command' })
    await palette.fill('keycloak')
    await expect(page.getByRole('option', { name: /Copy Demo Keycloak/ })).toBeVisible()
    await both(page, 'web-palette')
    await page.keyboard.press('Escape')

    await page.keyboard.press('?')
    await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible()
    await both(page, 'web-shortcuts')
    await page.keyboard.press('Escape')

    await page.keyboard.press('Alt+1')
    await expect(page.getByRole('heading', { name: 'All tokens' })).toBeVisible()
    await page.waitForTimeout(1200)
    await shoot(page, 'web-readme-dashboard')
  } finally {
    await app.stop()
  }
})
