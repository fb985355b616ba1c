import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export type ElectronAvailability = { ok: true; executable: string } | { ok: false; reason: string }

/**
 * Decides whether Electron can start here, without ever triggering a download: the electron
 * package fetches its binary lazily when `require('electron')` runs, so we read path.txt ourselves.
 */
export function electronAvailability(root: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): ElectronAvailability {
  const pkg = join(root, 'node_modules', 'electron')
  if (!existsSync(pkg)) return { ok: false, reason: 'the electron package is not installed (run npm install)' }
  const pathFile = join(pkg, 'path.txt')
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : ''
  const executable = relative ? join(pkg, 'dist', relative) : ''
  if (!executable || !existsSync(executable)) {
    return {
      ok: false,
      reason: 'the Electron binary is not downloaded (with internet access, `node node_modules/electron/install.js` fetches it)'
    }
  }
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return { ok: false, reason: 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)' }
  }
  return { ok: true, executable }
}
