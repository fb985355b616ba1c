import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'

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
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } }
    },
    plugins: [react()]
  }
})
