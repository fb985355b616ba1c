import { act, render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { Token } from '../../../../shared/model'
import { formatAbsolute } from '../../lib/format-time'
import { useTokensStore } from '../../store/tokens-store'
import { fakeBridge } from '../../test/fake-bridge'
import { AllTokensView, TokenToaster, wireTokens } from './index'
import { makeToken, polyfillDom, polyfillMatchMedia, resetTokens } from './test-fixtures'
import { auditSentence } from './TokenDetail'

const VALUE = 'eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjE3OTU0NjY2NDV9.c2ln'
const iat = Math.floor(Date.now() / 1000) - 60
const exp = iat + 300

function setup(token: Token, extra: Parameters<typeof fakeBridge>[0] = {}) {
  const fake = fakeBridge({
    'tokens.list': () => ({ ok: true, value: { tokens: [token] } }),
    'tokens.inspect': () => ({
      ok: true,
      value: { format: 'jwt', length: 812, jwtHeader: { alg: 'RS256', typ: 'JWT', kid: 'demo-key' }, jwtClaims: { sub: 'demo', iat, exp, scope: 'openid profile' }, notes: ['signature RS256, not verified'] }
    }),
    'tokens.audit': () => ({ ok: true, value: { events: [{ at: Date.now() - 60_000, kind: 'issued', detail: 'issued with the password grant' }, { at: Date.now() - 10_000, kind: 'copied', detail: 'copied as a Bearer header' }] } }),
    'tokens.reveal': () => ({ ok: true, value: { value: VALUE, hideAfterMs: 1500 } }),
    'tokens.forget': () => ({ ok: true, value: { forgotten: true } }),
    'renewal.setPolicy': (r) => ({ ok: true, value: { policy: r.policy, notify: r.notify ?? true, tokensUpdated: 2 } }),
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

async function openDetail(token: Token): Promise<HTMLElement> {
  await screen.findByRole('row', { name: token.label })
  act(() => useTokensStore.getState().selected(token.id, true))
  return screen.findByRole('complementary', { name: token.label })
}

describe('token detail', () => {
  beforeEach(() => {
    resetTokens()
    polyfillDom()
    polyfillMatchMedia(true)
  })

  it('shows the decoded JWT with iat and exp as local times', async () => {
    const token = makeToken({ label: 'Demo Keycloak · tokendesk-demo · access' })
    setup(token)
    const panel = await openDetail(token)
    expect(await within(panel).findByText('Claims')).toBeInTheDocument()
    expect(within(panel).getByText(formatAbsolute(exp * 1000))).toBeInTheDocument()
    expect(within(panel).getByText(formatAbsolute(iat * 1000))).toBeInTheDocument()
    expect(within(panel).getByText('RS256')).toBeInTheDocument()
    expect(within(panel).getByText('openid profile')).toBeInTheDocument()
    expect(within(panel).getByText('signature RS256, not verified')).toBeInTheDocument()
  })

  it('says an opaque token is opaque and shows PocketPaw facts', async () => {
    const token = makeToken({ label: 'Opaque one', format: 'opaque' })
    setup(token, { 'tokens.inspect': () => ({ ok: true, value: { format: 'opaque', length: 36, notes: [] } }) })
    const panel = await openDetail(token)
    expect(await within(panel).findByText(/Opaque token, 36 characters/)).toBeInTheDocument()
  })

  it('shows the PocketPaw expiry and signature length', async () => {
    const token = makeToken({ label: 'Paw one', format: 'pocketpaw' })
    const at = Date.now() + 3600_000
    setup(token, { 'tokens.inspect': () => ({ ok: true, value: { format: 'pocketpaw', length: 75, pocketpaw: { expiresAt: at, signatureHexLength: 64 }, notes: [] } }) })
    const panel = await openDetail(token)
    expect(await within(panel).findByText('64 hex characters (HMAC)')).toBeInTheDocument()
    expect(within(panel).getByText(formatAbsolute(at))).toBeInTheDocument()
  })

  it('reveals the value on request only, then hides it after the delay', async () => {
    const user = userEvent.setup()
    const token = makeToken({ label: 'Secret one' })
    const fake = setup(token)
    const panel = await openDetail(token)
    expect(document.body.innerHTML).not.toContain(VALUE)
    await user.click(within(panel).getByRole('button', { name: 'Reveal' }))
    expect(await within(panel).findByText(VALUE)).toBeInTheDocument()
    expect(within(panel).getByRole('timer')).toHaveTextContent(/hides in [0-2] s/)
    expect(fake.requests).toContainEqual({ command: 'tokens.reveal', request: { id: token.id } })
    expect(JSON.stringify(useTokensStore.getState())).not.toContain(VALUE)
    await waitFor(() => expect(document.body.innerHTML).not.toContain(VALUE), { timeout: 3000 })
    expect(within(panel).getByRole('button', { name: 'Reveal' })).toBeInTheDocument()
  })

  it('Hide hides at once', async () => {
    const user = userEvent.setup()
    const token = makeToken({ label: 'Secret two' })
    setup(token, { 'tokens.reveal': () => ({ ok: true, value: { value: VALUE, hideAfterMs: 60_000 } }) })
    const panel = await openDetail(token)
    await user.click(within(panel).getByRole('button', { name: 'Reveal' }))
    await within(panel).findByText(VALUE)
    await user.click(within(panel).getByRole('button', { name: 'Hide' }))
    expect(document.body.innerHTML).not.toContain(VALUE)
  })

  it('shows the audit timeline, newest first', async () => {
    const token = makeToken({ label: 'Audited' })
    setup(token)
    const panel = await openDetail(token)
    const audit = within(panel).getByRole('region', { name: 'Audit timeline' })
    await within(audit).findByText('Copied as a Bearer header')
    const items = within(audit).getAllByRole('listitem').map((item) => item.textContent)
    // One sentence per entry: never "Copied copied as…".
    expect(items[0]).toMatch(/^\d\d:\d\d:\d\dCopied as a Bearer header$/)
    expect(items[1]).toMatch(/^\d\d:\d\d:\d\dIssued with the password grant$/)
    // An entry without words says at least what happened.
    expect(auditSentence({ kind: 'expired', detail: ' ' })).toBe('Expired')
  })

  it('saves a renewal policy for the token’s app', async () => {
    const user = userEvent.setup()
    const token = makeToken({ label: 'Renewable' })
    const fake = setup(token)
    const panel = await openDetail(token)
    await user.click(within(panel).getByRole('radio', { name: /s before expiry/ }))
    const seconds = within(panel).getByRole('spinbutton', { name: 'Seconds before expiry' })
    await user.clear(seconds)
    await user.type(seconds, '90')
    await user.click(within(panel).getByRole('checkbox', { name: /Notify me/ }))
    await user.click(within(panel).getByRole('button', { name: 'Save renewal' }))
    await waitFor(() =>
      expect(fake.requests).toContainEqual({ command: 'renewal.setPolicy', request: { accountId: token.accountId, appId: token.appId, policy: { mode: 'before', seconds: 90 }, notify: false } })
    )
    expect(await within(panel).findByRole('status')).toHaveTextContent('Saved: renew 1:30 before expiry; 2 tokens updated.')
  })

  it('refuses a percentage outside 10–95 before asking the engine', async () => {
    const user = userEvent.setup()
    const token = makeToken({ label: 'Bad percent' })
    const fake = setup(token)
    const panel = await openDetail(token)
    const percent = within(panel).getByRole('spinbutton', { name: 'Percent of the lifetime' })
    await user.clear(percent)
    await user.type(percent, '99')
    expect(within(panel).getByText('Use 10 to 95 %.')).toBeInTheDocument()
    expect(within(panel).getByRole('button', { name: 'Save renewal' })).toBeDisabled()
    expect(fake.calls).not.toContain('renewal.setPolicy')
  })

  it('Forget asks first, then forgets', async () => {
    const user = userEvent.setup()
    const token = makeToken({ label: 'Forgettable' })
    const fake = setup(token)
    const panel = await openDetail(token)
    await user.click(within(panel).getByRole('button', { name: 'Forget' }))
    const dialog = await screen.findByRole('dialog', { name: 'Forget Forgettable?' })
    expect(fake.calls).not.toContain('tokens.forget')
    await user.click(within(dialog).getByRole('button', { name: 'Forget' }))
    await waitFor(() => expect(fake.requests).toContainEqual({ command: 'tokens.forget', request: { id: token.id } }))
  })
})

vi.setConfig({ testTimeout: 20_000 })
