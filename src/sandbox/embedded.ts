import type { SandboxStatus } from '../shared/contract'
import { startSandbox, type SandboxSettingsPatch } from './index'

export interface EmbeddedSandbox {
  status(): SandboxStatus
  close(): Promise<void>
}

/**
 * `--demo`: the sandbox inside the app, on a free loopback port, stopped with the app. A sandbox
 * that cannot start is reported in Diagnostics instead of stopping the app from starting.
 */
export async function startEmbeddedSandbox(settings: SandboxSettingsPatch = {}): Promise<EmbeddedSandbox> {
  try {
    const running = await startSandbox({ ...settings, port: 0 })
    return {
      // readyNow: a regenerated PocketPaw master shows up in Diagnostics at once.
      status: () => {
        const { origin, baseUrls, credentials } = running.readyNow()
        return { status: 'running', origin, baseUrls, credentials }
      },
      close: () => running.close()
    }
  } catch (error) {
    const reason = `The built-in sandbox could not start: ${error instanceof Error ? error.message : String(error)}`
    return { status: () => ({ status: 'failed', reason }), close: async () => {} }
  }
}
