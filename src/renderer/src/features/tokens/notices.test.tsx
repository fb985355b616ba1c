import { act, render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { useTokensStore } from '../../store/tokens-store'
import { fakeBridge } from '../../test/fake-bridge'
import { TokenToaster, wireTokens } from './index'
import { makeToken, polyfillDom, polyfillMatchMedia, resetTokens } from './test-fixtures'

function setup(host: 'browser' | 'electron' = 'browser') {
  const token = makeToken({ label: 'Demo Keycloak · tokendesk-demo · access' })
  const fake = fakeBridge(
    {
      'tokens.list': () => ({ ok: true, value: { tokens: [token] } }),
      'tokens.refresh': () => ({ ok: true, value: token }),
      'tokens.copy': () => ({ ok: true, value: { description: 'Demo Keycloak access token', target: 'clipboard', clearsAt: Date.now() + 30_000 } })
    },
    host
  )
  wireTokens(fake.bridge)
  fake.setState('connected')
  render(<TokenToaster />)
  return { fake, token }
}

describe('notices', () => {
  beforeEach(() => {
    resetTokens()
    polyfillDom()
    polyfillMatchMedia(false)
  })

  it('replaces "expires in 1 min" by "expired" for the same token instead of stacking', async () => {
    const { fake, token } = setup()
    act(() => fake.emit('tokens.notice', { tokenId: token.id, kind: 'expiring', title: 'Demo Keycloak · access expires in 1 min', body: 'Renew it or copy a fresh one.', at: Date.now() }))
    expect(await screen.findByText('Demo Keycloak · access expires in 1 min')).toBeInTheDocument()
    act(() => fake.emit('tokens.notice', { tokenId: token.id, kind: 'expired', title: 'Demo Keycloak · access expired', body: '', at: Date.now() }))
    expect(await screen.findByText('Demo Keycloak · access expired')).toBeInTheDocument()
    await waitFor(() => expect(screen.queryByText('Demo Keycloak · access expires in 1 min')).toBeNull())
  })

  it('offers Refresh and Copy on an expiring notice', async () => {
    const user = userEvent.setup()
    const { fake, token } = setup()
    act(() => fake.emit('tokens.notice', { tokenId: token.id, kind: 'expiring', title: 'Expires in 1 min', body: '', at: Date.now() }))
    const notice = (await screen.findByText('Expires in 1 min')).closest('li')!
    expect(within(notice).getByRole('button', { name: 'Copy' })).toBeInTheDocument()
    await user.click(within(notice).getByRole('button', { name: 'Refresh' }))
    await waitFor(() => expect(fake.requests).toContainEqual({ command: 'tokens.refresh', request: { id: token.id } }))
  })

  it('opens the detail of the token a clicked notification names', async () => {
    const { fake, token } = setup()
    await waitFor(() => expect(fake.calls).toContain('tokens.list'))
    await waitFor(() => expect(useTokensStore.getState().byId[token.id]).toBeDefined())
    act(() => fake.emit('tokens.focus', { tokenId: token.id }))
    expect(useTokensStore.getState()).toMatchObject({ selectedId: token.id, detailOpen: true })
  })

  it('leaves an unfocused Electron window to the OS notification, and toasts when it has focus', async () => {
    const focus = vi.spyOn(document, 'hasFocus').mockReturnValue(false)
    const { fake, token } = setup('electron')
    act(() => fake.emit('tokens.notice', { tokenId: token.id, kind: 'expiring', title: 'Unfocused notice', body: '', at: Date.now() }))
    focus.mockReturnValue(true)
    act(() => fake.emit('tokens.notice', { tokenId: token.id, kind: 'expired', title: 'Focused notice', body: '', at: Date.now() }))
    expect(await screen.findByText('Focused notice')).toBeInTheDocument()
    expect(screen.queryByText('Unfocused notice')).toBeNull()
    focus.mockRestore()
  })

  it('says when the clipboard was cleared', async () => {
    const { fake, token } = setup()
    act(() => fake.emit('clipboard.cleared', { tokenId: token.id, reason: 'expiry' }))
    expect(await screen.findByText('Clipboard cleared')).toBeInTheDocument()
    expect(screen.getByText('Cleared because the token expired.')).toBeInTheDocument()
  })
})
