import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { expect, root, startBrowserModeApp, test } from '../fixtures'
import { expectLiveToken, openAddAccount } from './per-api-helpers'

/**
 * Leak hunt (SECURITY.md): drive the app with canary credentials and real tokens, then search
 * every place a secret must never reach — the data directory, the log, temp files (the
 * browser's profile included), the page's localStorage / sessionStorage / IndexedDB, and every
 * WebSocket frame the page received that was not the answer to an explicit Reveal or Copy.
 * The figure (places searched, hits) lands in test-results/leak-hunt.json.
 */

test.beforeEach(({}, testInfo) => {
  test.skip(testInfo.project.name !== 'web', 'browser mode exposes the wire and the data directory to the test')
})

interface Call {
  command: string
}

/** A script's own connection, through the documented contract (README "Automating TokenDesk"). */
async function contractClient(url: string): Promise<{ call(command: string, request?: unknown): Promise<{ ok: boolean; value?: unknown }>; close(): void }> {
  const page = new URL(url)
  const secret = page.hash.replace('#secret=', '')
  const ws = new WebSocket(`ws://${page.host}/ws`, ['tokendesk.v1', `tokendesk.secret.${secret}`], { headers: { Origin: page.origin } })
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  let next = 0
  const pending = new Map<number, (result: { ok: boolean; value?: unknown }) => void>()
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as { type: string; id?: number; result?: { ok: boolean; value?: unknown } }
    if (frame.type === 'result' && frame.id !== undefined) pending.get(frame.id)?.(frame.result!)
  })
  return {
    call: (command, request = {}) =>
      new Promise((resolve) => {
        const id = ++next
        pending.set(id, resolve)
        ws.send(JSON.stringify({ type: 'call', id, command, request }))
      }),
    close: () => ws.close()
  }
}

