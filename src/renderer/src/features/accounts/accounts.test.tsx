import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { SecretsStatus } from '../../../../shared/contract'
import type { Account, App as AppRecord, Token } from '../../../../shared/model'
import { App } from '../../App'
import { importSummary } from './AccountPage'
import { fixFor } from './hints'
import { useAccountsStore } from '../../store/accounts-store'
import { useAppStore, wireBridge } from '../../store/app-store'
import { fakeBridge } from '../../test/fake-bridge'
import { polyfillDom, resetTokens } from '../tokens/test-fixtures'
import { account, app, keychainOk, kitchenSink, memoryOnly, pocketpaw, recipeProvider, token } from './test-fixtures'

type Answers = Parameters<typeof fakeBridge>[0]

let unwire: () => void = () => {}
beforeEach(() => {
  polyfillDom()
  resetTokens()
})
// Unmount first: a lazily loaded view that mounts after the bridge is gone would call it.
afterEach(() => {
  cleanup()
  unwire()
  vi.useRealTimers()
})

function start(
  { providers = [kitchenSink, pocketpaw, recipeProvider], accounts = [] as Account[], apps = [] as AppRecord[], tokens = [] as Token[], secrets = keychainOk as SecretsStatus } = {},
  answers: Answers = {}
) {
  const fake = fakeBridge({
    'providers.list': () => ({ ok: true, value: { providers } }),
    'accounts.list': () => ({ ok: true, value: { accounts, apps } }),
    'preferences.get': () => ({ ok: true, value: { clipboardClearSeconds: 30, expiringSeconds: 60, notifications: true } }),
    'secrets.status': () => ({ ok: true, value: secrets }),
    'tokens.list': () => ({ ok: true, value: { tokens } }),
    ...answers
  })
  unwire = wireBridge(fake.bridge)
  render(<App host="browser" />)
  act(() => fake.setState('connected'))
  return fake
}

function requestOf(fake: ReturnType<typeof fakeBridge>, command: string): Record<string, unknown> {
  const found = fake.requests.filter((r) => r.command === command).at(-1)
  if (!found) throw new Error(`${command} was not called`)
  return found.request as Record<string, unknown>
}

async function openAddAccount(user: ReturnType<typeof userEvent.setup>, provider: RegExp) {
  await user.click(await screen.findByRole('button', { name: 'Add account' }))
  const dialog = await screen.findByRole('dialog', { name: 'Add account' })
  await user.click(within(dialog).getByRole('button', { name: provider }))
  return screen.getByRole('dialog')
}

/** Opens Add account → Respoke, fills a complete login and presses Test login. */
async function testRespokeLogin(user: ReturnType<typeof userEvent.setup>): Promise<HTMLElement> {
  const dialog = await openAddAccount(user, /Respoke/)
  await user.type(within(dialog).getByLabelText('Base URL'), 'http://127.0.0.1:4100/respoke/v1')
  await user.type(within(dialog).getByLabelText('Admin user name'), 'demo-admin')
  await user.type(within(dialog).getByLabelText('Admin password'), 'pw')
  await user.click(within(dialog).getByRole('button', { name: 'Test login' }))
  return dialog
}

