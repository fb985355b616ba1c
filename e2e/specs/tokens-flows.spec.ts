import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { artifacts, expect, startBrowserModeApp, test } from '../fixtures'

test.beforeEach(({}, testInfo) => {
  test.skip(testInfo.project.name !== 'web', 'drives the demo sandbox through browser mode')
})

type Ready = {
  baseUrls: { playOxygen: string; keycloakProxy: string }
  credentials: {
    playOxygen: { clients: Array<{ clientId: string; apiKey: string }> }
    keycloakProxy: { clients: Array<{ clientId: string; clientSecret: string }> }
  }
}

async function sandbox(origin: string, path: string, init?: { method: string; body: unknown }): Promise<unknown> {
  const res = await fetch(`${origin}/__sandbox/${path}`, init ? { method: init.method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(init.body) } : undefined)
  expect(res.ok, `${path}: ${res.status}`).toBe(true)
  return res.json()
}

function decode(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>
}

async function openAccount(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: new RegExp(`^${name}`) }).click()
  await expect(page.getByRole('button', { name: 'Issue token' }).first()).toBeVisible()
}

async function allTokens(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /All tokens/ }).click()
}

test('issue, copy (clipboard read back), count down to expired, renew, and see it on the timeline', async ({}, testInfo) => {
  testInfo.setTimeout(180_000)
  const app = await startBrowserModeApp(['--demo'])
  try {
    // The host prints its URL as soon as it listens; the sandbox line follows once the core is up.
    const sandboxOrigin = (): string | undefined => /Demo sandbox \(demo credentials in Diagnostics\): (\S+)/.exec(app.output())?.[1]
    await expect.poll(sandboxOrigin, { message: app.output() }).toBeTruthy()
    const origin = sandboxOrigin()
    const ready = (await sandbox(origin!, 'ready')) as Ready

    const context = await app.browser.newContext({ viewport: { width: 1280, height: 800 } })
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(app.url!).origin })
    const page = await context.newPage()
    await page.goto(app.url!)

    // Issue a Keycloak token on the demo account page; its row appears on the page.
    await openAccount(page, 'Demo Keycloak')
    const issueFor = (app: string) => page.getByRole('listitem', { name: app }).getByRole('button', { name: 'Issue token' })
    await issueFor('tokendesk-demo').click()
    const accountRows = page.getByRole('grid', { name: 'Tokens' }).getByRole('row')
    await expect(accountRows.first()).toBeVisible({ timeout: 15_000 })
    const row = accountRows.filter({ hasText: 'tokendesk-demo · access' }).first()
    await expect(row).toBeVisible()
    await expect(row.getByRole('img', { name: 'Live' })).toBeVisible()
    await expect(row.getByText(/^[45]:\d\d$/)).toBeVisible()

    // Copy: one click; the toast says what, never the value; the clipboard holds a sandbox JWT.
    await row.getByRole('button', { name: 'Copy', exact: true }).click()
    await expect(page.getByText('A browser page cannot clear the clipboard: clear it yourself when done.')).toBeVisible()
    const copied = await page.evaluate(() => navigator.clipboard.readText())
    const parts = copied.split('.')
    expect(parts).toHaveLength(3)
    expect(decode(parts[0]!)).toMatchObject({ alg: 'RS256', typ: 'JWT' })
    const claims = decode(parts[1]!)
    expect(claims).toMatchObject({ azp: 'tokendesk-demo', typ: 'Bearer' })
    expect(String(claims.iss)).toContain(origin!)
    expect(Number(claims.exp) * 1000).toBeGreaterThan(Date.now())
    expect(await page.content()).not.toContain(copied)
    // Its session is the sandbox's own: the refresh token (Copy as… → Refresh token) is accepted there.
    await row.getByRole('button', { name: 'Copy as…' }).click()
    // The copy's toast is still up in the corner: wherever the two meet, the menu is on top.
    await expect(page.getByText('A browser page cannot clear the clipboard: clear it yourself when done.')).toBeVisible()
    const stacking = await page.evaluate(() => {
      const z = (el: Element | null): number => Number(el ? getComputedStyle(el).zIndex : NaN)
      return { toasts: z(document.querySelector('[data-sonner-toaster]')), menu: z(document.querySelector('[role="menu"]')!.closest('[data-radix-popper-content-wrapper]')) }
    })
    expect(stacking.menu).toBeGreaterThan(stacking.toasts)
    await page.getByRole('menuitem', { name: /^Refresh token/ }).click()
    await expect(page.getByText('A browser page cannot clear the clipboard: clear it yourself when done.')).toBeVisible()
    // The first copy's toast may still be up: wait for the clipboard itself to change.
    const readClipboard = (): Promise<string> => page.evaluate(() => navigator.clipboard.readText())
    await expect.poll(readClipboard).not.toBe(copied)
    const refreshToken = await readClipboard()
    const kcClient = ready.credentials.keycloakProxy.clients.find((c) => c.clientId === 'tokendesk-demo')!
    const exchanged = await fetch(`${ready.baseUrls.keycloakProxy}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ grant_type: 'refresh_token', client_id: kcClient.clientId, client_secret: kcClient.clientSecret, refresh_token: refreshToken })
    })
    expect(exchanged.status).toBe(200)
    const fresh = (await exchanged.json()) as { access_token: string }
    expect(decode(fresh.access_token.split('.')[1]!)).toMatchObject({ sid: claims.sid, azp: 'tokendesk-demo' })

    // Copy as… header, for a Play Oxygen JWT, and use it against the sandbox's protected API.
    await openAccount(page, 'Demo Play Oxygen')
    await page.getByRole('button', { name: 'Issue token' }).first().click()
    const oxygen = page.getByRole('grid', { name: 'Tokens' }).getByRole('row').first()
    await expect(oxygen).toBeVisible({ timeout: 15_000 })
    await oxygen.getByRole('button', { name: 'Copy as…' }).click()
    await page.getByRole('menuitem', { name: /^Header/ }).click()
    await expect(page.getByText('A browser page cannot clear the clipboard: clear it yourself when done.')).toBeVisible()
    await expect.poll(readClipboard).toMatch(/^Authorization: Bearer [\w-]+\.[\w-]+\.[\w-]+$/)
    const header = await readClipboard()
    const jwt = header.replace(/^Authorization: Bearer /, '')
    const clientId = String(decode(jwt.split('.')[1]!).sub)
    const client = ready.credentials.playOxygen.clients.find((c) => c.clientId === clientId)!
    const accepted = await fetch(`${ready.baseUrls.playOxygen}/api/${clientId}/${client.apiKey}/customer`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${jwt}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ client_unique_customer_id: 'e2e-1' })
    })
    expect(accepted.status).toBe(200)

    // Short lifetimes: a client_credentials token with auto-renew off counts down to "expired".
    await sandbox(origin!, 'settings', { method: 'PATCH', body: { lifetimes: { keycloakAccessTokenSeconds: 12 } } })
    await openAccount(page, 'Demo Keycloak')
    await issueFor('tokendesk-service').click()
    await allTokens(page)
    const grid = page.getByRole('grid', { name: 'Tokens' })
    const short = grid.getByRole('row').filter({ hasText: 'tokendesk-service' }).filter({ hasText: /^(?!.*expired)/ }).first()
    await expect(short.getByText(/^0:(1[0-2]|0\d)$/)).toBeVisible({ timeout: 15_000 })
    await short.click()
    const detail = page.getByRole('complementary')
    await expect(detail.getByRole('heading', { name: /tokendesk-service/ })).toBeVisible()
    await detail.getByRole('radio', { name: /Off: let it expire/ }).check()
    await detail.getByRole('button', { name: 'Save renewal' }).click()
    await expect(detail.getByRole('status')).toContainText('Saved: let it expire')
    await expect(detail.getByText(/^expired (just now|\d+ s ago)$/)).toBeVisible({ timeout: 20_000 })
    const expiredRow = grid.getByRole('row', { name: /tokendesk-service/ }).filter({ has: page.getByRole('img', { name: 'Expired' }) })
    await expect(expiredRow.first()).toBeVisible({ timeout: 10_000 })
    await expect(expiredRow.first().getByRole('button', { name: /Issue again/ })).toBeVisible()
    await page.screenshot({ path: join(artifacts, 'tokens-expired-1280-light.png') })
    await detail.getByRole('button', { name: 'Close details' }).click()
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      await page.screenshot({ path: join(artifacts, `tokens-states-1280-${scheme}.png`) })
    }
    await page.emulateMedia({ colorScheme: 'light' })
    // Issue again brings it back to life (renewed in place by the stored credentials).
    await expiredRow.first().getByRole('button', { name: /Issue again/ }).click()
    const again = grid.getByRole('row', { name: /tokendesk-service/ }).filter({ has: page.getByRole('img', { name: /^(Live|Expiring soon)$/ }) })
    await expect(again.first()).toBeVisible({ timeout: 15_000 })

    // Renew the password-grant token now (Refresh): the audit timeline records it.
    const live = grid.getByRole('row', { name: /tokendesk-demo · access/ }).first()
    await live.click()
    await expect(detail.getByRole('heading', { name: /tokendesk-demo · access/ })).toBeVisible()
    await detail.getByRole('button', { name: 'Refresh', exact: true }).click()
    await expect(page.getByText(/^Renewed Demo Keycloak/).first()).toBeVisible({ timeout: 15_000 })
    await expect(detail.getByRole('region', { name: 'Audit timeline' }).getByText('Renewed')).toBeVisible({ timeout: 10_000 })
    // Reveal: the value in the page on request only, with its countdown; audited.
    await detail.getByRole('button', { name: 'Reveal' }).click()
    await expect(detail.getByRole('timer')).toContainText(/hides in \d+ s/)
    await expect(detail.getByRole('status', { name: 'Token value' })).toHaveText(/^[\w-]+\.[\w-]+\.[\w-]+$/)
    if (process.env.TOKENS_E2E_REVEAL_SHOT) await page.screenshot({ path: process.env.TOKENS_E2E_REVEAL_SHOT })
    await detail.getByRole('button', { name: 'Hide' }).click({ timeout: 5000 })
    await expect(detail.getByRole('status', { name: 'Token value' })).toHaveCount(0)
    await expect(detail.getByRole('region', { name: 'Audit timeline' }).getByText('value revealed')).toBeVisible()

    // With auto-renew off the re-issued token dies again; Clear expired drops it in bulk.
    await page.getByRole('button', { name: /Clear expired \(\d+\)/ }).click({ timeout: 30_000 })
    await expect(grid.getByRole('img', { name: 'Expired' })).toHaveCount(0)

    // The timeline draws the tokens as bars, with "now" and the renewal ticks.
    await page.getByRole('group', { name: 'Show as' }).getByRole('button', { name: 'Timeline' }).click()
    const lanes = page.getByRole('list', { name: 'Token lifetimes' })
    await expect(lanes.getByRole('listitem').first()).toBeVisible()
    expect(await lanes.getByRole('listitem').count()).toBeGreaterThanOrEqual(2)
    expect(await page.locator('svg.timeline rect.tl-bar').count()).toBeGreaterThanOrEqual(2)
    await expect(page.locator('svg.timeline line.tl-renewal').first()).toBeAttached()
    await page.screenshot({ path: join(artifacts, 'tokens-timeline-after-renewal-1280-light.png') })
    // The context closes with the browser in app.stop().
  } finally {
    await app.stop()
  }
})
