import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { evaluate, findingsFromSarif, formatReport, gateSarifFile, parseAllowlist } from './electronegativity'

const root = mkdtempSync(join(tmpdir(), 'td-electronegativity-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** The shape Electronegativity 1.10.3 writes, plus the severity this script adds under properties. */
function sarif(results: Array<{ ruleId: string; severity?: string; file: string; line?: number }>): object {
  return {
    $schema: 'http://json.schemastore.org/sarif-2.1.0',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'Electronegativity', version: '1.10.3', rules: [] } },
        results: results.map((r) => ({
          ruleId: r.ruleId,
          level: 'warning',
          message: { text: `${r.ruleId} description` },
          ...(r.severity ? { properties: { severity: r.severity, confidence: 'FIRM' } } : {}),
          locations: [{ physicalLocation: { artifactLocation: { uri: r.file }, region: { startLine: r.line ?? 1, startColumn: 1 } } }]
        }))
      }
    ]
  }
}

function gate(document: object, allowlist: object) {
  const sarifFile = join(root, `${Math.random().toString(36).slice(2)}.sarif`)
  const allowFile = join(root, `${Math.random().toString(36).slice(2)}.json`)
  writeFileSync(sarifFile, JSON.stringify(document))
  writeFileSync(allowFile, JSON.stringify(allowlist))
  return gateSarifFile(sarifFile, allowFile, root)
}

const REASON = 'Reviewed: the strict CSP is flagged only for script-src self, which is what we want.'

describe('electronegativity gate', () => {
  it('fails on an unlisted MEDIUM finding (absolute path from the tool, reported relative)', () => {
    const result = gate(sarif([{ ruleId: 'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK', severity: 'MEDIUM', file: join(root, 'src/main/window.ts'), line: 12 }]), { entries: [] })
    expect(result.blocking).toEqual([
      expect.objectContaining({ check: 'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK', severity: 'MEDIUM', file: 'src/main/window.ts', line: 12 })
    ])
    expect(formatReport(result)).toContain('FAIL MEDIUM')
    expect(formatReport(result)).toContain('1 blocking')
  })

  it('fails on an unlisted HIGH finding even when another file of the same check is allowlisted', () => {
    const result = gate(
      sarif([
        { ruleId: 'CONTEXT_ISOLATION_JS_CHECK', severity: 'HIGH', file: 'src/main/window.ts' },
        { ruleId: 'CONTEXT_ISOLATION_JS_CHECK', severity: 'HIGH', file: 'src/main/other.ts' }
      ]),
      { entries: [{ check: 'CONTEXT_ISOLATION_JS_CHECK', file: 'src/main/window.ts', reason: REASON }] }
    )
    expect(result.allowed.map((a) => a.finding.file)).toEqual(['src/main/window.ts'])
    expect(result.blocking.map((f) => f.file)).toEqual(['src/main/other.ts'])
  })

  it('passes on an allowlisted MEDIUM finding and says why', () => {
    const result = gate(sarif([{ ruleId: 'CSP_GLOBAL_CHECK', severity: 'MEDIUM', file: 'file:///' }]), { entries: [{ check: 'CSP_GLOBAL_CHECK', reason: REASON }] })
    expect(result.blocking).toEqual([])
    expect(result.allowed).toHaveLength(1)
    expect(formatReport(result)).toContain(`allowlisted: ${REASON}`)
  })

  it('never fails on LOW or INFORMATIONAL findings, and flags allowlist entries that match nothing', () => {
    const result = gate(
      sarif([
        { ruleId: 'CSP_GLOBAL_CHECK', severity: 'LOW', file: 'file:///' },
        { ruleId: 'NODE_INTEGRATION_JS_CHECK', severity: 'INFORMATIONAL', file: 'src/main/window.ts' }
      ]),
      { entries: [{ check: 'OPEN_EXTERNAL_JS_CHECK', file: 'src/main/shell.ts', reason: REASON }] }
    )
    expect(result.blocking).toEqual([])
    expect(result.below).toHaveLength(2)
    expect(result.unused).toEqual([expect.objectContaining({ check: 'OPEN_EXTERNAL_JS_CHECK' })])
  })

  it('fails closed on a finding without a known severity (the tool writes none itself)', () => {
    const result = gate(sarif([{ ruleId: 'SANDBOX_JS_CHECK', file: 'src/main/window.ts' }]), { entries: [] })
    expect(result.blocking).toEqual([expect.objectContaining({ check: 'SANDBOX_JS_CHECK', severity: 'HIGH' })])
    const odd = findingsFromSarif(sarif([{ ruleId: 'X', severity: 'SEVERE', file: 'a.ts' }]), root)
    expect(odd[0]!.severity).toBe('HIGH')
  })

  it('refuses an allowlist entry without a real reason, an unknown key, or a malformed check id', () => {
    expect(() => parseAllowlist({ entries: [{ check: 'CSP_GLOBAL_CHECK' }] })).toThrow(/reason/)
    expect(() => parseAllowlist({ entries: [{ check: 'CSP_GLOBAL_CHECK', reason: '   ok   ' }] })).toThrow(/reason/)
    expect(() => parseAllowlist({ entries: [{ check: 'CSP_GLOBAL_CHECK', reason: REASON, line: 3 }] })).toThrow(/unknown keys: line/)
    expect(() => parseAllowlist({ entries: [{ check: 'csp', reason: REASON }] })).toThrow(/check/)
    expect(() => parseAllowlist({ entries: [{ check: 'CSP_GLOBAL_CHECK', file: '', reason: REASON }] })).toThrow(/file/)
    expect(() => parseAllowlist([])).toThrow(/entries/)
    expect(() => gate(sarif([]), { entries: [{ check: 'CSP_GLOBAL_CHECK', reason: 'because' }] })).toThrow(/reason/)
  })

  it('refuses a file that is not SARIF', () => {
    expect(() => findingsFromSarif({ version: '2.1.0' }, root)).toThrow(/SARIF/)
    expect(() => findingsFromSarif({ runs: [{}] }, root)).toThrow(/SARIF/)
  })

  it('the committed allowlist is valid: at most 5 entries (goal G2), each with its reason', () => {
    const entries = parseAllowlist(JSON.parse(readFileSync(new URL('./electronegativity-allowlist.json', import.meta.url), 'utf8')))
    expect(entries.length).toBeLessThanOrEqual(5)
    for (const entry of entries) expect(entry.reason.length).toBeGreaterThanOrEqual(20)
  })

  it('evaluate keeps every finding in exactly one bucket', () => {
    const findings = findingsFromSarif(
      sarif([
        { ruleId: 'A_CHECK', severity: 'HIGH', file: 'a.ts' },
        { ruleId: 'B_CHECK', severity: 'MEDIUM', file: 'b.ts' },
        { ruleId: 'C_CHECK', severity: 'LOW', file: 'c.ts' }
      ]),
      root
    )
    const result = evaluate(findings, [{ check: 'B_CHECK', reason: REASON }])
    expect(result.blocking.length + result.allowed.length + result.below.length).toBe(3)
  })
})