describe('first run', () => {
  it('welcomes a new user with Add account and Try the sandbox, naming the store really in use', async () => {
    const user = userEvent.setup()
    start({ secrets: memoryOnly })
    expect(await screen.findByRole('heading', { name: 'No accounts yet' })).toBeVisible()
    expect(screen.getByText(/in memory only for this session/)).toBeVisible()
    expect(screen.queryByText(/OS keychain/)).toBeNull()
    await user.click(screen.getByRole('button', { name: 'Try the sandbox' }))
    expect(screen.getByRole('region', { name: 'Sandbox' })).toHaveTextContent('npm start -- --demo')
  })

  it('the sidebar names accounts once, groups them by provider and counts live tokens', async () => {
    start({ accounts: [account, { ...account, id: 'acc2', providerId: 'pocketpaw', name: 'Demo PocketPaw', demo: true }], tokens: [token(), token({ id: 'tok2', state: 'expired' })] })
    const nav = screen.getByRole('navigation', { name: 'Main' })
    expect(within(nav).getAllByText('Accounts')).toHaveLength(1)
    const respoke = await within(nav).findByRole('list', { name: /Respoke/ })
    expect(within(respoke).getByRole('button', { name: /Staging Respoke/ })).toHaveAccessibleName('Staging Respoke, 1 live')
    const paw = within(nav).getByRole('list', { name: /PocketPaw/ })
    expect(within(paw).getByRole('button', { name: /Demo PocketPaw/ })).toHaveAccessibleName('Demo PocketPaw, demo')
  })
})

