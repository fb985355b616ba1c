import { act, render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { Token } from '../../../../shared/model'
import { fakeBridge } from '../../test/fake-bridge'
import { useTokensStore } from '../../store/tokens-store'
import { AllTokensView, TokenToaster, wireTokens } from './index'
import { makeToken, polyfillDom, polyfillMatchMedia, resetTokens } from './test-fixtures'

function setup(tokens: Token[], extra: Parameters<typeof fakeBridge>[0] = {}) {
  const fake = fakeBridge({
    'tokens.list': () => ({ ok: true, value: { tokens } }),
    'tokens.clearExpired': () => {
      const removed = tokens.filter((t) => t.state === 'expired').map((t) => t.id)
      queueMicrotask(() => fake.emit('tokens.changed', { upserted: [], removed }))
      return { ok: true, value: { removed: removed.length } }
    },
    'tokens.copy': () => ({ ok: true, value: { description: 'x', target: 'clipboard', clearsAt: Date.now() + 30_000 } }),
    'tokens.refresh': (r) => ({ ok: true, value: tokens.find((t) => t.id === r.id)! }),
    'tokens.inspect': () => ({ ok: true, value: { format: 'opaque', length: 36, notes: [] } }),
    'tokens.audit': () => ({ ok: true, value: { events: [] } }),
    ...extra
  })
  wireTokens(fake.bridge)
  fake.setState('connected')
  render(
    <>
      <AllTokensView />
      <TokenToaster />
    </>
  )
  return fake
}

const now = Date.now()
const kc = () => makeToken({ label: 'Demo Keycloak · tokendesk-demo · access', expiresAt: now + 4 * 60_000 })
const paw = () =>
  makeToken({ label: 'Demo PocketPaw · session', providerId: 'pocketpaw', accountId: 'acc-paw', appId: null, kind: 'session', format: 'pocketpaw', expiresAt: now + 23 * 3600_000 })
const oxy = () => makeToken({ label: 'Demo Play Oxygen · client 1001 · JWT', providerId: 'play-oxygen', accountId: 'acc-oxy', expiresAt: now + 27 * 24 * 3600_000 })
const dead = () => makeToken({ label: 'Demo Respoke · app · App-Token', providerId: 'respoke', accountId: 'acc-res', state: 'expired', expiresAt: now - 3 * 60_000 })

function rowNames(): string[] {
  return screen.getAllByRole('row').map((r) => r.getAttribute('aria-label') ?? '')
}

describe('All tokens', () => {
  beforeEach(() => {
    resetTokens()
    polyfillDom()
    polyfillMatchMedia(false)
  })

  it('lists every token sorted by time left, with a count', async () => {
    setup([oxy(), dead(), paw(), kc()])
    await screen.findByText('4 tokens')
    expect(rowNames()).toEqual(['Demo Keycloak · tokendesk-demo · access', 'Demo PocketPaw · session', 'Demo Play Oxygen · client 1001 · JWT', 'Demo Respoke · app · App-Token'])
  })

  it('filters by provider, state and words, and says how many are shown', async () => {
    const user = userEvent.setup()
    setup([oxy(), dead(), paw(), kc()])
    await screen.findByText('4 tokens')
    await user.selectOptions(screen.getByRole('combobox', { name: 'Provider' }), 'PocketPaw')
    expect(rowNames()).toEqual(['Demo PocketPaw · session'])
    expect(screen.getByText('1 of 4 tokens')).toBeInTheDocument()
    await user.selectOptions(screen.getByRole('combobox', { name: 'Provider' }), 'All providers')
    await user.selectOptions(screen.getByRole('combobox', { name: 'State' }), 'Expired')
    expect(rowNames()).toEqual(['Demo Respoke · app · App-Token'])
    await user.selectOptions(screen.getByRole('combobox', { name: 'State' }), 'All states')
    await user.type(screen.getByRole('searchbox', { name: 'Search tokens' }), 'oxygen')
    expect(rowNames()).toEqual(['Demo Play Oxygen · client 1001 · JWT'])
    await user.clear(screen.getByRole('searchbox', { name: 'Search tokens' }))
    await user.type(screen.getByRole('searchbox', { name: 'Search tokens' }), 'nothing like this')
    expect(screen.getByText('No token matches')).toBeInTheDocument()
    await user.click(screen.getByRole('button', { name: 'Clear filters' }))
    expect(rowNames()).toHaveLength(4)
  })

  it('filters by account', async () => {
    const user = userEvent.setup()
    setup([oxy(), paw(), kc()])
    await screen.findByText('3 tokens')
    await user.selectOptions(screen.getByRole('combobox', { name: 'Account' }), 'Demo Keycloak')
    expect(rowNames()).toEqual(['Demo Keycloak · tokendesk-demo · access'])
  })

  it('Clear expired removes the expired tokens in one go', async () => {
    const user = userEvent.setup()
    const fake = setup([kc(), dead()])
    await screen.findByText('2 tokens')
    await user.click(screen.getByRole('button', { name: 'Clear expired (1)' }))
    await waitFor(() => expect(rowNames()).toEqual(['Demo Keycloak · tokendesk-demo · access']))
    expect(fake.requests).toContainEqual({ command: 'tokens.clearExpired', request: {} })
    expect(await screen.findByText('Cleared 1 expired token')).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Clear expired' })).toBeDisabled()
  })

  it('applies tokens.changed deltas live', async () => {
    const fake = setup([kc()])
    await screen.findByText('1 token')
    const fresh = paw()
    act(() => fake.emit('tokens.changed', { upserted: [fresh], removed: [] }))
    expect(screen.getByText('2 tokens')).toBeInTheDocument()
    expect(screen.getByRole('row', { name: 'Demo PocketPaw · session' })).toBeInTheDocument()
  })

  it('says how to get a first token when there is none', async () => {
    setup([])
    expect(await screen.findByRole('heading', { name: 'No tokens yet' })).toBeInTheDocument()
    expect(screen.getByText(/press Issue token/)).toBeInTheDocument()
  })

  it('virtualizes 10,000 rows: only a screenful is in the page', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => makeToken({ label: `Bulk token ${i}`, expiresAt: now + (i + 1) * 60_000 }))
    setup(many)
    await screen.findByText('10000 tokens')
    const grid = screen.getByRole('grid', { name: 'Tokens' })
    expect(grid).toHaveAttribute('aria-rowcount', '10000')
    const rendered = within(grid).getAllByRole('row').length
    expect(rendered).toBeGreaterThan(5)
    expect(rendered).toBeLessThan(40)
  })

  it('moves with j/k and arrows, opens details with Enter, copies with c, refreshes with r', async () => {
    const user = userEvent.setup()
    const tokens = [kc(), paw(), oxy()]
    const fake = setup(tokens)
    await screen.findByText('3 tokens')
    await user.keyboard('j')
    expect(screen.getByRole('row', { name: tokens[0]!.label })).toHaveAttribute('aria-selected', 'true')
    await user.keyboard('j')
    await user.keyboard('{ArrowDown}')
    expect(screen.getByRole('row', { name: tokens[2]!.label })).toHaveAttribute('aria-selected', 'true')
    await user.keyboard('k')
    expect(screen.getByRole('row', { name: tokens[1]!.label })).toHaveAttribute('aria-selected', 'true')
    await user.keyboard('c')
    await waitFor(() => expect(fake.requests).toContainEqual({ command: 'tokens.copy', request: { id: tokens[1]!.id, format: 'raw', part: 'token' } }))
    await user.keyboard('r')
    await waitFor(() => expect(fake.requests).toContainEqual({ command: 'tokens.refresh', request: { id: tokens[1]!.id } }))
    await user.keyboard('{Control>}c{/Control}')
    await waitFor(() => expect(fake.requests.filter((r) => r.command === 'tokens.copy')).toHaveLength(2))
    await user.keyboard('{Enter}')
    const drawer = await screen.findByRole('dialog', { name: tokens[1]!.label })
    expect(within(drawer).getByRole('button', { name: 'Copy' })).toBeInTheDocument()
    await user.keyboard('{Escape}')
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(useTokensStore.getState().selectedId).toBe(tokens[1]!.id)
  })

  it('Enter on a row’s Copy button presses that button, it does not open the details', async () => {
    const user = userEvent.setup()
    const first = kc()
    const token = paw()
    const fake = setup([first, token])
    await screen.findByRole('row', { name: token.label })
    await user.keyboard('j')
    expect(screen.getByRole('row', { name: first.label })).toHaveAttribute('aria-selected', 'true')
    within(screen.getByRole('row', { name: token.label })).getByRole('button', { name: 'Copy' }).focus()
    await user.keyboard('{Enter}')
    await waitFor(() => expect(fake.requests).toContainEqual({ command: 'tokens.copy', request: { id: token.id, format: 'raw', part: 'token' } }))
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('clicking a row opens its details', async () => {
    const user = userEvent.setup()
    const token = kc()
    setup([token])
    await user.click(await screen.findByRole('row', { name: token.label }))
    expect(await screen.findByRole('dialog', { name: token.label })).toBeInTheDocument()
  })

  it('closing the detail drawer with Escape puts focus back on the list, whose keys work again', async () => {
    const user = userEvent.setup()
    const first = kc()
    const second = paw()
    setup([first, second])
    await user.click(await screen.findByRole('row', { name: first.label }))
    await screen.findByRole('dialog', { name: first.label })
    await user.keyboard('{Escape}')
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect(document.activeElement).toBe(screen.getByRole('grid'))
    await user.keyboard('{ArrowDown}{Enter}')
    expect(await screen.findByRole('dialog', { name: second.label })).toBeInTheDocument()
  })
})

describe('All tokens in a wide window', () => {
  beforeEach(() => {
    resetTokens()
    polyfillDom()
    polyfillMatchMedia(true)
  })

  it('shows the detail as a right-hand panel, not a dialog', async () => {
    const user = userEvent.setup()
    const token = kc()
    setup([token])
    await user.click(await screen.findByRole('row', { name: token.label }))
    expect(await screen.findByRole('complementary', { name: token.label })).toBeInTheDocument()
    expect(screen.queryByRole('dialog')).toBeNull()
    await user.click(screen.getByRole('button', { name: 'Close details' }))
    expect(screen.queryByRole('complementary')).toBeNull()
  })
})

vi.setConfig({ testTimeout: 20_000 })
