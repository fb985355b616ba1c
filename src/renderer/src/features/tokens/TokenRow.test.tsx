import { act, render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Token } from '../../../../shared/model'
import { fakeBridge } from '../../test/fake-bridge'
import { useTokensStore } from '../../store/tokens-store'
import { AllTokensView, TokenToaster, wireTokens } from './index'
import { makeToken, polyfillDom, polyfillMatchMedia, resetTokens } from './test-fixtures'

const SECRET = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkZW1vIn0.c2lnbmF0dXJl'

function setup(tokens: Token[], host: 'browser' | 'electron' = 'browser', extra: Parameters<typeof fakeBridge>[0] = {}) {
  const fake = fakeBridge(
    {
      'tokens.list': () => ({ ok: true, value: { tokens } }),
      'tokens.copy': (r) =>
        host === 'browser'
          ? { ok: true, value: { description: 'Demo Keycloak access token as a Bearer header', target: 'page', text: `Authorization: Bearer ${SECRET}`, clearsAt: null } }
          : { ok: true, value: { description: `Demo Keycloak access token as ${r.format === 'curl' ? 'a curl line' : 'a Bearer header'}`, target: 'clipboard', clearsAt: Date.now() + 30_000 } },
      'tokens.refresh': (r) => ({ ok: true, value: tokens.find((t) => t.id === r.id)! }),
      'tokens.forget': () => ({ ok: true, value: { forgotten: true } }),
      'tokens.clearExpired': () => ({ ok: true, value: { removed: 1 } }),
      ...extra
    },
    host
  )
  const unwire = wireTokens(fake.bridge)
  fake.setState('connected')
  const writeText = vi.fn(async () => {})
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true })
  render(
    <>
      <AllTokensView />
      <TokenToaster />
    </>
  )
  return { fake, unwire, writeText }
}

async function row(name: RegExp | string): Promise<HTMLElement> {
  return screen.findByRole('row', { name })
}