describe('the generated form', () => {
  it('renders every field kind from the specs, folds advanced fields, and validates with the core’s sentences', async () => {
    const user = userEvent.setup()
    const fake = start()
    const dialog = await openAddAccount(user, /Respoke/)
    expect(within(dialog).getByRole('heading', { name: 'Add a Respoke account' })).toBeVisible()
    // text, url, secret, multiline text, number; choice + boolean under Advanced
    expect(within(dialog).getByLabelText('Admin user name')).toHaveAttribute('type', 'text')
    expect(within(dialog).getByLabelText('Base URL')).toHaveAttribute('placeholder', 'https://api.respoke.io/v1')
    expect(within(dialog).getByLabelText('Admin password')).toHaveAttribute('type', 'password')
    expect(within(dialog).getByLabelText(/Notes/).tagName).toBe('TEXTAREA')
    expect(within(dialog).getByLabelText('Lifetime (seconds)')).toHaveValue(3600)
    expect(within(dialog).getByLabelText('Login route')).not.toBeVisible()
    await user.click(within(dialog).getByText('Advanced'))
    expect(within(dialog).getByLabelText('Login route')).toHaveDisplayValue('admin-sessions')
    expect(within(dialog).getByRole('checkbox', { name: 'Allow plain HTTP to a remote host' })).not.toBeChecked()
    expect(within(dialog).getByText('The REST API root.')).toBeVisible()

    await user.type(within(dialog).getByLabelText('Base URL'), 'not a url')
    await user.clear(within(dialog).getByLabelText('Lifetime (seconds)'))
    await user.type(within(dialog).getByLabelText('Lifetime (seconds)'), '5')
    await user.click(within(dialog).getByRole('button', { name: 'Save account' }))
    expect(within(dialog).getByText('Base URL must be a full URL, like https://api.example.com.')).toBeVisible()
    expect(within(dialog).getByText('Admin user name is required.')).toBeVisible()
    expect(within(dialog).getByText('Admin password is required.')).toBeVisible()
    expect(within(dialog).getByText('Lifetime (seconds) must be at least 60.')).toBeVisible()
    expect(within(dialog).getByLabelText('Admin password')).toHaveAttribute('aria-invalid', 'true')
    expect(fake.calls).not.toContain('accounts.create')
  })

  it('masks secrets with a show toggle and says where they will be stored', async () => {
    const user = userEvent.setup()
    start({ secrets: memoryOnly })
    const dialog = await openAddAccount(user, /Respoke/)
    const password = within(dialog).getByLabelText('Admin password')
    await user.type(password, 's3cret')
    expect(password).toHaveAttribute('type', 'password')
    await user.click(within(dialog).getByRole('button', { name: 'Show Admin password' }))
    expect(password).toHaveAttribute('type', 'text')
    expect(within(dialog).getByRole('button', { name: 'Hide Admin password' })).toHaveAttribute('aria-pressed', 'true')
    expect(within(dialog).getByTestId('secret-store-note')).toHaveTextContent('Memory only — secrets are gone when TokenDesk exits.')
    // Nothing typed reaches a store.
    expect(JSON.stringify(useAppStore.getState())).not.toContain('s3cret')
    expect(JSON.stringify(useAccountsStore.getState())).not.toContain('s3cret')
  })

  it('a preset fills the form; Save sends normalized fields and the typed secret, then opens the account', async () => {
    const user = userEvent.setup()
    const created: Account = { ...account, id: 'new1', name: 'Respoke sandbox', fields: { baseUrl: 'http://127.0.0.1:4100/respoke/v1', username: 'demo-admin', ttl: 3600 } }
    const fake = start({}, { 'accounts.create': () => ({ ok: true, value: created }) })
    const dialog = await openAddAccount(user, /Respoke/)
    await user.click(within(dialog).getByRole('button', { name: 'Respoke sandbox' }))
    expect(within(dialog).getByLabelText('Admin user name')).toHaveValue('demo-admin')
    expect(within(dialog).getByLabelText('Account name')).toHaveValue('Respoke sandbox')
    await user.type(within(dialog).getByLabelText('Admin password'), 'demo-admin-password')
    await user.click(within(dialog).getByRole('button', { name: 'Save account' }))
    await waitFor(() => expect(fake.calls).toContain('accounts.create'))
    expect(requestOf(fake, 'accounts.create')).toEqual({
      providerId: 'respoke',
      name: 'Respoke sandbox',
      fields: { baseUrl: 'http://127.0.0.1:4100/respoke/v1', username: 'demo-admin', ttl: 3600, route: 'admin-sessions', allowInsecureHttp: false },
      secrets: { password: 'demo-admin-password' }
    })
    expect(await screen.findByRole('heading', { level: 1, name: 'Respoke sandbox' })).toBeVisible()
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  it('Test login shows the engine’s sentence and facts, or its error with what to fix', async () => {
    const user = userEvent.setup()
    let ok = true
    const fake = start(
      {},
      {
        'accounts.testLogin': () =>
          ok
            ? { ok: true, value: { message: 'Logged in as demo-admin; 2 apps visible.', facts: ['Admin-Token (opaque, 36 characters)'], ms: 12 } }
            : { ok: false, error: { code: 'AUTH_REJECTED', message: 'Respoke refused the admin login: wrong user name or password.' } }
      }
    )
    const dialog = await testRespokeLogin(user)
    const result = await within(dialog).findByTestId('test-login-result')
    expect(result).toHaveTextContent('Logged in as demo-admin; 2 apps visible.')
    expect(result).toHaveTextContent('Admin-Token (opaque, 36 characters)')
    expect(requestOf(fake, 'accounts.testLogin')).toMatchObject({ draft: { providerId: 'respoke', secrets: { password: 'pw' } } })
    ok = false
    await user.click(within(dialog).getByRole('button', { name: 'Test login' }))
    const failure = await within(dialog).findByRole('alert')
    expect(failure).toHaveTextContent('Respoke refused the admin login: wrong user name or password.')
    expect(failure).toHaveTextContent('Fix: Check the credentials above, then Test login again.')

    // Emptied a required field: its message shows, and the answer about the earlier values goes.
    await user.clear(within(dialog).getByLabelText('Base URL'))
    await user.click(within(dialog).getByRole('button', { name: 'Test login' }))
    expect(within(dialog).queryByTestId('test-login-result')).toBeNull()
    expect(within(dialog).queryByText('Respoke refused the admin login: wrong user name or password.')).toBeNull()
  })

  it('a Test login that reached the API without trying the credentials is information, not a success', async () => {
    const user = userEvent.setup()
    start({}, { 'accounts.testLogin': () => ({ ok: true, value: { message: 'The proxy answers at this address.', facts: [], ms: 5, checked: 'address' } }) })
    const dialog = await testRespokeLogin(user)
    const result = await within(dialog).findByTestId('test-login-result')
    expect(result).toHaveTextContent('The proxy answers at this address.')
    expect(result).toHaveClass('callout-info')
    expect(result).not.toHaveClass('callout-ok')
  })

  it('a recipe derives its secret inputs from {{secret:…}} placeholders and fills itself from curl', async () => {
    const user = userEvent.setup()
    const fake = start(
      {},
      {
        'recipes.fromCurl': () => ({
          ok: true,
          value: {
            fields: { method: 'POST', url: 'https://api.example.com/login', body: '{"user":"me","password":"{{secret:password}}"}' },
            secrets: { password: 'from-curl' },
            warnings: ['The password in the body became the secret "password".']
          }
        }),
        'recipes.test': () => ({
          ok: true,
          value: { status: 200, ms: 40, tokenMasked: 'eyJh…x9Q', tokenLength: 180, expiresAt: null, expirySource: 'unknown', extracted: ['/token → token (180 characters)'] }
        })
      }
    )
    const dialog = await openAddAccount(user, /Custom recipe/)
    expect(within(dialog).queryByLabelText('apiKey')).toBeNull()
    fireEvent.change(within(dialog).getByLabelText(/Headers/), { target: { value: 'X-Api-Key: {{secret:apiKey}}' } })
    expect(within(dialog).getByLabelText('apiKey')).toHaveAttribute('type', 'password')
    await user.click(within(dialog).getByRole('button', { name: 'Import from curl' }))
    await user.type(within(dialog).getByLabelText('curl command'), 'curl https://api.example.com/login')
    await user.click(within(dialog).getByRole('button', { name: 'Fill the recipe' }))
    expect(await within(dialog).findByText('The password in the body became the secret "password".')).toBeVisible()
    expect(within(dialog).getByLabelText('URL')).toHaveValue('https://api.example.com/login')
    expect(within(dialog).getByLabelText('password')).toHaveValue('from-curl')
    await user.type(within(dialog).getByLabelText('apiKey'), 'k')
    await user.type(within(dialog).getByLabelText('Account name'), 'My API')
    await user.click(within(dialog).getByRole('button', { name: 'Test recipe' }))
    const result = await within(dialog).findByTestId('test-recipe-result')
    expect(result).toHaveTextContent('HTTP 200')
    expect(result).toHaveTextContent('eyJh…x9Q')
    expect(result).toHaveTextContent('/token → token (180 characters)')
    expect(requestOf(fake, 'recipes.test')).toMatchObject({ draft: { providerId: 'recipe', secrets: { password: 'from-curl', apiKey: 'k' } } })
  })
})

describe('the account page', () => {
  it('editing never shows a stored secret and sends only the secrets typed', async () => {
    const user = userEvent.setup()
    const fake = start({ accounts: [account] }, { 'accounts.update': () => ({ ok: true, value: account }) })
    await user.click(await screen.findByRole('button', { name: /Staging Respoke/ }))
    await user.click(screen.getByRole('button', { name: 'More for Staging Respoke' }))
    await user.click(await screen.findByRole('menuitem', { name: 'Edit account' }))
    const dialog = await screen.findByRole('dialog', { name: 'Edit Staging Respoke' })
    const password = within(dialog).getByLabelText('Admin password')
    expect(password).toHaveValue('')
    expect(password).toHaveAttribute('placeholder', 'Stored — leave empty to keep')
    await user.clear(within(dialog).getByLabelText('Admin user name'))
    await user.type(within(dialog).getByLabelText('Admin user name'), 'root')
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }))
    await waitFor(() => expect(fake.calls).toContain('accounts.update'))
    const request = requestOf(fake, 'accounts.update')
    expect(request).not.toHaveProperty('secrets')
    expect(request).not.toHaveProperty('name')
    expect(request.fields).toMatchObject({ username: 'root' })
  })

  it('Issue token shows progress, says what it waits for after 1 s, and shows the error sentence with a fix', async () => {
    let answer: (value: unknown) => void = () => {}
    const fake = start(
      { accounts: [account], apps: [app] },
      { 'tokens.issue': () => new Promise((resolve) => (answer = resolve)) as never }
    )
    act(() => useAppStore.getState().accountChosen('acc1'))
    const buttons = await screen.findAllByRole('button', { name: 'Issue token' })
    const accountButton = buttons[0]!
    expect(accountButton).toHaveTextContent('Issue token · Admin-Token')
    vi.useFakeTimers({ shouldAdvanceTime: true })
    fireEvent.click(accountButton)
    expect(accountButton).toHaveAttribute('aria-busy', 'true')
    expect(screen.queryByText(/Waiting for/)).toBeNull()
    act(() => vi.advanceTimersByTime(1100))
    expect(screen.getByText('Waiting for 127.0.0.1:4100…')).toBeVisible()
    await act(async () => answer({ ok: false, error: { code: 'HTTP_UNREACHABLE', message: 'Nothing answered at 127.0.0.1:4100 (connection refused).' } }))
    const alert = await screen.findByText('Nothing answered at 127.0.0.1:4100 (connection refused).', { selector: '[role="alert"] p' })
    expect(alert.closest('[role="alert"]')).toHaveTextContent('Fix: Check the base URL and that the server is running')
    expect(accountButton).toHaveAttribute('aria-busy', 'false')
    expect(requestOf(fake, 'tokens.issue')).toEqual({ accountId: 'acc1' })
  })

  it('each app has its own Issue token, found by the app’s name', async () => {
    const user = userEvent.setup()
    const issued = token({ id: 'tok9', appId: 'app1', label: 'Staging Respoke · Web client · App-Token' })
    const fake = start({ accounts: [account], apps: [app] }, { 'tokens.issue': () => ({ ok: true, value: issued }) })
    act(() => useAppStore.getState().accountChosen('acc1'))
    const row = await screen.findByRole('listitem', { name: 'Web client' })
    await user.click(within(row).getByRole('button', { name: 'Issue token', description: /Web client/ }))
    await waitFor(() => expect(requestOf(fake, 'tokens.issue')).toEqual({ accountId: 'acc1', appId: 'app1' }))
    await waitFor(() => expect(useAppStore.getState().selectedTokenId).toBe('tok9'))
  })

  it('`i` issues on the account page; a destructive action asks first with the provider’s sentence', async () => {
    const user = userEvent.setup()
    const paw: Account = { ...account, id: 'acc-paw', providerId: 'pocketpaw', name: 'Local PocketPaw', fields: { baseUrl: 'http://127.0.0.1:4100/pocketpaw' }, secretsSet: ['masterToken'] }
    const fake = start(
      { accounts: [paw] },
      {
        'tokens.issue': () => ({ ok: true, value: token({ id: 't-paw', accountId: 'acc-paw', label: 'Local PocketPaw · session' }) }),
        'accounts.runAction': () => ({ ok: true, value: { message: 'Generated a new master token.', affectedTokens: 2 } })
      }
    )
    act(() => useAppStore.getState().accountChosen('acc-paw'))
    await screen.findByRole('heading', { level: 1, name: 'Local PocketPaw' })
    await user.keyboard('i')
    await waitFor(() => expect(requestOf(fake, 'tokens.issue')).toEqual({ accountId: 'acc-paw' }))
    await user.click(screen.getByRole('button', { name: 'More for Local PocketPaw' }))
    await user.click(await screen.findByRole('menuitem', { name: 'Regenerate master token' }))
    const confirm = await screen.findByRole('alertdialog', { name: 'Regenerate master token?' })
    expect(confirm).toHaveTextContent('Every session token of this server stops working at once.')
    expect(fake.calls).not.toContain('accounts.runAction')
    await user.click(within(confirm).getByRole('button', { name: 'Regenerate master token' }))
    await waitFor(() => expect(requestOf(fake, 'accounts.runAction')).toEqual({ id: 'acc-paw', action: 'regenerate-master' }))
  })

  it('Remove says what is removed before anything happens', async () => {
    const user = userEvent.setup()
    const fake = start({ accounts: [account], apps: [app] }, { 'accounts.remove': () => ({ ok: true, value: { removedApps: 1, removedTokens: 3 } }) })
    act(() => useAppStore.getState().accountChosen('acc1'))
    await user.click(await screen.findByRole('button', { name: 'More for Staging Respoke' }))
    await user.click(await screen.findByRole('menuitem', { name: 'Remove account' }))
    const confirm = await screen.findByRole('alertdialog', { name: 'Remove Staging Respoke?' })
    expect(confirm).toHaveTextContent('its 1 app, every token issued for it and every secret stored for it')
    await user.click(within(confirm).getByRole('button', { name: 'Remove account' }))
    await waitFor(() => expect(requestOf(fake, 'accounts.remove')).toEqual({ id: 'acc1' }))
    expect(useAppStore.getState().view).toBe('all-tokens')
  })
})

