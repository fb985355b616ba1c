/**
 * Electron security lint as a gate (`npm test` runs it after lint):
 *
 *   tsx scripts/electronegativity.ts [--input src] [--sarif test-results/electronegativity.sarif]
 *
 * Runs @doyensec/electronegativity 1.10.3 over src/ (main, preload and renderer, plus the plain
 * Node folders, which simply have nothing to report) for the Electron version in package.json,
 * writes SARIF, then reads the SARIF back and fails when a finding of MEDIUM or higher is not in
 * the reviewed allowlist (scripts/electronegativity-allowlist.json, every entry with a reason).
 *
 * Why not the exit code: the tool exits 0 even on HIGH findings. Why annotate the SARIF: its
 * SARIF writer records no severity (only "warning"/"note"), so this script adds each finding's
 * severity and confidence under `properties` before writing; a result without a known severity
 * counts as HIGH (fail closed).
 *
 * Offline: AvailableSecurityFixesGlobalCheck, which downloads Electron's release list, is excluded
 * (Electron is pinned in package.json and upgraded deliberately). The tool still tries to fetch
 * updated message translations with a 1 s timeout and falls back to its bundled ones ("Could not
 * retrieve updated translations…" is expected here).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, isAbsolute, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const SEVERITIES = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH'] as const
export type Severity = (typeof SEVERITIES)[number]
/** Findings at or above this severity fail the gate unless allowlisted. */
export const GATE_SEVERITY: Severity = 'MEDIUM'

export interface AllowlistEntry {
  /** The Electronegativity check id (the SARIF ruleId), e.g. CSP_GLOBAL_CHECK. */
  check: string
  /** Path relative to the repository root; absent = every file (only for global checks). */
  file?: string
  /** Why this finding is accepted: reviewed, written down, never empty. */
  reason: string
}

export interface Finding {
  check: string
  severity: Severity
  confidence: string
  file: string
  line: number
  message: string
}

export interface GateResult {
  /** MEDIUM+ findings outside the allowlist: each one fails the gate. */
  blocking: Finding[]
  /** MEDIUM+ findings an allowlist entry accepts. */
  allowed: Array<{ finding: Finding; entry: AllowlistEntry }>
  /** Below the gate (LOW, INFORMATIONAL): reported, never failing. */
  below: Finding[]
  /** Allowlist entries that matched nothing: stale entries should be removed. */
  unused: AllowlistEntry[]
}

/** Validates the allowlist file: an array of { check, file?, reason } with a real reason each. */
export function parseAllowlist(json: unknown): AllowlistEntry[] {
  const list = (json as { entries?: unknown } | null)?.entries
  if (!Array.isArray(list)) throw new Error('the allowlist must be an object with an "entries" array')
  return list.map((raw, index) => {
    const entry = raw as Record<string, unknown> | null
    const where = `allowlist entry ${index}`
    if (typeof entry !== 'object' || entry === null) throw new Error(`${where} is not an object`)
    const extra = Object.keys(entry).filter((key) => !['check', 'file', 'reason'].includes(key))
    if (extra.length > 0) throw new Error(`${where} has unknown keys: ${extra.join(', ')}`)
    if (typeof entry.check !== 'string' || !/^[A-Z0-9_]+$/.test(entry.check)) throw new Error(`${where} needs a "check" (an Electronegativity check id)`)
    if (entry.file !== undefined && (typeof entry.file !== 'string' || entry.file.length === 0)) throw new Error(`${where}: "file" must be a non-empty path`)
    if (typeof entry.reason !== 'string' || entry.reason.trim().length < 20) {
      throw new Error(`${where} (${entry.check}) needs a "reason" of at least 20 characters: say why it was reviewed and accepted`)
    }
    return { check: entry.check, reason: entry.reason.trim(), ...(entry.file !== undefined ? { file: entry.file as string } : {}) }
  })
}

function severityOf(value: unknown): Severity {
  const upper = typeof value === 'string' ? value.toUpperCase() : ''
  return (SEVERITIES as readonly string[]).includes(upper) ? (upper as Severity) : 'HIGH'
}

function normalizePath(uri: string, root: string): string {
  let path = uri.startsWith('file://') ? fileURLToPath(uri) : uri
  if (isAbsolute(path)) path = relative(root, path)
  return path.split('\\').join('/')
}

