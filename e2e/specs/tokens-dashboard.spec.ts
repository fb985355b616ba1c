import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { artifacts, expect, startBrowserModeApp, test } from '../fixtures'

test.beforeEach(({}, testInfo) => {
  test.skip(testInfo.project.name !== 'web', 'drives the demo sandbox through browser mode')
})

const ACCOUNTS = ['Demo Keycloak', 'Demo PocketPaw', 'Demo Play Oxygen', 'Demo Respoke']

async function issueEverywhere(page: Page): Promise<void> {
  for (const name of ACCOUNTS) {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: new RegExp(`^${name}`) }).click()
    const buttons = page.getByRole('button', { name: 'Issue token' })
    await expect(buttons.first()).toBeVisible()
    const n = await buttons.count()
    for (let i = 0; i < n; i++) {
      await buttons.nth(i).click()
      await expect(buttons.nth(i)).toBeEnabled({ timeout: 15_000 })
    }
  }
}

async function shoot(page: Page, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme })
    await page.waitForTimeout(150)
    await page.screenshot({ path: join(artifacts, `${name}-${scheme}.png`) })
  }
  await page.emulateMedia({ colorScheme: 'light' })
}

test('All tokens: live tokens from every demo account, detail panel, timeline, screenshots', async ({}, testInfo) => {
  testInfo.setTimeout(180_000)
  const app = await startBrowserModeApp(['--demo'])
  try {
    const page = await app.page()
    await page.setViewportSize({ width: 1280, height: 800 })
    await issueEverywhere(page)
    // The account page shows the same rows (UI-A's page, this feature's TokenList).
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Demo Keycloak/ }).click()
    await expect(page.getByRole('grid', { name: 'Tokens' }).getByRole('row')).toHaveCount(2)
    await shoot(page, 'tokens-account-page-1280')
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /All tokens/ }).click()
    const grid = page.getByRole('grid', { name: 'Tokens' })
    await expect(grid.getByRole('row').first()).toBeVisible()
    const rows = await grid.getByRole('row').count()
    expect(rows).toBeGreaterThanOrEqual(4)
    await shoot(page, 'tokens-dashboard-1280')
    await page.setViewportSize({ width: 1920, height: 1080 })
    await shoot(page, 'tokens-dashboard-1920')
    await grid.getByRole('row').first().click()
    await expect(page.getByRole('complementary')).toBeVisible()
    await expect(page.getByRole('complementary').getByRole('heading', { name: 'Audit timeline' })).toBeVisible()
    await shoot(page, 'tokens-detail-1920')
    await page.setViewportSize({ width: 1280, height: 800 })
    await shoot(page, 'tokens-detail-1280')
    await page.setViewportSize({ width: 820, height: 520 })
    await shoot(page, 'tokens-detail-820')
    await page.keyboard.press('Escape')
    await shoot(page, 'tokens-dashboard-820')
    await page.setViewportSize({ width: 1280, height: 800 })
    await page.getByRole('group', { name: 'Show as' }).getByRole('button', { name: 'Timeline' }).click()
    await expect(page.getByRole('list', { name: 'Token lifetimes' }).getByRole('listitem').first()).toBeVisible()
    await shoot(page, 'tokens-timeline-1280')
    await page.getByRole('group', { name: 'Time range' }).getByRole('button', { name: '4 w' }).click()
    await shoot(page, 'tokens-timeline-4w-1280')
    await page.setViewportSize({ width: 1920, height: 1080 })
    await page.getByRole('group', { name: 'Time range' }).getByRole('button', { name: '1 h' }).click()
    await shoot(page, 'tokens-timeline-1920')
    await page.setViewportSize({ width: 820, height: 520 })
    await shoot(page, 'tokens-timeline-820')
  } finally {
    await app.stop()
  }
})