describe('the palette and shortcuts', () => {
  it('Ctrl+K finds a token by name and copies it', async () => {
    const user = userEvent.setup()
    const writeText = vi.fn(async () => {})
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true })
    const fake = start(
      { accounts: [account], tokens: [token(), token({ id: 'tok2', label: 'Other · session', kind: 'session' })] },
      { 'tokens.copy': () => ({ ok: true, value: { description: 'Staging Respoke Admin-Token', target: 'page', text: 'the-value', clearsAt: null } }) }
    )
    await screen.findByRole('button', { name: /Staging Respoke/ })
    await user.keyboard('{Control>}k{/Control}')
    const input = await screen.findByRole('combobox', { name: 'Search or run a command' })
    await user.type(input, 'copy staging admin')
    const options = screen.getAllByRole('option')
    expect(options[0]).toHaveTextContent('Copy Staging Respoke · Admin-Token')
    await user.keyboard('{Enter}')
    await waitFor(() => expect(requestOf(fake, 'tokens.copy')).toEqual({ id: 'tok1', format: 'raw', part: 'token' }))
    expect(writeText).toHaveBeenCalledWith('the-value')
    expect(screen.queryByRole('combobox', { name: 'Search or run a command' })).toBeNull()
    expect(document.body.textContent).not.toContain('the-value')
  })

  it('typing an account name in the palette and pressing Enter goes there, even when it has tokens; the title bar search opens it', async () => {
    const user = userEvent.setup()
    const fake = start({ accounts: [account], tokens: [token()] })
    await screen.findByRole('button', { name: /Staging Respoke/ })
    await user.click(screen.getByRole('button', { name: /Search or run a command/ }))
    await user.type(await screen.findByRole('combobox'), 'staging resp')
    await waitFor(() => expect(screen.getAllByRole('option')[0]).toHaveTextContent('Staging RespokeRespoke'))
    await user.keyboard('{Enter}')
    expect(await screen.findByRole('heading', { level: 1, name: 'Staging Respoke' })).toBeVisible()
    expect(fake.requests.map((r) => r.command)).not.toContain('tokens.copy')
  })

  it('? shows every shortcut; Alt+2 and Alt+3 switch views', async () => {
    const user = userEvent.setup()
    start({ accounts: [account] })
    await screen.findByRole('button', { name: /Staging Respoke/ })
    await user.keyboard('?')
    const sheet = await screen.findByRole('dialog', { name: 'Keyboard shortcuts' })
    for (const what of ['All tokens', 'Diagnostics', 'Settings', 'Show this list']) expect(within(sheet).getByText(what)).toBeVisible()
    expect(within(sheet).getByText(/Issue a token/)).toBeVisible()
    await user.keyboard('{Escape}')
    await user.keyboard('{Alt>}3{/Alt}')
    expect(await screen.findByRole('heading', { name: 'Settings' })).toBeVisible()
  })
})


