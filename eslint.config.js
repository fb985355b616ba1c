import { builtinModules } from 'node:module'
import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/** Node built-ins in both spellings: `fs` and `node:fs`. */
const nodeBuiltins = [...builtinModules.filter((m) => !m.startsWith('_')), 'node:*']

const restrict = (patterns) => ({
  'no-restricted-imports': ['error', { patterns }]
})

const group = (names, message) => ({ group: names, message })

/**
 * Import boundaries of DESIGN.md. Folders are runtimes:
 *   shared  → imports no runtime at all
 *   core    → node:* allowed; never electron, never the renderer or the hosts
 *   renderer→ shared and its own files; never core, never node:*, never electron
 *   main, preload, web → the hosts; only main and preload may touch electron
 */
export const boundaries = [
  {
    files: ['src/shared/**/*.ts'],
    rules: restrict([
      group(nodeBuiltins, 'src/shared runs anywhere: no Node built-ins.'),
      group(['electron', 'react', 'react-dom', 'keytar', 'electron-store', 'conf', 'ws', 'fastify'], 'src/shared imports no runtime.'),
      group(['**/core/**', '**/main/**', '**/preload/**', '**/renderer/**', '**/web/**', '**/sandbox/**'], 'src/shared depends on nothing else in src.')
    ])
  },
  {
    files: ['src/core/**/*.ts'],
    rules: restrict([
      group(['electron', 'electron-store'], 'src/core never imports electron: it runs under plain Node.'),
      group(['**/main/**', '**/preload/**', '**/renderer/**', '**/web/**'], 'src/core never imports a host or the renderer.'),
      group(['react', 'react-dom'], 'src/core has no UI.')
    ])
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    rules: restrict([
      group(nodeBuiltins, 'The renderer runs in a browser: no Node built-ins.'),
      group(['electron', 'keytar', 'electron-store', 'conf', 'ws', 'fastify'], 'The renderer reaches main only through the bridge.'),
      group(['**/core/**', '**/main/**', '**/preload/**', '**/web/**', '**/sandbox/**'], 'The renderer imports src/shared and its own files only.')
    ])
  },
  {
    // zod is the contract's definition, not a renderer runtime: a value import of these modules
    // builds their schemas and brings ~100 KB of zod into the first chunk (issue 10). Types are free;
    // names and enumerations come from shared/names.ts, frames are read by shared/wire-frame.ts.
    files: ['src/renderer/**/*.{ts,tsx}'],
    ignores: ['**/*.test.{ts,tsx}', 'src/renderer/src/test/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['zod', 'zod/*', '**/shared/model', '**/shared/contract', '**/shared/api', '**/shared/wire', '**/shared/errors', '**/shared/result', '**/shared/sandbox-info'],
              allowTypeImports: true,
              message: 'The renderer imports only types from zod-built modules; values come from shared/names, shared/error-codes or shared/wire-frame.'
            }
          ]
        }
      ]
    }
  },
  {
    files: ['src/web/**/*.ts', 'src/sandbox/**/*.ts'],
    rules: restrict([
      group(['electron', 'electron-store'], 'Browser mode and the sandbox run under plain Node.'),
      group(['**/main/**', '**/preload/**', '**/renderer/src/**'], 'Hosts do not import each other or renderer source.')
    ])
  },
  {
    files: ['src/main/**/*.ts'],
    rules: {
      ...restrict([group(['**/renderer/**', '**/preload/**', '**/web/**'], 'main does not import the renderer, preload or browser host.')]),
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportSpecifier[imported.name='ipcRenderer']",
          message: 'ipcRenderer belongs to the preload only.'
        }
      ]
    }
  }
]

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'e2e/.artifacts/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error'
    }
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-properties': [
        'error',
        { object: 'window', property: 'localStorage', message: 'Renderer storage is plaintext on disk: keep state in memory.' },
        { object: 'window', property: 'sessionStorage', message: 'Renderer storage is plaintext on disk: keep state in memory.' }
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'Render text, never HTML.' }
      ]
    }
  },
  {
    // Playwright fixtures are destructured objects, and `({}, testInfo)` is its idiom.
    files: ['e2e/**/*.ts'],
    rules: { 'no-empty-pattern': 'off' }
  },
  ...boundaries
)
