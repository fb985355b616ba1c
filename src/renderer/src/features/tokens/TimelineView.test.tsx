import { render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it } from 'vitest'
import type { Token } from '../../../../shared/model'
import { useTokensStore } from '../../store/tokens-store'
import { fakeBridge } from '../../test/fake-bridge'
import { TimelineView, TokenToaster, wireTokens } from './index'
import { makeToken, polyfillDom, polyfillMatchMedia, resetTokens } from './test-fixtures'

function setup(tokens: Token[]) {
  const fake = fakeBridge({
    'tokens.list': () => ({ ok: true, value: { tokens } }),
    'tokens.inspect': () => ({ ok: true, value: { format: 'opaque', length: 36, notes: [] } }),
    'tokens.audit': () => ({ ok: true, value: { events: [] } })
  })
  wireTokens(fake.bridge)
  fake.setState('connected')
  render(
    <>
      <TimelineView />
      <TokenToaster />
    </>
  )
  return fake
}

describe('timeline', () => {
  beforeEach(() => {
    resetTokens()
    polyfillDom()
    polyfillMatchMedia(false)
  })

  it('draws one lane per token, grouped by account, and selects on click', async () => {
    const user = userEvent.setup()
    const now = Date.now()
    const a = makeToken({ label: 'Demo Keycloak · tokendesk-demo · access', renewals: [{ at: now - 60_000, expiresAt: now + 240_000 }], refresh: { expiresAt: now + 1800_000, expirySource: 'expires_in', rotates: true } })
    const b = makeToken({ label: 'Demo PocketPaw · session', accountId: 'acc-paw', providerId: 'pocketpaw' })
    setup([a, b])
    const lanes = await screen.findByRole('list', { name: 'Token lifetimes' })
    expect(within(lanes).getAllByRole('listitem')).toHaveLength(2)
    expect(within(lanes).getByText('Demo Keycloak')).toBeInTheDocument()
    expect(within(lanes).getByText('Demo PocketPaw')).toBeInTheDocument()
    expect(screen.getByText('now')).toBeInTheDocument()
    await user.click(within(lanes).getByRole('listitem', { name: /Demo PocketPaw · session/ }))
    expect(useTokensStore.getState().selectedId).toBe(b.id)
    expect(await screen.findByRole('dialog', { name: b.label })).toBeInTheDocument()
    // The drawer is modal, so the lanes behind it are hidden from the accessibility tree meanwhile.
    expect(within(lanes).getByRole('listitem', { name: /Demo PocketPaw · session/, hidden: true })).toHaveAttribute('aria-current', 'true')
  })

  it('switches between 1 h, 6 h, 24 h and 4 w', async () => {
    const user = userEvent.setup()
    setup([makeToken({})])
    await screen.findByRole('list', { name: 'Token lifetimes' })
    const range = screen.getByRole('group', { name: 'Time range' })
    expect(within(range).getByRole('button', { name: '1 h' })).toHaveAttribute('aria-pressed', 'true')
    await user.click(within(range).getByRole('button', { name: '4 w' }))
    expect(within(range).getByRole('button', { name: '4 w' })).toHaveAttribute('aria-pressed', 'true')
    expect(within(range).getByRole('button', { name: '1 h' })).toHaveAttribute('aria-pressed', 'false')
  })

  it('stays readable with 200 tokens (lanes scroll, every token has its lane)', async () => {
    const many = Array.from({ length: 200 }, (_, i) => makeToken({ label: `Acc ${i % 5} · app · access ${i}`, accountId: `acc${i % 5}` }))
    setup(many)
    const lanes = await screen.findByRole('list', { name: 'Token lifetimes' })
    expect(within(lanes).getAllByRole('listitem')).toHaveLength(200)
  })

  it('says how to get a token when there is none', async () => {
    setup([])
    expect(await screen.findByText(/Issue a token on an account page/)).toBeInTheDocument()
  })
})
