import { afterAll, beforeAll, beforeEach } from 'vitest'
import { startSandbox, type RunningSandbox, type StartSandboxOptions } from './index.js'
import type { SandboxSettingsPatch } from './settings.js'

/** Test-only helpers: one sandbox per test file, reset before every test. */

export interface SandboxHandle {
  sandbox: RunningSandbox
  url(path: string): string
}

export function useSandbox(options: StartSandboxOptions = {}): SandboxHandle {
  let running: RunningSandbox | undefined
  const current = (): RunningSandbox => {
    if (!running) throw new Error('the sandbox is not started yet (use it inside a test)')
    return running
  }
  const handle: SandboxHandle = {
    get sandbox() {
      return current()
    },
    url: (path: string) => `${current().ready.origin}${path}`
  }
  beforeAll(async () => {
    running = await startSandbox(options)
  })
  afterAll(async () => {
    await running?.close()
  })
  beforeEach(async () => {
    const response = await fetch(handle.url('/__sandbox/reset'), { method: 'POST' })
    if (response.status !== 200) throw new Error(`reset failed: ${response.status}`)
  })
  return handle
}

export async function patchSettings(handle: SandboxHandle, patch: SandboxSettingsPatch): Promise<void> {
  const response = await fetch(handle.url('/__sandbox/settings'), {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(patch)
  })
  if (response.status !== 200) throw new Error(`settings patch failed: ${response.status} ${await response.text()}`)
}

export const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body)
})

export const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString()
})

/** A JWT's payload, read without verifying (the test only inspects claims). */
export function jwtPart(token: string, index: 0 | 1): Record<string, unknown> {
  const part = token.split('.')[index]
  if (part === undefined) throw new Error('not a JWT')
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>
}
