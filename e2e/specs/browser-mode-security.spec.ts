import WebSocket from 'ws'
import { EXPECTS_PAGE_PROBLEMS, expect, launchChromium, test } from '../fixtures'

test.beforeEach(({}, testInfo) => {
  test.skip(testInfo.project.name !== 'web', 'browser-mode host only')
})

/** The page's WebSocket URL: it never carries the secret, which travels as a subprotocol. */
function wsUrl(pageUrl: string): string {
  return `ws://${new URL(pageUrl).host}/ws`
}

/** What the page offers: the version protocol and, if known, the secret as a second protocol. */
function protocols(secret: string | null): string[] {
  return secret === null ? ['tokendesk.v1'] : ['tokendesk.v1', `tokendesk.secret.${secret}`]
}

function secretOf(pageUrl: string): string {
  return new URLSearchParams(new URL(pageUrl).hash.slice(1)).get('secret')!
}

/** Resolves with the HTTP status of a refused upgrade, or 101 when the socket opened. */
function tryOpen(url: string, offered: string[], origin: string | undefined): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, offered, origin ? { origin } : {})
    ws.on('open', () => {
      ws.close()
      resolve(101)
    })
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
    ws.on('error', () => resolve(-1))
  })
}

test('the WebSocket refuses a missing secret, a wrong one and a foreign Origin', async ({ app }) => {
  const url = app.url!
  const origin = new URL(url).origin
  expect(await tryOpen(wsUrl(url), protocols(null), origin)).toBe(401)
  expect(await tryOpen(wsUrl(url), protocols('wrong-secret-wrong-secret-wrong'), origin)).toBe(401)
  // The secret in the URL query is not accepted: it would sit in the request line.
  expect(await tryOpen(`${wsUrl(url)}?secret=${secretOf(url)}`, protocols(null), origin)).toBe(401)
  expect(await tryOpen(wsUrl(url), protocols(secretOf(url)), 'https://evil.example')).toBe(403)
  expect(await tryOpen(wsUrl(url), protocols(secretOf(url)), undefined)).toBe(403)
  expect(await tryOpen(wsUrl(url), protocols(secretOf(url)), origin)).toBe(101)
})

test("the page's WebSocket URL (its request line) never carries the launch secret", async ({ app }) => {
  const url = app.url!
  const secret = secretOf(url)
  const browser = await launchChromium()
  try {
    const page = await browser.newPage()
    const sockets: string[] = []
    page.on('websocket', (ws) => sockets.push(ws.url()))
    await page.goto(url)
    await expect(page.getByRole('heading', { name: 'No accounts yet' })).toBeVisible()
    expect(sockets).toEqual([wsUrl(url)])
    expect(sockets.join(' ')).not.toContain(secret)
  } finally {
    await browser.close()
  }
})

test('a malformed or unknown command gets a typed error and the host keeps serving', async ({ app }) => {
  const url = app.url!
  const ws = new WebSocket(wsUrl(url), protocols(secretOf(url)), { origin: new URL(url).origin })
  const frames: unknown[] = []
  ws.on('message', (data) => frames.push(JSON.parse(data.toString())))
  await new Promise((resolve) => ws.on('open', resolve))
  ws.send('{not json')
  ws.send(JSON.stringify({ type: 'call', id: 7, command: 'no.such.command', request: {} }))
  ws.send(JSON.stringify({ type: 'call', id: 8, command: 'app.info', request: { unexpected: true } }))
  ws.send(JSON.stringify({ type: 'call', id: 9, command: 'app.info', request: {} }))
  await expect.poll(() => frames.length).toBe(4)
  // A frame that is not a call at all gets a frame-level error: no id, so no call can mistake it for its answer.
  expect(frames).toContainEqual({ type: 'error', error: expect.objectContaining({ code: 'INVALID_REQUEST' }) })
  expect(frames).toContainEqual({ type: 'result', id: 7, result: { ok: false, error: expect.objectContaining({ code: 'UNKNOWN_COMMAND' }) } })
  expect(frames).toContainEqual({ type: 'result', id: 8, result: { ok: false, error: expect.objectContaining({ code: 'INVALID_REQUEST' }) } })
  expect(frames).toContainEqual({ type: 'result', id: 9, result: { ok: true, value: expect.objectContaining({ name: 'TokenDesk', host: 'browser' }) } })
  ws.close()
})

