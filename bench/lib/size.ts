import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { buildHost } from '../../scripts/build-host'
import { root } from './app'
import { BENCH_HOST_BUNDLE } from './child'

/** Builds the app with electron-vite into `outDir` (not out/, which `npm start` owns). */
export function buildRenderer(outDir: string): void {
  const built = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--outDir', outDir, '--logLevel', 'error'], {
    cwd: root,
    encoding: 'utf8'
  })
  if (built.status !== 0) throw new Error(`electron-vite build failed:\n${built.stderr}`)
}

/** The renderer, plus the bench's host bundled like the app's (`<outDir>/web`, see child.ts). */
export async function buildApp(outDir: string): Promise<void> {
  buildRenderer(outDir)
  await buildHost(join(outDir, 'web'), { [BENCH_HOST_BUNDLE.replace(/\.mjs$/, '')]: 'bench/lib/host.ts' })
}

/** Renderer JS and CSS, raw and gzip (level 9, what a server would send), in KB (1,024 bytes). */
export function measureSize(rendererDir: string): { js_gzip_kb: number; js_raw_kb: number; css_gzip_kb: number; css_raw_kb: number; files: string[] } {
  const assets = join(rendererDir, 'assets')
  const files = readdirSync(assets)
  let jsRaw = 0
  let jsGzip = 0
  let cssRaw = 0
  let cssGzip = 0
  for (const file of files) {
    const bytes = readFileSync(join(assets, file))
    const gz = gzipSync(bytes, { level: 9 }).length
    if (file.endsWith('.js')) {
      jsRaw += bytes.length
      jsGzip += gz
    } else if (file.endsWith('.css')) {
      cssRaw += bytes.length
      cssGzip += gz
    }
  }
  const kb = (n: number): number => Math.round((n / 1024) * 10) / 10
  return { js_gzip_kb: kb(jsGzip), js_raw_kb: kb(jsRaw), css_gzip_kb: kb(cssGzip), css_raw_kb: kb(cssRaw), files }
}