/** Reads the findings out of a SARIF 2.1.0 document (Electronegativity's, annotated or not). */
export function findingsFromSarif(sarif: unknown, root: string): Finding[] {
  const runs = (sarif as { runs?: unknown } | null)?.runs
  if (!Array.isArray(runs)) throw new Error('not a SARIF document: no "runs"')
  const findings: Finding[] = []
  for (const run of runs) {
    const results = (run as { results?: unknown }).results
    if (!Array.isArray(results)) throw new Error('not a SARIF document: a run has no "results"')
    for (const result of results as Array<Record<string, unknown>>) {
      const properties = (result.properties ?? {}) as Record<string, unknown>
      const location = (result.locations as Array<{ physicalLocation?: { artifactLocation?: { uri?: string }; region?: { startLine?: number } } }> | undefined)?.[0]
      const uri = location?.physicalLocation?.artifactLocation?.uri ?? ''
      findings.push({
        check: String(result.ruleId ?? 'UNKNOWN'),
        severity: severityOf(properties.severity),
        confidence: typeof properties.confidence === 'string' ? properties.confidence : 'UNKNOWN',
        file: uri === '' || uri === 'file:///' ? '' : normalizePath(uri, root),
        line: location?.physicalLocation?.region?.startLine ?? 0,
        message: String((result.message as { text?: unknown } | undefined)?.text ?? '')
      })
    }
  }
  return findings
}

function matches(entry: AllowlistEntry, finding: Finding): boolean {
  return entry.check === finding.check && (entry.file === undefined || entry.file === finding.file)
}

export function evaluate(findings: Finding[], allowlist: AllowlistEntry[]): GateResult {
  const gate = SEVERITIES.indexOf(GATE_SEVERITY)
  const used = new Set<AllowlistEntry>()
  const result: GateResult = { blocking: [], allowed: [], below: [], unused: [] }
  for (const finding of findings) {
    if (SEVERITIES.indexOf(finding.severity) < gate) {
      result.below.push(finding)
      continue
    }
    const entry = allowlist.find((candidate) => matches(candidate, finding))
    if (entry) {
      used.add(entry)
      result.allowed.push({ finding, entry })
    } else {
      result.blocking.push(finding)
    }
  }
  result.unused = allowlist.filter((entry) => !used.has(entry))
  return result
}

/** The whole gate on a SARIF file: what the CI step and the test both call. */
export function gateSarifFile(sarifFile: string, allowlistFile: string, root: string): GateResult {
  const sarif: unknown = JSON.parse(readFileSync(sarifFile, 'utf8'))
  const allowlist = parseAllowlist(JSON.parse(readFileSync(allowlistFile, 'utf8')))
  return evaluate(findingsFromSarif(sarif, root), allowlist)
}

export function formatReport(result: GateResult): string {
  const line = (f: Finding): string => `${f.severity.padEnd(13)} ${f.check}  ${f.file || '(global)'}${f.line ? `:${f.line}` : ''}`
  const out: string[] = []
  for (const f of result.blocking) out.push(`FAIL ${line(f)}\n       ${f.message}`)
  for (const { finding, entry } of result.allowed) out.push(`ok   ${line(finding)}  (allowlisted: ${entry.reason})`)
  for (const f of result.below) out.push(`info ${line(f)}`)
  for (const entry of result.unused) out.push(`note allowlist entry ${entry.check}${entry.file ? ` ${entry.file}` : ''} matched nothing: remove it if the finding is gone`)
  out.push(
    `electronegativity: ${result.blocking.length} blocking, ${result.allowed.length} allowlisted, ${result.below.length} below ${GATE_SEVERITY}`
  )
  return out.join('\n')
}

interface RawIssue {
  id: string
  severity: { name: string }
  confidence: { name: string }
}

interface RunnerOptions {
  input: string
  output: string
  isSarif: boolean
  customScan: string[]
  excludeFromScan: string[]
  isRelative: boolean
  isVerbose: boolean
  electronVersionOverride: string
  parserPlugins: string[]
}

/**
 * Our machines reach only package registries, and a test must not depend on the internet: the
 * tool's two network calls (a translation update from S3, Electron release data from GitHub)
 * go through `got`, which is replaced in the module cache by a stand-in that fails at once. The
 * tool then uses its bundled English texts, and the release check reports it could not look.
 */
