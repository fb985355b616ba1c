import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { COMMAND_NAMES, EVENT_NAMES } from '../src/shared/api'
import { renderContractDocs } from './contract-docs'

describe('docs/contract.md', () => {
  it('is current with the contract (regenerate: npx tsx scripts/contract-docs.ts)', () => {
    expect(readFileSync(join(__dirname, '..', 'docs', 'contract.md'), 'utf8')).toBe(renderContractDocs())
  })

  it('documents every command and event', () => {
    const text = renderContractDocs()
    for (const name of [...COMMAND_NAMES, ...EVENT_NAMES]) expect(text).toContain(`### \`${name}\``)
  })
})
