/**
 * Browser mode as a program: the entry of the bundled host (`out/web/browser-mode.mjs`, built by
 * scripts/build-host.ts). `npm start` (scripts/start.ts) has already parsed the user's flags and
 * runs it with plain Node, so no TypeScript is compiled at launch:
 *
 *   node out/web/browser-mode.mjs --data-dir <dir> --renderer-dir <dir> --app-version <v> [--port <n>] [--demo] [--open]
 */
import { parseArgs } from 'node:util'
import { launchBrowserMode } from './browser-mode'

interface HostArgs {
  dataDir: string
  rendererDir: string
  version: string
  port: number | undefined
  demo: boolean
  open: boolean
}

function parseHostArgs(argv: string[]): HostArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      'data-dir': { type: 'string' },
      'renderer-dir': { type: 'string' },
      'app-version': { type: 'string' },
      port: { type: 'string' },
      demo: { type: 'boolean', default: false },
      open: { type: 'boolean', default: false }
    }
  })
  const dataDir = values['data-dir']
  const rendererDir = values['renderer-dir']
  if (!dataDir || !rendererDir) throw new Error('--data-dir and --renderer-dir are required (run `npm start`, which passes them)')
  return {
    dataDir,
    rendererDir,
    version: values['app-version'] ?? '0.0.0',
    port: values.port === undefined ? undefined : Number(values.port),
    demo: values.demo,
    open: values.open
  }
}

async function run(args: HostArgs): Promise<void> {
  const mode = await launchBrowserMode({
    dataDir: args.dataDir,
    rendererDir: args.rendererDir,
    version: args.version,
    demo: args.demo,
    ...(args.port !== undefined ? { port: args.port } : {})
  })
  let stopping = false
  const stop = (): void => {
    if (stopping) return
    stopping = true
    console.log('\nStopping TokenDesk…')
    mode.close().then(
      () => process.exit(0),
      () => process.exit(1)
    )
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  // The URL is usable at once: the page loads while the core boots, and its calls wait for it.
  console.log(`TokenDesk is running at ${mode.url}`)
  console.log('Press Ctrl+C to stop.')
  if (args.open) {
    // `open` stays outside the bundle (it ships its own xdg-open next to its module) and loads only here.
    const specifier = 'open'
    import(specifier)
      .then((module: { default: (target: string) => Promise<unknown> }) => module.default(mode.url))
      .catch(() => console.log('Could not open a browser: open the URL above yourself.'))
  }
  const booted = await mode.booted.catch(async (error: unknown) => {
    await mode.close().catch(() => {})
    throw error
  })
  const sandbox = booted.sandbox?.status()
  if (sandbox?.status === 'running') console.log(`Demo sandbox (demo credentials in Diagnostics): ${sandbox.origin}`)
  if (sandbox?.status === 'failed') console.log(sandbox.reason)
}

run(parseHostArgs(process.argv.slice(2))).catch((error: unknown) => {
  console.error(`TokenDesk could not start: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
