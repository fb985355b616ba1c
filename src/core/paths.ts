import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

export const APP_DIR_NAME = 'TokenDesk'

/**
 * The OS user-data folder, the same one Electron's `app.getPath('userData')` gives for
 * productName "TokenDesk", so both hosts share one data directory by default.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_DIR_NAME)
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_DIR_NAME)
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_DIR_NAME)
}

export interface DataPaths {
  dataDir: string
  settingsFile: string
  logFile: string
  vaultFile: string
  tokenCacheFile: string
  /** Token metadata (never a value), written behind: see tokens/record-store.ts. */
  tokenRecordsFile: string
}

export function dataPaths(dataDir: string): DataPaths {
  const dir = resolve(dataDir)
  return {
    dataDir: dir,
    settingsFile: join(dir, 'settings.json'),
    logFile: join(dir, 'logs', 'tokendesk.log'),
    vaultFile: join(dir, 'vault.tdv'),
    tokenCacheFile: join(dir, 'token-cache.tdv'),
    tokenRecordsFile: join(dir, 'tokens.json')
  }
}
