import { resolve } from 'node:path'
import { parseArgs } from 'node:util'

export interface LaunchOptions {
  web: boolean
  port: number | undefined
  dataDir: string | undefined
  open: boolean
  demo: boolean
  help: boolean
}

export class UsageError extends Error {}

export const USAGE = `Usage: npm start -- [options]

  --web              start browser mode even where Electron could run
  --port <n>         browser mode port (default: a free port)
  --data-dir <path>  all user data: settings, vault file, logs (default: the OS user-data folder)
  --no-open          do not open the system browser in browser mode
  --demo             also start the built-in sandbox with demo credentials
  --help             this text`

/** `npm start -- …` flags. Unknown flags and bad values are usage errors, never ignored. */
export function parseLaunchArgs(argv: string[]): LaunchOptions {
  let values
  try {
    ;({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        web: { type: 'boolean', default: false },
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        'no-open': { type: 'boolean', default: false },
        demo: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false }
      }
    }))
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  let port: number | undefined
  if (values.port !== undefined) {
    if (!/^\d{1,5}$/.test(values.port) || Number(values.port) > 65535) {
      throw new UsageError(`--port must be a number from 0 to 65535, not "${values.port}"`)
    }
    port = Number(values.port)
  }
  const dataDir = values['data-dir']
  if (dataDir !== undefined && dataDir.trim() === '') throw new UsageError('--data-dir needs a path')
  return {
    web: values.web,
    port,
    dataDir: dataDir === undefined ? undefined : resolve(dataDir),
    open: !values['no-open'],
    demo: values.demo,
    help: values.help
  }
}
