import { act, cleanup, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it } from 'vitest'
import type { AppInfo, Diagnostics } from '../../shared/contract'
import { App } from './App'
import { wireBridge } from './store/app-store'
import { fakeBridge } from './test/fake-bridge'

const info: AppInfo = { name: 'TokenDesk', version: '1.2.3', host: 'browser', platform: 'linux', arch: 'x64', runtime: 'Node v20', dataDir: '/home/dev/.config/TokenDesk' }
const diagnostics: Diagnostics = {
  secretStore: {
    backend: 'keychain',
    status: 'unavailable',
    reason: 'No Secret Service is running on this D-Bus session.',
    fix: 'Install and start gnome-keyring.',
    errorCode: 'KEYCHAIN_NO_SECRET_SERVICE',
    ephemeral: false,
    checkedAt: 0
  },
  settings: { path: '/home/dev/.config/TokenDesk/settings.json', status: 'ok' },
  logFile: '/home/dev/.config/TokenDesk/logs/tokendesk.log',
  sandbox: { status: 'off', hint: 'Start TokenDesk with --demo to run the built-in sandbox.' }
}

let unwire: () => void = () => {}
// Unmount first: a lazily loaded view that mounts after the bridge is gone would call it.
afterEach(() => {
  cleanup()
  unwire()
})

function setup(answers: Parameters<typeof fakeBridge>[0]) {
  const fake = fakeBridge(answers)
  unwire = wireBridge(fake.bridge)
  render(<App host="browser" />)
  act(() => fake.setState('connected'))
  return fake
}

describe('App shell', () => {
  it('shows the empty state and the accounts sidebar to a new user', async () => {
    setup({ 'app.info': () => ({ ok: true, value: info }), 'app.diagnostics': () => ({ ok: true, value: diagnostics }) })
    expect(await screen.findByRole('heading', { name: 'No accounts yet' })).toBeVisible()
    expect(screen.getByRole('heading', { name: 'Accounts' })).toBeVisible()
    expect(screen.getByText('Browser mode')).toBeVisible()
  })

  it('shows diagnostics from the bridge, with the keychain reason and its fix', async () => {
    const fake = setup({ 'app.info': () => ({ ok: true, value: info }), 'app.diagnostics': () => ({ ok: true, value: diagnostics }) })
    await userEvent.click(await screen.findByRole('button', { name: /Check this machine/ }))
    expect(await screen.findByTestId('app-version')).toHaveTextContent('1.2.3')
    expect(screen.getByTestId('app-data-dir')).toHaveTextContent('/home/dev/.config/TokenDesk')
    const secretCard = screen.getByRole('region', { name: 'Secret store' })
    expect(within(secretCard).getByText('Unavailable')).toBeVisible()
    expect(within(secretCard).getByTestId('secret-reason')).toHaveTextContent('No Secret Service is running')
    expect(within(secretCard).getByTestId('secret-reason')).toHaveTextContent('Fix: Install and start gnome-keyring.')
    expect(fake.calls).toContain('app.diagnostics')
  })

  it('updates diagnostics when main pushes an event', async () => {
    const fake = setup({ 'app.info': () => ({ ok: true, value: info }), 'app.diagnostics': () => ({ ok: true, value: diagnostics }) })
    await userEvent.keyboard('{Alt>}2{/Alt}')
    const secretCard = await screen.findByRole('region', { name: 'Secret store' })
    expect(await within(secretCard).findByText('Unavailable')).toBeVisible()
    act(() => fake.emit('app.diagnosticsChanged', { ...diagnostics, secretStore: { ...diagnostics.secretStore, status: 'ok', reason: undefined, fix: undefined } }))
    const updated = screen.getByRole('region', { name: 'Secret store' })
    expect(await within(updated).findByText('Healthy')).toBeVisible()
    expect(within(updated).queryByText('Unavailable')).toBeNull()
  })

  it('shows a typed error instead of spinning forever when diagnostics fail', async () => {
    setup({
      'app.info': () => ({ ok: true, value: info }),
      'app.diagnostics': () => ({ ok: false, error: { code: 'INTERNAL', message: '"app.diagnostics" failed unexpectedly.' } })
    })
    await userEvent.keyboard('{Alt>}2{/Alt}')
    expect(await screen.findByRole('alert')).toHaveTextContent('"app.diagnostics" failed unexpectedly. INTERNAL')
  })

  it('tells the user when the connection drops, and explains a missing launch link', async () => {
    const fake = setup({ 'app.info': () => ({ ok: true, value: info }), 'app.diagnostics': () => ({ ok: true, value: diagnostics }) })
    act(() => fake.setState('reconnecting'))
    expect(screen.getByRole('status')).toHaveTextContent('Reconnecting')
    act(() => fake.setState('no-secret'))
    expect(screen.getByRole('heading', { name: 'This page needs its launch link' })).toBeVisible()
  })

  it('says a launch link is out of date instead of "Reconnecting…" forever when it never got in', () => {
    const fake = fakeBridge({})
    unwire = wireBridge(fake.bridge)
    render(<App host="browser" />)
    // The server refuses the handshake: the bridge only ever sees closes, and retries.
    act(() => fake.setState('reconnecting'))
    expect(screen.getByRole('status')).toHaveTextContent('Reconnecting')
    act(() => fake.setState('reconnecting'))
    act(() => fake.setState('reconnecting'))
    expect(screen.getByRole('heading', { name: 'This launch link is out of date' })).toBeVisible()
    expect(screen.getByRole('alert')).toHaveTextContent('TokenDesk is running at')
    expect(screen.getByText('Link not accepted')).toBeVisible()
  })

  it('after a long outage of a page that was connected, says the link may be stale and where the new one is', () => {
    const fake = setup({})
    for (let i = 0; i < 6; i++) act(() => fake.setState('reconnecting'))
    expect(screen.getByRole('status')).toHaveTextContent('if TokenDesk was restarted, this page’s link is stale')
    act(() => fake.setState('connected'))
    expect(screen.queryByText(/Reconnecting/)).toBeNull()
  })
})