function keepElectronegativityOffline(): void {
  const toolRequire = createRequire(createRequire(import.meta.url).resolve('@doyensec/electronegativity'))
  const gotPath = toolRequire.resolve('got')
  const offline = (): Promise<never> => Promise.reject(new Error('TokenDesk runs Electronegativity offline'))
  const stand = Object.assign(offline, { head: offline, get: offline })
  const cache = createRequire(import.meta.url).cache
  cache[gotPath] = { id: gotPath, filename: gotPath, loaded: true, exports: stand, children: [], paths: [], path: dirname(gotPath) } as unknown as NodeJS.Module
}

/** Runs Electronegativity in this process and writes its SARIF, annotated with severity and confidence. */
export async function runElectronegativity(options: { root: string; input: string; sarif: string; electronVersion: string }): Promise<void> {
  keepElectronegativityOffline()
  const run = createRequire(import.meta.url)('@doyensec/electronegativity') as (options: RunnerOptions, forCli: boolean) => Promise<{ issues: RawIssue[]; errors: Array<{ file: string; message: string; tolerable: boolean }> }>
  mkdirSync(dirname(options.sarif), { recursive: true })
  rmSync(options.sarif, { force: true })
  const outcome = await run(
    {
      input: options.input,
      output: options.sarif,
      isSarif: true,
      customScan: [],
      excludeFromScan: ['availablesecurityfixesglobalcheck'],
      isRelative: false,
      isVerbose: false,
      electronVersionOverride: options.electronVersion,
      parserPlugins: []
    },
    false
  )
  const broken = outcome.errors.filter((error) => !error.tolerable)
  for (const error of broken) console.error(`electronegativity could not parse ${relative(options.root, error.file)}: ${error.message}`)
  if (broken.length > 0) throw new Error(`${broken.length} file(s) could not be parsed: the scan is incomplete`)
  // The writer keeps the issue order (result i is issue i) but does not wait for its fs.writeFile.
  const sarif = (await readWhenWritten(options.sarif)) as { runs: Array<{ results: Array<Record<string, unknown>> }> }
  const results = sarif.runs[0]!.results
  if (results.length !== outcome.issues.length) throw new Error('the SARIF file does not match the findings returned by the scan')
  results.forEach((result, i) => {
    const issue = outcome.issues[i]!
    if (result.ruleId !== issue.id) throw new Error('the SARIF file does not match the findings returned by the scan')
    result.properties = { ...((result.properties as object | undefined) ?? {}), severity: issue.severity.name, confidence: issue.confidence.name }
  })
  writeFileSync(options.sarif, `${JSON.stringify(sarif, null, 2)}\n`)
}

async function readWhenWritten(file: string): Promise<unknown> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return JSON.parse(readFileSync(file, 'utf8'))
    } catch (error) {
      if (attempt >= 100) throw new Error(`electronegativity wrote no readable SARIF to ${file}`, { cause: error })
      await new Promise((done) => setTimeout(done, 50))
    }
  }
}

function argument(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`)
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1]! : fallback
}

async function main(): Promise<void> {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
  const input = resolve(root, argument('input', 'src'))
  const sarif = resolve(root, argument('sarif', 'test-results/electronegativity.sarif'))
  const allowlist = resolve(root, argument('allowlist', 'scripts/electronegativity-allowlist.json'))
  const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { devDependencies?: Record<string, string> }
  const electronVersion = (pkg.devDependencies?.electron ?? '').replace(/^[^\d]*/, '')
  if (!/^\d+\.\d+\.\d+/.test(electronVersion)) throw new Error('package.json does not pin an Electron version')
  if (!existsSync(input)) throw new Error(`nothing to scan at ${input}`)
  await runElectronegativity({ root, input, sarif, electronVersion })
  const result = gateSarifFile(sarif, allowlist, root)
  console.log(`electronegativity (Electron ${electronVersion}) over ${relative(root, input) || '.'}: SARIF in ${relative(root, sarif)}`)
  console.log(formatReport(result))
  if (result.blocking.length > 0) {
    console.error(`\n${result.blocking.length} finding(s) of ${GATE_SEVERITY} or higher are not in ${relative(root, allowlist)}: fix them, or review them and add an entry with its reason.`)
    process.exitCode = 1
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exitCode = 1
  })
}
