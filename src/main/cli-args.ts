import { resolve } from 'node:path'

export interface MainArgs {
  /** `--data-dir <path>` or `--data-dir=<path>`, made absolute; null means the OS default. */
  dataDir: string | null
  demo: boolean
  /** A flag we understand but whose value is missing or unusable, said back to the user. */
  problems: string[]
}

/**
 * Reads TokenDesk's own flags out of Electron's argv. Anything else (Chromium switches, the app
 * path electron was started with) is ignored, so flag order does not matter.
 */
export function parseMainArgs(argv: readonly string[], cwd: string = process.cwd()): MainArgs {
  let dataDir: string | null = null
  let demo = false
  const problems: string[] = []
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!
    if (arg === '--demo') demo = true
    else if (arg === '--data-dir' || arg.startsWith('--data-dir=')) {
      const inline = arg.startsWith('--data-dir=')
      const value = inline ? arg.slice('--data-dir='.length) : argv[index + 1]
      if (!inline) index++
      if (value === undefined || value.trim() === '' || value.startsWith('--') || value.includes('\0')) {
        problems.push('--data-dir needs a folder path; using the default data folder.')
      } else {
        dataDir = resolve(cwd, value)
      }
    }
  }
  return { dataDir, demo, problems }
}
