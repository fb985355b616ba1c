import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { artifacts, expect, NO_DBUS, startBrowserModeApp, test } from '../fixtures'

const PASSPHRASE = 'correct horse battery staple 7'

test.beforeEach(({}, testInfo) => {
  test.skip(testInfo.project.name !== 'web', 'drives browser mode with a controlled environment (no D-Bus)')
})

test('without a keychain, a first-run user is told why and sets up an encrypted vault that survives a restart', async ({}, testInfo) => {
  testInfo.setTimeout(120_000)
  const dataDir = mkdtempSync(join(tmpdir(), 'tokendesk-e2e-vault-'))
  try {
    let app = await startBrowserModeApp([], { dataDir, env: NO_DBUS })
    let page = await app.page()

    const prompt = page.getByTestId('first-run-prompt')
    await expect(prompt.getByRole('heading', { name: "The system keychain can't be used on this machine" })).toBeVisible()
    await expect(prompt).toContainText('no D-Bus session')
    await expect(prompt).toContainText('Fix:')
    await page.screenshot({ path: join(artifacts, 'web-first-run-no-keychain.png') })

    await prompt.getByRole('button', { name: 'Use an encrypted vault' }).click()
    await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible()
    const create = page.getByTestId('vault-create')
    await expect(create.getByLabel('Passphrase', { exact: true })).toBeFocused()

    // A typo in the confirmation is caught before anything is sent.
    await create.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE)
    await create.getByLabel('Repeat passphrase').fill(PASSPHRASE + 'x')
    await create.getByRole('button', { name: 'Create vault and use it' }).click()
    await expect(create.getByRole('alert')).toHaveText('The two passphrases do not match.')

    await create.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE)
    await create.getByLabel('Repeat passphrase').fill(PASSPHRASE)
    // One step: with no usable store, creating the vault also puts it in use.
    await create.getByRole('button', { name: 'Create vault and use it' }).click()
    await expect(page.getByRole('status')).toContainText('The vault is created, unlocked and now keeps your secrets.')

    const vaultChoice = page.getByTestId('backend-vault')
    await expect(vaultChoice.getByText('In use')).toBeVisible()
    await expect(vaultChoice.getByText('Healthy')).toBeVisible()

    // Lock, then a wrong passphrase is refused with a clear message and the vault stays locked.
    const vaultCard = page.getByRole('region', { name: 'Encrypted vault' })
    await vaultCard.getByRole('button', { name: 'Lock now' }).click()
    await expect(vaultCard.getByText('Locked', { exact: true })).toBeVisible()
    const unlock = page.getByTestId('vault-unlock')
    await unlock.getByLabel('Passphrase').fill('not the passphrase')
    await unlock.getByRole('button', { name: 'Unlock' }).click()
    await expect(unlock.getByRole('alert')).toContainText(/passphrase/i)
    await expect(unlock.getByLabel('Passphrase')).toHaveValue('')
    await unlock.getByLabel('Passphrase').fill(PASSPHRASE)
    await unlock.getByRole('button', { name: 'Unlock' }).click()
    await expect(vaultCard.getByText('Unlocked', { exact: true })).toBeVisible()
    await page.screenshot({ path: join(artifacts, 'web-settings-vault.png'), fullPage: true })

    // The choice is remembered: no first-run prompt any more.
    await page.keyboard.press('Alt+1')
    await expect(page.getByRole('heading', { name: 'No accounts yet' })).toBeVisible()
    await expect(page.getByTestId('first-run-prompt')).toHaveCount(0)
    expect(await app.stop()).toBe(0)

    // On disk: a 0600 vault, and the passphrase nowhere in clear.
    const vaultFile = join(dataDir, 'vault.tdv')
    expect(statSync(vaultFile).mode & 0o777).toBe(0o600)
    const everything = readdirSync(dataDir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => readFileSync(join(entry.parentPath, entry.name)).toString('latin1'))
    for (const content of everything) expect(content).not.toContain(PASSPHRASE)

    // After a restart the vault is still the backend, locked until the passphrase is given again.
    app = await startBrowserModeApp([], { dataDir, env: NO_DBUS })
    page = await app.page()
    await page.keyboard.press('Alt+2')
    await expect(page.getByTestId('secret-backend')).toHaveText('Encrypted vault file')
    await expect(page.getByRole('region', { name: 'Secret store' }).getByText('Locked', { exact: true })).toBeVisible()
    // The first screen asks for the passphrase right away.
    await page.keyboard.press('Alt+1')
    const prompt2 = page.getByTestId('first-run-prompt')
    await expect(prompt2).toContainText('The encrypted vault is locked')
    await expect(prompt2.getByLabel('Passphrase')).toBeFocused()
    await page.keyboard.type(PASSPHRASE)
    await page.keyboard.press('Enter')
    await expect(page.getByTestId('first-run-prompt')).toHaveCount(0)
    await page.keyboard.press('Alt+2')
    await expect(page.getByRole('region', { name: 'Secret store' }).getByText('Healthy')).toBeVisible()
    expect(await app.stop()).toBe(0)
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
})
