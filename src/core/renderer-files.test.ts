import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { rendererCsp } from './renderer-files'

describe('the renderer CSP', () => {
  it('index.html carries exactly the shared policy (meta variant), so the three copies cannot drift', () => {
    const html = readFileSync('src/renderer/index.html', 'utf8')
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html)?.[1]
    expect(meta).toBe(rendererCsp("'none'", 'meta'))
  })

  it.each([['header'], ['meta']] as const)('has no unsafe-* source and no network in Electron (%s)', (delivery) => {
    const policy = rendererCsp("'none'", delivery)
    expect(policy).not.toMatch(/unsafe-/)
    expect(policy).toContain("connect-src 'none'")
    expect(policy).toContain("script-src 'self'")
  })
})