describe('token row', () => {
  beforeEach(() => {
    resetTokens()
    polyfillDom()
    polyfillMatchMedia(false)
  })
  afterEach(() => vi.useRealTimers())

  it('shows each state with its dot and its words', async () => {
    const now = Date.now()
    setup([
      makeToken({ label: 'Live one', issuedAt: now - 5 * 60_000 - 48_000, expiresAt: now + 4 * 60_000 + 12_000 }),
      makeToken({ label: 'Soon one', state: 'expiring', expiresAt: now + 50_000 }),
      makeToken({ label: 'Dead one', state: 'expired', expiresAt: now - 3 * 60_000 - 5000 }),
      makeToken({ label: 'Gone one', state: 'revoked' }),
      makeToken({
        label: 'Broken one',
        state: 'refresh-failed',
        renewal: { policy: { mode: 'fraction', fraction: 0.8 }, method: 'refresh-token', nextAt: null, lastError: { code: 'REFRESH_EXPIRED', message: 'The refresh token has expired.' }, failures: 2 }
      }),
      makeToken({ label: 'Mystery one', expiresAt: null, expirySource: 'unknown', issuedAt: now - 12 * 60_000 - 5000 })
    ])
    const live = await row('Live one')
    expect(within(live).getByRole('img', { name: 'Live' })).toBeInTheDocument()
    expect(within(live).getByText(/^4:(0\d|1[0-2])$/)).toBeInTheDocument()
    expect(within(live).getByText('renews at 2:00 left')).toBeInTheDocument()
    expect(within(live).getByRole('meter', { name: 'Lifetime left' })).toBeInTheDocument()
    expect(within(live).getByRole('button', { name: 'Copy' })).toBeInTheDocument()

    const soon = await row('Soon one')
    expect(within(soon).getByRole('img', { name: 'Expiring soon' })).toBeInTheDocument()

    const dead = await row('Dead one')
    expect(within(dead).getByRole('img', { name: 'Expired' })).toBeInTheDocument()
    expect(within(dead).getByText('expired 3 min ago')).toBeInTheDocument()
    expect(within(dead).getByRole('button', { name: /Issue again/ })).toBeInTheDocument()
    expect(within(dead).queryByRole('button', { name: 'Copy' })).toBeNull()

    const gone = await row('Gone one')
    expect(within(gone).getByRole('img', { name: 'Revoked' })).toBeInTheDocument()
    expect(within(gone).getByText('revoked')).toBeInTheDocument()

    const broken = await row('Broken one')
    expect(within(broken).getByRole('img', { name: 'Renewal failed' })).toBeInTheDocument()
    expect(within(broken).getByText(/renewal failed: The refresh token has expired\. \(2 tries\)/)).toBeInTheDocument()
    expect(within(broken).getByRole('button', { name: /Retry/ })).toBeInTheDocument()

    const mystery = await row('Mystery one')
    expect(within(mystery).getByText('no expiry known · 12 min old')).toBeInTheDocument()
  })

  it('warns about server clock skew above 120 s and shows the refresh countdown', async () => {
    const now = Date.now()
    setup([
      makeToken({ label: 'Skewed', skewMs: 5 * 60_000 }),
      makeToken({ label: 'With refresh', refresh: { expiresAt: now + 29 * 60_000 + 10_500, expirySource: 'expires_in', rotates: true } }),
      makeToken({ label: 'In step', skewMs: 119_000 })
    ])
    expect(within(await row('Skewed')).getByText(/server clock 5 min ahead/)).toBeInTheDocument()
    expect(within(await row('With refresh')).getByText(/^refresh 29:(0\d|1[01])$/)).toBeInTheDocument()
    expect(within(await row('In step')).queryByText(/server clock/)).toBeNull()
  })

  it('Retry renews a token whose renewal failed', async () => {
    const user = userEvent.setup()
    const broken = makeToken({ label: 'Broken', state: 'refresh-failed' })
    const { fake } = setup([broken])
    await user.click(within(await row('Broken')).getByRole('button', { name: /Retry/ }))
    await waitFor(() => expect(fake.requests).toContainEqual({ command: 'tokens.refresh', request: { id: broken.id } }))
  })

  it('Copy in browser mode writes the clipboard from the page, says auto-clear is not possible, and never shows the value', async () => {
    const user = userEvent.setup()
    const token = makeToken({ label: 'Demo Keycloak · tokendesk-demo · access' })
    const { fake, writeText } = setup([token])
    await user.click(within(await row(token.label)).getByRole('button', { name: 'Copy' }))
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(`Authorization: Bearer ${SECRET}`))
    expect(fake.requests).toContainEqual({ command: 'tokens.copy', request: { id: token.id, format: 'raw', part: 'token' } })
    expect(await screen.findByText('A browser page cannot clear the clipboard: clear it yourself when done.')).toBeInTheDocument()
    expect(screen.getByText(/^Copied /)).toBeInTheDocument()
    expect(document.body.innerHTML).not.toContain(SECRET)
    expect(JSON.stringify(useTokensStore.getState())).not.toContain(SECRET)
  })

  it('Copy in Electron says what was copied and counts down to the clear', async () => {
    const user = userEvent.setup()
    const token = makeToken({ label: 'Demo Keycloak · tokendesk-demo · access' })
    const { writeText } = setup([token], 'electron')
    await user.click(within(await row(token.label)).getByRole('button', { name: 'Copy' }))
    expect(await screen.findByText(/Copied Demo Keycloak access token as a Bearer header/)).toBeInTheDocument()
    expect(screen.getByText(/clears in (30|29) s/)).toBeInTheDocument()
    expect(writeText).not.toHaveBeenCalled()
  })

  it('Copy as… offers every format and copies the one picked', async () => {
    const user = userEvent.setup()
    const token = makeToken({ label: 'Demo Keycloak · tokendesk-demo · access' })
    const { fake } = setup([token], 'electron')
    await user.click(within(await row(token.label)).getByRole('button', { name: 'Copy as…' }))
    const menu = await screen.findByRole('menu')
    for (const name of ['Raw value', 'Header', 'curl command', 'export for bash / zsh', 'export for fish', 'export for PowerShell']) {
      expect(within(menu).getByRole('menuitem', { name: new RegExp(name.replace('/', '\\/')) })).toBeInTheDocument()
    }
    expect(within(menu).getByText('Authorization: Bearer …')).toBeInTheDocument()
    // The export lines name the variable the copy will set (the kind, shouted), not a generic one.
    expect(within(menu).getByText('export ACCESS_TOKEN=…')).toBeInTheDocument()
    expect(within(menu).getByText('set -gx ACCESS_TOKEN …')).toBeInTheDocument()
    expect(within(menu).getByText('$env:ACCESS_TOKEN = …')).toBeInTheDocument()
    await user.click(within(menu).getByRole('menuitem', { name: /curl command/ }))
    await waitFor(() => expect(fake.requests).toContainEqual({ command: 'tokens.copy', request: { id: token.id, format: 'curl', part: 'token' } }))
    expect(await screen.findByText(/as a curl line/)).toBeInTheDocument()
  })

  it('the ⋯ menu offers Refresh, Reveal, Details, Revoke (when revocable) and Forget', async () => {
    const user = userEvent.setup()
    const token = makeToken({ label: 'Revocable', revocable: true })
    const session = makeToken({ label: 'Not revocable', revocable: false })
    setup([token, session])
    await user.click(within(await row('Revocable')).getByRole('button', { name: 'More actions for Revocable' }))
    let menu = await screen.findByRole('menu')
    expect(within(menu).getAllByRole('menuitem').map((i) => i.textContent)).toEqual(['Refresh nowR', 'Reveal', 'DetailsEnter', 'CopyC', 'Revoke…', 'Forget…'])
    await user.keyboard('{Escape}')
    await user.click(within(await row('Not revocable')).getByRole('button', { name: 'More actions for Not revocable' }))
    menu = await screen.findByRole('menu')
    expect(within(menu).queryByRole('menuitem', { name: /Revoke|Log out/ })).toBeNull()
  })

  it('Issue again renews an expired token in place, or issues a new one and drops the dead row when it cannot be renewed', async () => {
    const user = userEvent.setup()
    const now = Date.now()
    const renewable = makeToken({ label: 'Renewable dead', state: 'expired', expiresAt: now - 60_000 })
    const admin = makeToken({
      label: 'Admin dead',
      kind: 'Admin-Token',
      flow: 'admin-login',
      appId: null,
      state: 'expired',
      expiresAt: now - 60_000,
      renewal: { policy: { mode: 'off' }, method: 'none', nextAt: null, lastError: null, failures: 0 }
    })
    const { fake } = setup([renewable, admin], 'browser', { 'tokens.issue': () => ({ ok: true, value: makeToken({ label: 'Admin fresh', kind: 'Admin-Token' }) }) })
    await user.click(within(await row('Renewable dead')).getByRole('button', { name: /Issue again/ }))
    await waitFor(() => expect(fake.requests).toContainEqual({ command: 'tokens.refresh', request: { id: renewable.id } }))
    await user.click(within(await row('Admin dead')).getByRole('button', { name: /Issue again/ }))
    await waitFor(() => expect(fake.requests).toContainEqual({ command: 'tokens.issue', request: { accountId: admin.accountId, flow: 'admin-login' } }))
    await waitFor(() => expect(fake.requests).toContainEqual({ command: 'tokens.forget', request: { id: admin.id } }))
  })

  it('a countdown row re-renders from the one clock', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true })
    const now = Date.now()
    setup([makeToken({ label: 'Ticking', expiresAt: now + 10_000 })])
    const ticking = await row('Ticking')
    expect(within(ticking).getByText(/^0:1[01]$/)).toBeInTheDocument()
    act(() => vi.advanceTimersByTime(12_000))
    expect(within(await row('Ticking')).getByText(/expired just now/)).toBeInTheDocument()
  })
})