describe('settings polish', () => {
  const broken: SecretsStatus = {
    active: {
      backend: 'keychain',
      status: 'unavailable',
      reason: 'There is no D-Bus session.',
      fix: 'Start a keyring daemon; otherwise choose the encrypted vault in Settings.',
      ephemeral: false,
      checkedAt: 0
    },
    backendChosen: false,
    vault: { state: 'absent', path: '/d/vault.tdv', autoLockMinutes: 15 },
    alternatives: [{ backend: 'memory', status: 'ok', ephemeral: true, checkedAt: 0 }]
  }

  it('never calls an unusable store "In use", does not send you to Settings from Settings, and creates + adopts a vault in one step', async () => {
    const user = userEvent.setup()
    const fake = start(
      { secrets: broken },
      {
        'vault.create': () => ({ ok: true, value: { state: 'unlocked', path: '/d/vault.tdv', autoLockMinutes: 15 } }),
        'secrets.chooseBackend': () => ({
          ok: true,
          value: { status: { ...broken, active: { backend: 'vault', status: 'ok', ephemeral: false, checkedAt: 1 }, backendChosen: true }, moved: 0, leftBehind: 0 }
        })
      }
    )
    await user.keyboard('{Alt>}3{/Alt}')
    const keychain = await screen.findByTestId('backend-keychain')
    expect(within(keychain).queryByText('In use')).toBeNull()
    expect(within(keychain).getByText('Selected, not usable')).toBeVisible()
    expect(keychain).toHaveTextContent('otherwise choose the encrypted vault on this page.')
    const create = screen.getByTestId('vault-create')
    await user.type(within(create).getByLabelText('Passphrase'), 'long enough passphrase')
    await user.type(within(create).getByLabelText('Repeat passphrase'), 'long enough passphrase')
    await user.click(within(create).getByRole('button', { name: 'Create vault and use it' }))
    await waitFor(() => expect(requestOf(fake, 'secrets.chooseBackend')).toEqual({ backend: 'vault', moveSecrets: false }))
    expect(fake.calls.indexOf('vault.create')).toBeLessThan(fake.calls.indexOf('secrets.chooseBackend'))
  })
})

