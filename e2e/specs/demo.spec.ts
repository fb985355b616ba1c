import { join } from 'node:path'
import { artifacts, expect, startBrowserModeApp, test } from '../fixtures'

test.beforeEach(({}, testInfo) => {
  test.skip(testInfo.project.name !== 'web', 'the launcher flag is exercised through browser mode; Electron gets --demo from the same parser')
})

test('--demo starts the sandbox inside the app and Diagnostics shows it with its demo credentials', async ({}, testInfo) => {
  testInfo.setTimeout(90_000)
  const app = await startBrowserModeApp(['--demo'])
  try {
    const page = await app.page()
    await page.keyboard.press('Alt+2')
    const card = page.getByRole('region', { name: 'Sandbox' })
    await expect(card.getByText('Running')).toBeVisible()
    const respokeUrl = (await card.getByTestId('sandbox-respoke').textContent())!
    expect(respokeUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/respoke\/v1$/)
    await expect(card.getByText('demo only, not secrets')).toBeVisible()
    // The announced URL is a real, working Respoke: a bad login gets Respoke's own error shape.
    const res = await fetch(`${respokeUrl}/admin-sessions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'nobody', password: 'wrong' })
    })
    expect(res.status).toBe(401)
    expect(await res.json()).toHaveProperty('error')
    await card.scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(artifacts, 'web-diagnostics-demo.png'), fullPage: true })
    // Stopping the app stops the sandbox with it.
    await app.stop()
    await expect(fetch(`${respokeUrl}/apps`)).rejects.toThrow()
  } finally {
    if (app.process.exitCode === null) await app.stop()
  }
})
