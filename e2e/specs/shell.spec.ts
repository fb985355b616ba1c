import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { artifacts, expect, root, test } from '../fixtures'

const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version

test('a new user sees the app frame and the "No accounts yet" empty state', async ({ appPage }, testInfo) => {
  await expect(appPage.getByRole('heading', { name: 'No accounts yet' })).toBeVisible()
  await expect(appPage.getByRole('navigation', { name: 'Main' })).toBeVisible()
  await expect(appPage.getByRole('list', { name: 'Supported APIs' }).getByRole('listitem')).toHaveCount(4)
  await appPage.screenshot({ path: join(artifacts, `${testInfo.project.name}-empty-light.png`) })
  await appPage.emulateMedia({ colorScheme: 'dark' })
  await appPage.screenshot({ path: join(artifacts, `${testInfo.project.name}-empty-dark.png`) })
})

test('Diagnostics shows real host values through the bridge', async ({ app, appPage }, testInfo) => {
  await appPage.getByRole('button', { name: 'Check this machine' }).click()
  await expect(appPage.getByRole('heading', { name: 'Diagnostics' })).toBeVisible()
  await expect(appPage.getByTestId('app-version')).toHaveText(version)
  await expect(appPage.getByTestId('app-host')).toHaveText(testInfo.project.name === 'web' ? 'Browser mode' : 'Desktop (Electron)')
  await expect(appPage.getByTestId('app-platform')).toContainText(process.platform)
  await expect(appPage.getByTestId('app-data-dir')).toHaveText(app.dataDir)
  await expect(appPage.getByTestId('settings-path')).toHaveText(join(app.dataDir, 'settings.json'))
  await expect(appPage.getByTestId('secret-backend')).not.toBeEmpty()
  await appPage.screenshot({ path: join(artifacts, `${testInfo.project.name}-diagnostics-light.png`) })
  await appPage.emulateMedia({ colorScheme: 'dark' })
  await appPage.screenshot({ path: join(artifacts, `${testInfo.project.name}-diagnostics-dark.png`) })
})

test('the keyboard reaches every view', async ({ appPage }) => {
  await expect(appPage.getByRole('heading', { name: 'No accounts yet' })).toBeVisible()
  await appPage.keyboard.press('Alt+2')
  await expect(appPage.getByRole('heading', { name: 'Diagnostics' })).toBeVisible()
  await expect(appPage.getByRole('button', { name: 'Diagnostics' })).toHaveAttribute('aria-current', 'page')
  await appPage.keyboard.press('Alt+1')
  await expect(appPage.getByRole('heading', { name: 'No accounts yet' })).toBeVisible()
  // Tab reaches the navigation and Enter activates it.
  await appPage.getByRole('button', { name: 'Diagnostics' }).focus()
  await appPage.keyboard.press('Enter')
  await expect(appPage.getByRole('heading', { name: 'Diagnostics' })).toBeVisible()
})
