import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

/** The import-boundary rules are part of the architecture: prove they fire, not just that lint passes. */
const eslint = new ESLint({ cwd: process.cwd() })

async function violations(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === '@typescript-eslint/no-restricted-imports' || m.ruleId === 'no-restricted-syntax').map((m) => m.message)
}

describe('import boundaries (DESIGN.md)', () => {
  it.each([
    ['src/shared/x.ts', "import { readFileSync } from 'node:fs'\nexport const x = readFileSync"],
    ['src/shared/x.ts', "import fs from 'fs'\nexport const x = fs"],
    ['src/shared/x.ts', "import { createCore } from '../core/core'\nexport const x = createCore"],
    ['src/core/x.ts', "import { app } from 'electron'\nexport const x = app"],
    ['src/core/x.ts', "import Store from 'electron-store'\nexport const x = Store"],
    ['src/core/x.ts', "import { App } from '../renderer/src/App'\nexport const x = App"],
    ['src/renderer/src/x.ts', "import { createCore } from '../../core/core'\nexport const x = createCore"],
    ['src/renderer/src/x.ts', "import { join } from 'node:path'\nexport const x = join"],
    ['src/renderer/src/x.ts', "import { ipcRenderer } from 'electron'\nexport const x = ipcRenderer"],
    ['src/main/x.ts', "import { ipcRenderer } from 'electron'\nexport const x = ipcRenderer"],
    ['src/web/x.ts', "import { app } from 'electron'\nexport const x = app"],
    ['src/sandbox/x.ts', "import { BrowserWindow } from 'electron'\nexport const x = BrowserWindow"],
    // zod stays out of the renderer's first chunk (issue 10): values of zod-built modules are refused.
    ['src/renderer/src/x.ts', "import { commands } from '../../shared/contract'\nexport const x = commands"],
    ['src/renderer/src/x.tsx', "import { COPY_FORMATS } from '../../shared/model'\nexport const x = COPY_FORMATS"],
    ['src/renderer/src/x.ts', "import { ServerFrameSchema } from '../../shared/wire'\nexport const x = ServerFrameSchema"],
    ['src/renderer/src/x.ts', "import { z } from 'zod'\nexport const x = z"]
  ])('%s may not: %s', async (file, code) => {
    expect(await violations(file, code)).not.toEqual([])
  })

  it.each([
    ['src/core/x.ts', "import { readFileSync } from 'node:fs'\nimport { commands } from '../shared/contract'\nexport const x = [readFileSync, commands]"],
    ['src/main/x.ts', "import { app } from 'electron'\nimport { createCore } from '../core/core'\nexport const x = [app, createCore]"],
    ['src/preload/x.ts', "import { ipcRenderer } from 'electron'\nexport const x = ipcRenderer"],
    ['src/renderer/src/x.ts', "import type { Token } from '../../shared/model'\nimport { COMMAND_NAMES } from '../../shared/names'\nexport const x = (t: Token) => [t, COMMAND_NAMES]"],
    ['src/renderer/src/x.test.ts', "import { commands } from '../../shared/contract'\nexport const x = commands"]
  ])('%s may: %s', async (file, code) => {
    expect(await violations(file, code)).toEqual([])
  })
})