function filesUnder(dir: string, since: number): string[] {
  const out: string[] = []
  const walk = (path: string): void => {
    let entries
    try {
      entries = readdirSync(path, { withFileTypes: true })
    } catch {
      return
    }
    for (const entry of entries) {
      const full = join(path, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (entry.isFile()) {
        try {
          const stat = statSync(full)
          if (stat.mtimeMs >= since && stat.size < 20 * 1024 * 1024) out.push(full)
        } catch {
          /* gone meanwhile */
        }
      }
    }
  }
  walk(dir)
  return out
}

test('no canary credential or token value reaches disk, logs, temp files, renderer storage or any frame that was not an explicit reveal/copy', async ({}, testInfo) => {
  testInfo.setTimeout(180_000)
  const started = Date.now() - 1000
  const canaryPassword = `canary-password-${randomBytes(12).toString('hex')}`
  const canaryClientSecret = `canary-client-secret-${randomBytes(12).toString('hex')}`
  // Our own data directory, so it outlives the app's stop (files written at shutdown are searched too).
  const dataDir = mkdtempSync(join(tmpdir(), 'tokendesk-leak-hunt-'))
  const app = await startBrowserModeApp(['--demo'], { dataDir })
  const received: Array<{ payload: string; command: string | null }> = []
  try {
    const page = await app.page()
    await page.setViewportSize({ width: 1280, height: 800 })
    const calls = new Map<number, Call>()
    page.on('websocket', (socket) => {
      socket.on('framesent', (frame) => {
        const parsed = JSON.parse(String(frame.payload)) as { id: number; command: string }
        calls.set(parsed.id, { command: parsed.command })
      })
      socket.on('framereceived', (frame) => {
        const payload = String(frame.payload)
        const parsed = JSON.parse(payload) as { type: string; id?: number }
        received.push({ payload, command: parsed.type === 'result' && parsed.id !== undefined ? (calls.get(parsed.id)?.command ?? null) : null })
      })
    })
    await page.reload()

    // Issue a token on every demo account, through the UI.
    const nav = page.getByRole('navigation', { name: 'Main' })
    for (const name of ['Demo Respoke', 'Demo PocketPaw', 'Demo Play Oxygen', 'Demo Keycloak']) {
      await nav.getByRole('button', { name: new RegExp(`^${name}`) }).click()
      await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
      const appButtons = page.getByRole('listitem').getByRole('button', { name: 'Issue token' })
      if ((await appButtons.count()) > 0) await appButtons.first().click()
      else await page.getByRole('button', { name: 'Issue token' }).first().click()
      await expectLiveToken(page, new RegExp(name))
    }

    // A hand-made account with canary credentials: saved, then refused by the server.
    const dialog = await openAddAccount(page, /Keycloak/)
    await dialog.getByLabel('Account name', { exact: true }).fill('Canary Keycloak')
    await dialog.getByLabel('Base URL', { exact: true }).fill((await contractClientBaseUrl(app.url!))!)
    await dialog.getByLabel('User name', { exact: true }).fill('demo.user')
    await dialog.getByLabel('Password', { exact: true }).fill(canaryPassword)
    await dialog.getByRole('button', { name: 'Test login' }).click()
    await expect(dialog.getByTestId('test-login-result')).toBeVisible({ timeout: 15_000 })
    await dialog.getByRole('button', { name: 'Save account' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Canary Keycloak' })).toBeVisible()
    await page.getByRole('button', { name: 'Add client' }).click()
    const add = page.getByRole('dialog', { name: 'Add client to Canary Keycloak' })
    await add.getByLabel('Client name', { exact: true }).fill('Canary client')
    await add.getByLabel('Client ID', { exact: true }).fill('tokendesk-demo')
    await add.getByLabel('Client secret', { exact: true }).fill(canaryClientSecret)
    await add.getByRole('button', { name: 'Save client' }).click()
    await expect(add).toHaveCount(0)
    await page.getByRole('listitem', { name: 'Canary client' }).getByRole('button', { name: 'Issue token' }).click()
    await expect(page.getByRole('alert').first()).toBeVisible({ timeout: 15_000 })

    // One explicit Copy (allowed to carry the value).
    await nav.getByRole('button', { name: /^All tokens/ }).click()
    await page.getByRole('button', { name: 'Copy', exact: true }).first().click()

    // Every token value, learned the way a script would (explicit reveals on its own connection).
    const client = await contractClient(app.url!)
    const listed = (await client.call('tokens.list')).value as { tokens: Array<{ id: string; refresh: unknown }> }
    const canaries = [canaryPassword, canaryClientSecret]
    for (const token of listed.tokens) {
      canaries.push(((await client.call('tokens.reveal', { id: token.id })).value as { value: string }).value)
      if (token.refresh) canaries.push(((await client.call('tokens.reveal', { id: token.id, part: 'refresh' })).value as { value: string }).value)
    }
    client.close()
    expect(listed.tokens.length).toBeGreaterThanOrEqual(4)

    // The renderer's own storage.
    const storage = await page.evaluate(async () => {
      const dump: string[] = [JSON.stringify({ ...localStorage }), JSON.stringify({ ...sessionStorage })]
      const databases = (await indexedDB.databases?.()) ?? []
      dump.push(JSON.stringify(databases))
      return dump.join('\n')
    })
    // Temp files while the browser still runs (its profile is deleted when it closes), then the
    // data directory after the app stopped and flushed.
    const harness = join(root, 'test-results')
    // A running browser renames and deletes its temp files as we read: one gone meanwhile holds nothing.
    const readAll = (files: string[]): Array<{ place: string; text: string }> =>
      files
        .filter((file) => !file.startsWith(harness))
        .flatMap((file) => {
          try {
            return [{ place: file, text: readFileSync(file).toString('latin1') }]
          } catch {
            return []
          }
        })
    const whileRunning = readAll(filesUnder(tmpdir(), started))
    await app.stop()
    const dataFiles = readAll(filesUnder(dataDir, 0))
    rmSync(dataDir, { recursive: true, force: true })
    expect(dataFiles.map((f) => f.place)).toEqual(expect.arrayContaining([join(dataDir, 'settings.json'), join(dataDir, 'tokens.json')]))

    const places: Array<{ place: string; text: string }> = [
      { place: 'renderer storage', text: storage },
      { place: 'app output (terminal)', text: app.output() },
      ...received.filter((frame) => frame.command !== 'tokens.reveal' && frame.command !== 'tokens.copy').map((frame) => ({ place: `ws frame (${frame.command ?? 'event'})`, text: frame.payload })),
      ...whileRunning,
      ...dataFiles
    ]
    const hits = places.filter(({ text }) => canaries.some((canary) => text.includes(canary))).map(({ place }) => place)
    mkdirSync(join(root, 'test-results'), { recursive: true })
    writeFileSync(
      join(root, 'test-results', 'leak-hunt.json'),
      JSON.stringify({ canaries: canaries.length, placesSearched: places.length, framesSearched: received.length, hits }, null, 2)
    )
    console.log(`leak hunt: ${canaries.length} canaries, ${places.length} places searched (${received.length} frames), ${hits.length} hits`)
    expect(hits).toEqual([])
    // The explicit copy did carry a value: the hunt looks where values really travel.
    expect(received.some((frame) => frame.command === 'tokens.copy' && canaries.some((canary) => frame.payload.includes(canary)))).toBe(true)
  } finally {
    if (app.process.exitCode === null) await app.stop()
  }
})

/** The demo Keycloak account's base URL (the running sandbox), read through the contract. */
async function contractClientBaseUrl(url: string): Promise<string | undefined> {
  const client = await contractClient(url)
  const { accounts } = (await client.call('accounts.list')).value as { accounts: Array<{ name: string; fields: { baseUrl?: string } }> }
  client.close()
  return accounts.find((account) => account.name === 'Demo Keycloak')?.fields.baseUrl
}
