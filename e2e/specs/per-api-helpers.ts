import { join } from 'node:path'
import { expect, type Locator, type Page } from '@playwright/test'
import { artifacts } from '../fixtures'

/**
 * Shared steps of the per-API specs: everything goes through the UI, as a user would — the
 * sandbox's URLs and demo credentials are read from Diagnostics, accounts are typed into the
 * add-account form, tokens are issued with the Issue token buttons.
 */

/** A countdown as the token row shows it: `m:ss`, `h:mm:ss` or `3d 4h`. */
export const COUNTDOWN = /\b\d{1,2}:\d{2}(:\d{2})?\b|\b\d+d \d+h\b/

export function literal(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
}

export async function sandboxValue(page: Page, label: string, index = 0): Promise<string> {
  await page.keyboard.press('Alt+2')
  const card = page.getByRole('region', { name: 'Sandbox' })
  await expect(card.getByText('Running')).toBeVisible()
  const term = card.locator('dt').filter({ hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }).nth(index)
  const value = (await term.locator('xpath=following-sibling::dd[1]').textContent())?.trim()
  if (!value) throw new Error(`Diagnostics shows no "${label}"`)
  return value
}

export async function openAddAccount(page: Page, provider: string | RegExp): Promise<Locator> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Add account' }).click()
  const picker = page.getByRole('dialog', { name: 'Add account' })
  await picker.getByRole('button', { name: provider }).click()
  const dialog = page.getByRole('dialog')
  await expect(dialog.getByRole('button', { name: 'Save account' })).toBeVisible()
  return dialog
}

/** Test login must answer with the engine's sentence before the account is saved. */
export async function testLoginThenSave(page: Page, dialog: Locator, name: string): Promise<void> {
  await dialog.getByRole('button', { name: 'Test login' }).click()
  const result = dialog.getByTestId('test-login-result')
  await expect(result).toBeVisible({ timeout: 15_000 })
  await expect(result).toHaveAttribute('role', 'status')
  await dialog.getByRole('button', { name: 'Save account' }).click()
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
  await expect(page.getByRole('dialog')).toHaveCount(0)
}

/** The row of a token in the account page's list, once it shows a live countdown. */
export async function expectLiveToken(page: Page, label: RegExp): Promise<Locator> {
  const tokens = page.getByRole('region', { name: 'Tokens' })
  const row = tokens.getByRole('row', { name: label }).first()
  await expect(row).toBeVisible({ timeout: 15_000 })
  await expect(row).toContainText(COUNTDOWN)
  return row
}

export async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(artifacts, `${name}.png`) })
}
