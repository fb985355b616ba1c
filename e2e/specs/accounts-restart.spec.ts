import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, startBrowserModeApp, test } from '../fixtures'
import { COUNTDOWN, shoot } from './per-api-helpers'

test.beforeEach(({}, testInfo) => {
  test.skip(testInfo.project.name !== 'web', 'restarts the browser-mode launcher on the same data folder')
})

/** The days-long countdown of a row ("27d 23h"): stable across a restart that takes seconds. */
async function timeLeft(page: import('@playwright/test').Page, label: RegExp): Promise<string> {
  const row = page.getByRole('row', { name: label }).first()
  await expect(row).toContainText(COUNTDOWN)
  return (await row.textContent())!.match(COUNTDOWN)![0]
}

test('issued tokens come back after a restart, with the same expiry', async ({}, testInfo) => {
  testInfo.setTimeout(150_000)
  const dataDir = mkdtempSync(join(tmpdir(), 'tokendesk-e2e-restart-'))
  try {
    let app = await startBrowserModeApp(['--demo'], { dataDir })
    let page = await app.page()
    const nav = page.getByRole('navigation', { name: 'Main' })

    await nav.getByRole('button', { name: /^Demo Play Oxygen/ }).click()
    await page.getByRole('listitem').getByRole('button', { name: 'Issue token' }).first().click()
    await nav.getByRole('button', { name: /^Demo Keycloak/ }).click()
    await page.getByRole('listitem').getByRole('button', { name: 'Issue token' }).first().click()
    await expect(page.getByRole('region', { name: 'Tokens' }).getByRole('row')).toHaveCount(1)

    await page.keyboard.press('Alt+1')
    await expect(page.getByRole('row')).toHaveCount(2)
    const oxygenBefore = await timeLeft(page, /Demo Play Oxygen/)
    expect(oxygenBefore).toMatch(/^\d+d \d+h$/)
    expect(await app.stop()).toBe(0)

    app = await startBrowserModeApp(['--demo'], { dataDir })
    page = await app.page()
    await expect(page.getByRole('row', { name: /Demo Play Oxygen/ })).toHaveCount(1)
    await expect(page.getByRole('row', { name: /Demo Keycloak/ })).toHaveCount(1)
    expect(await timeLeft(page, /Demo Play Oxygen/)).toBe(oxygenBefore)
    await shoot(page, 'web-restart-all-tokens')
    expect(await app.stop()).toBe(0)
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
})