test('without its launch link the page explains what to do instead of failing silently', async ({ app }) => {
  const page = await app.page()
  await page.goto(new URL(app.url!).origin + '/')
  await expect(page.getByRole('heading', { name: 'This page needs its launch link' })).toBeVisible()
})

test('the page breaks none of its own CSP rules and logs no error while it starts and opens a dialog', async ({}, testInfo) => {
  testInfo.setTimeout(90_000)
  const { startBrowserModeApp } = await import('../fixtures')
  const app = await startBrowserModeApp()
  try {
    const page = await app.browser.newPage()
    const errors: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text())
    })
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(app.url!)
    await expect(page.getByRole('heading', { name: 'No accounts yet' })).toBeVisible()
    // The toast library is loaded: before the fix, the CSP refused its style injection here.
    await expect(page.getByRole('region', { name: /Notifications/ })).toBeAttached()
    // A modal dialog locks the page's scroll (Radix, through react-remove-scroll) with a style
    // sheet of its own: it applies, and is gone when the dialog closes.
    const bodyOverflow = (): Promise<string> => page.evaluate(() => getComputedStyle(document.body).overflow)
    expect(await bodyOverflow()).not.toBe('hidden')
    await page.getByRole('button', { name: 'Add account' }).first().click()
    await expect(page.getByRole('dialog')).toBeVisible()
    await expect.poll(bodyOverflow).toBe('hidden')
    await page.keyboard.press('Escape')
    await expect(page.getByRole('dialog')).toHaveCount(0)
    await expect.poll(bodyOverflow).not.toBe('hidden')
    await page.waitForTimeout(300)
    expect(errors).toEqual([])
  } finally {
    await app.stop()
  }
})

test('the page CSP blocks inline script, injected handlers, foreign scripts and foreign connections', async ({ appPage }) => {
  test.info().annotations.push({ type: EXPECTS_PAGE_PROBLEMS, description: 'provokes CSP violations on purpose' })
  // eval cannot be probed from here: page.evaluate runs through DevTools, which CSP does not
  // govern. The unit tests assert the policy has no 'unsafe-eval'.
  await expect(appPage.getByRole('heading', { name: 'No accounts yet' })).toBeVisible()
  const violations: string[] = []
  await appPage.exposeFunction('__reportViolation', (directive: string) => violations.push(directive))
  const ran = await appPage.evaluate(async () => {
    const w = window as unknown as Record<string, unknown> & { __reportViolation: (d: string) => void }
    document.addEventListener('securitypolicyviolation', (e) => w.__reportViolation(e.effectiveDirective))
    const inline = document.createElement('script')
    inline.textContent = 'window.__inline = true'
    document.body.appendChild(inline)
    const img = document.createElement('img')
    img.setAttribute('onerror', 'window.__handler = true')
    img.src = 'x:broken'
    document.body.appendChild(img)
    const foreign = document.createElement('script')
    foreign.src = 'data:text/javascript,window.__foreign=true'
    document.body.appendChild(foreign)
    let fetched = true
    try {
      await fetch('http://127.0.0.1:9/')
    } catch {
      fetched = false
    }
    await new Promise((r) => setTimeout(r, 300))
    return { inline: w.__inline === true, handler: w.__handler === true, foreign: w.__foreign === true, fetched }
  })
  expect(ran).toEqual({ inline: false, handler: false, foreign: false, fetched: false })
  await expect.poll(() => new Set(violations).size).toBeGreaterThanOrEqual(2)
  expect(violations).toEqual(expect.arrayContaining(['script-src-elem', 'connect-src']))
})

test('Ctrl+C stops browser mode cleanly', async ({}, testInfo) => {
  testInfo.setTimeout(90_000)
  const { startBrowserModeApp } = await import('../fixtures')
  const app = await startBrowserModeApp()
  const code = await app.stop()
  expect(code).toBe(0)
  expect(app.output()).toContain('Stopping TokenDesk')
})
