import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'

const SONNER_INJECTOR = 'function __insertCSS(code) {'

/**
 * sonner adds its stylesheet in a <style> element when it is imported. The page's CSP
 * (style-src 'self') refuses that, and Chromium logs an error at every start. The same sheet is
 * bundled from sonner/dist/styles.css (TokenToaster.tsx), so the injector is made a no-op. If a
 * sonner update changes the injector, the build fails here instead of the errors coming back.
 */
function sonnerWithoutStyleInjection(): Plugin {
  return {
    name: 'tokendesk:sonner-without-style-injection',
    transform(code, id) {
      if (!/[\\/]node_modules[\\/]sonner[\\/]dist[\\/]index\.mjs$/.test(id)) return null
      if (!code.includes(SONNER_INJECTOR)) throw new Error(`sonner no longer defines "${SONNER_INJECTOR}": check how it injects its styles`)
      return { code: code.replace(SONNER_INJECTOR, `${SONNER_INJECTOR} return;`), map: null }
    }
  }
}

/**
 * main: ESM, dependencies externalized (keytar is native, electron-store is ESM).
 * preload: one CommonJS file with everything bundled, because a sandboxed preload can only
 * `require` electron itself.
 * renderer: one build serves both hosts; the bridge picks IPC or WebSocket at run time.
 */
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // keytar is an optionalDependency (so not externalized by default) with a native .node file
      // that must be loaded from node_modules, never bundled.
      rollupOptions: { input: { index: resolve('src/main/index.ts') }, external: ['keytar'] }
    }
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: {
    root: 'src/renderer',
    build: {
      outDir: 'out/renderer',
      minify: true,
      rollupOptions: {
        input: { index: resolve('src/renderer/index.html') },
        // ASCII-only chunks (… and · become \u escapes): Chromium keeps such a script as one byte
        // per character, so decoding it and compiling its functions at start-up cost less.
        output: { minify: { compress: true, mangle: true, codegen: { asciiOnly: true } } }
      }
    },
    // Radix's scroll lock adds a <style> element the CSP refuses: see lib/style-singleton.ts.
    resolve: { alias: { 'react-style-singleton': resolve('src/renderer/src/lib/style-singleton.ts') } },
    plugins: [react(), sonnerWithoutStyleInjection()]
  }
})
