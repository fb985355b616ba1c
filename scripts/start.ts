/**
 * `npm start`: builds what is stale, then runs the Electron app; where Electron cannot start it
 * says why in one line and runs browser mode instead.
 */
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defaultDataDir } from '../src/core/paths'
import { buildHost, HOST_BUNDLE, hostProcessEnv } from './build-host'
import { electronAvailability } from './electron-binary'
import { parseLaunchArgs, USAGE, UsageError, type LaunchOptions } from './launcher-args'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const outDir = join(root, 'out')
const stampFile = join(outDir, '.build-stamp')
const BUILD_INPUTS = ['src/shared', 'src/core', 'src/main', 'src/preload', 'src/renderer', 'src/web', 'src/sandbox', 'electron.vite.config.ts', 'scripts/build-host.ts', 'package.json']
/** If Electron dies this soon after launch, it could not start here: fall back to browser mode. */
const ELECTRON_STARTUP_GRACE_MS = 8000

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = stat.mtimeMs
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules') continue
    newest = Math.max(newest, newestMtime(join(path, entry)))
  }
  return newest
}

async function buildIfStale(): Promise<void> {
  const built = existsSync(stampFile) ? statSync(stampFile).mtimeMs : 0
  const newest = Math.max(...BUILD_INPUTS.map((p) => newestMtime(join(root, p))))
  if (built > newest && existsSync(join(outDir, 'renderer', 'index.html')) && existsSync(join(outDir, 'web', HOST_BUNDLE))) return
  const started = Date.now()
  process.stdout.write('Building TokenDesk… ')
  await new Promise<void>((resolveBuild, rejectBuild) => {
    const child = spawn(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe']
    })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', rejectBuild)
    child.on('exit', (code) => (code === 0 ? resolveBuild() : rejectBuild(new Error(`the build failed:\n${stderr}`))))
  })
  await buildHost(join(outDir, 'web'))
  writeFileSync(stampFile, new Date().toISOString())
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`)
}

function runElectron(executable: string, options: LaunchOptions): Promise<'exited' | 'failed-to-start'> {
  const args = [root]
  if (options.dataDir) args.push('--data-dir', options.dataDir)
  if (options.demo) args.push('--demo')
  const launchedAt = Date.now()
  return new Promise((resolveRun) => {
    const child = spawn(executable, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ELECTRON_RUN_AS_NODE: '' } })
    const forward = (signal: NodeJS.Signals): void => {
      child.kill(signal)
    }
    process.on('SIGINT', forward)
    process.on('SIGTERM', forward)
    child.on('error', () => resolveRun('failed-to-start'))
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward)
      process.off('SIGTERM', forward)
      const early = Date.now() - launchedAt < ELECTRON_STARTUP_GRACE_MS
      resolveRun(code !== 0 && signal === null && early ? 'failed-to-start' : 'exited')
    })
  })
}

/**
 * Browser mode runs the bundled host (scripts/build-host.ts) in plain Node: loading it through
 * this process's tsx would transform the 4 MB bundle again and cost seconds.
 */
function runBrowserMode(options: LaunchOptions, version: string): Promise<number> {
  const args = [join(outDir, 'web', HOST_BUNDLE), '--data-dir', options.dataDir ?? defaultDataDir(), '--renderer-dir', join(outDir, 'renderer'), '--app-version', version]
  if (options.port !== undefined) args.push('--port', String(options.port))
  if (options.demo) args.push('--demo')
  if (options.open) args.push('--open')
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env: hostProcessEnv(process.env) })
    // Ctrl+C reaches the whole process group; a signal sent to this process alone is passed on.
    const forward = (signal: NodeJS.Signals): void => {
      child.kill(signal)
    }
    process.on('SIGINT', forward)
    process.on('SIGTERM', forward)
    child.on('exit', (code, signal) => resolveRun(code ?? (signal ? 1 : 0)))
  })
}

async function main(): Promise<void> {
  let options: LaunchOptions
  try {
    options = parseLaunchArgs(process.argv.slice(2))
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`)
      process.exit(2)
    }
    throw error
  }
  if (options.help) {
    console.log(USAGE)
    return
  }
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version
  await buildIfStale()
  if (!options.web) {
    const electron = electronAvailability(root)
    if (electron.ok) {
      if (options.port !== undefined) console.log('--port applies to browser mode only; ignored by the desktop app.')
      const outcome = await runElectron(electron.executable, options)
      if (outcome === 'exited') return
      console.log('Electron could not start here; starting browser mode instead.')
    } else {
      console.log(`Electron cannot start: ${electron.reason}; starting browser mode instead.`)
    }
  }
  process.exitCode = await runBrowserMode(options, version)
}

main().catch((error: unknown) => {
  console.error(`TokenDesk could not start: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
