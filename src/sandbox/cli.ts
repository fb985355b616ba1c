import { formatSummary, parseCliArguments, USAGE, UsageError } from './cli-args.js'
import { startSandbox } from './index.js'

/**
 * `npm run sandbox -- [--port <n>] [--json] [lifetime flags]`. With --json the first stdout line is
 * the ready object (SandboxReadySchema). Exit codes: 0 after Ctrl+C/SIGTERM, 1 start failure, 2 bad flags.
 */

async function main(): Promise<void> {
  let cli: ReturnType<typeof parseCliArguments>
  try {
    cli = parseCliArguments(process.argv.slice(2))
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    process.stderr.write(`sandbox: ${error.message}\nRun with --help for the options.\n`)
    process.exit(2)
  }
  if (cli.help) {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  let sandbox: Awaited<ReturnType<typeof startSandbox>>
  try {
    sandbox = await startSandbox(cli.options)
  } catch (error) {
    process.stderr.write(`sandbox: could not start: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  }
  process.stdout.write(cli.json ? `${JSON.stringify(sandbox.ready)}\n` : `${formatSummary(sandbox.ready)}\n`)
  const stop = (): void => {
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1)
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

await main()