describe('the import summary', () => {
  it('says what an import did, and does not talk of secrets when nothing was imported', () => {
    expect(importSummary(3, 0)).toBe('Imported 3 apps. Their secrets are not listed by the server: add each with Edit.')
    expect(importSummary(1, 2)).toBe('Imported 1 app; 2 already here. Their secrets are not listed by the server: add each with Edit.')
    expect(importSummary(0, 2)).toBe("Nothing new to import: the server's 2 apps are already here.")
    expect(importSummary(0, 1, 'client')).toBe("Nothing new to import: the server's 1 client is already here.")
    expect(importSummary(0, 0, 'client')).toBe('The server lists no clients to import.')
  })
})

describe('the fix under an error', () => {
  it("is the engine's own when it sent one, else the code's hint, pointed at the form when the error shows in one", () => {
    const rejected = { code: 'AUTH_REJECTED', message: 'Refused.' } as const
    expect(fixFor(rejected)).toBe('Check the credentials: Edit the account, then Test login.')
    expect(fixFor(rejected, 'form')).toBe('Check the credentials above, then Test login again.')
    const notFound = { code: 'UPSTREAM_ERROR', message: 'No such route.', details: { fix: 'Check the base URL (it ends in /v1).' } } as const
    expect(fixFor(notFound)).toBe('Check the base URL (it ends in /v1).')
    expect(fixFor(notFound, 'form')).toBe('Check the base URL (it ends in /v1).')
    // No form wording for this code: the page's hint serves both.
    expect(fixFor({ code: 'RATE_LIMITED', message: 'Slow down.' }, 'form')).toBe('The server is limiting requests: wait a moment and try again.')
    expect(fixFor({ code: 'TOKEN_NOT_FOUND', message: 'Gone.' })).toBeUndefined()
  })
})
