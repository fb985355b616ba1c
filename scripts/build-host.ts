/**
 * Bundles the browser-mode host (core, web server, built-in sandbox and their npm dependencies)
 * into one ES module, `out/web/browser-mode.mjs`, which plain Node loads without compiling any
 * TypeScript. Loading the sources through tsx took about 1.2 s of a 1.4 s host start; the bundle
 * loads in about 0.3 s (issue 10's start-up budget).
 *
 * esbuild: the bundler Vite and tsx already use here (same version, no new dependency), and a
 * whole-program bundle is what makes the load fast: resolving and wrapping several hundred
 * CommonJS files of node_modules one by one costs more than parsing one file.
 *
 *   npx tsx scripts/build-host.ts [--outdir <dir>]   (also part of `npm run build` and `npm start`)
 */
import { rmSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type BuildOptions } from 'esbuild'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** The host's entry in out/web (start.ts imports it from there). */
export const HOST_BUNDLE = 'browser-mode.mjs'

/**
 * Loaded from node_modules at run time instead: keytar's native .node file, electron (never
 * imported by the browser-mode host), and `open`, which ships an xdg-open script beside itself.
 */
const EXTERNAL = ['keytar', 'electron', 'open']

// Bundled CommonJS packages call `require` for Node built-ins; an ES module has none of its own.
const REQUIRE_SHIM = "import { createRequire as __tokendeskCreateRequire } from 'node:module'; const require = __tokendeskCreateRequire(import.meta.url);"

export function hostBuildOptions(outdir: string, entries: Record<string, string> = { 'browser-mode': 'src/web/cli.ts' }): BuildOptions {
  return {
    absWorkingDir: root,
    entryPoints: entries,
    outdir,
    outExtension: { '.js': '.mjs' },
    // The core and the sandbox are imported on demand (src/web/browser-mode.ts): their own chunks,
    // which load while the page does.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: EXTERNAL,
    banner: { js: REQUIRE_SHIM },
    // Not minified, so stack traces in the log stay readable (minifying did not load faster). No
    // source map: Node parses a linked map at load when source maps are on (tsx turns them on): +0.2 s.
    minify: false,
    legalComments: 'none',
    logLevel: 'warning'
  }
}

/**
 * The environment the bundled host runs in (`npm start`, and the bench's host like it).
 * MALLOC_ARENA_MAX=2: glibc otherwise gives libuv's pool threads (file I/O, scrypt, zlib) malloc
 * arenas of their own, which keep what they freed. With 2, the host's RSS after issuing and
 * forgetting 3,000 tokens grew 4.7 and 6.2 MB instead of 10.5 and 14.2 MB (issue 10: no memory
 * growth after forgetting). A value already set in the environment wins.
 */
export function hostProcessEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { MALLOC_ARENA_MAX: '2', ...base }
}

/** Builds the host bundle into `outdir` (default out/web); returns the bundle's path. */
export async function buildHost(outdir = join(root, 'out', 'web'), entries?: Record<string, string>): Promise<string> {
  // Chunk names carry content hashes: without this, every build would leave the last one's behind.
  rmSync(join(outdir, 'chunks'), { recursive: true, force: true })
  await build(hostBuildOptions(outdir, entries))
  return join(outdir, HOST_BUNDLE)
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const index = process.argv.indexOf('--outdir')
  const outdir = index >= 0 ? resolve(process.argv[index + 1]!) : undefined
  const started = performance.now()
  await buildHost(outdir)
  console.log(`host bundle: ${outdir ?? 'out/web'} in ${Math.round(performance.now() - started)} ms`)
}
