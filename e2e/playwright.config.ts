import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig, type Project } from '@playwright/test'
import { electronAvailability } from '../scripts/electron-binary'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const electron = electronAvailability(root)

const projects: Project[] = [{ name: 'web', use: { host: 'web' } as Project['use'] }]
if (electron.ok) {
  projects.push({ name: 'electron', use: { host: 'electron' } as Project['use'] })
} else if (!process.env.TOKENDESK_E2E_NOTED) {
  // Workers load this file again; they inherit the variable, so the line prints once.
  process.env.TOKENDESK_E2E_NOTED = '1'
  console.log(`e2e: electron project not run: ${electron.reason}.`)
}

export default defineConfig({
  testDir: './specs',
  outputDir: '../test-results/e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: '../test-results/playwright.json' }]],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure'
  },
  projects
})
