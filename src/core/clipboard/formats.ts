import { envVarName } from '../../shared/env-var-name'
import type { CopyFormat } from '../../shared/model'

export { envVarName }

function singleQuotedPosix(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`
}

function singleQuotedFish(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

function singleQuotedPowerShell(value: string): string {
  return `'${value.replace(/'/g, "''")}'`
}

export interface CopySubject {
  value: string
  kind: string
  header: { name: string; prefix: string }
  /** For the curl line: the account's base URL. */
  baseUrl: string | null
}

/** The text "Copy as…" puts on the clipboard. Quoting makes every line paste-safe in its shell. */
export function formatCopy(format: CopyFormat, subject: CopySubject): string {
  const headerLine = `${subject.header.name}: ${subject.header.prefix}${subject.value}`
  switch (format) {
    case 'raw':
      return subject.value
    case 'header':
      return headerLine
    case 'curl':
      return `curl -H ${singleQuotedPosix(headerLine)} ${singleQuotedPosix(subject.baseUrl ?? 'https://example.invalid/')}`
    case 'export-bash':
      return `export ${envVarName(subject.kind)}=${singleQuotedPosix(subject.value)}`
    case 'export-fish':
      return `set -gx ${envVarName(subject.kind)} ${singleQuotedFish(subject.value)}`
    case 'export-powershell':
      return `$env:${envVarName(subject.kind)} = ${singleQuotedPowerShell(subject.value)}`
  }
}

export function describeFormat(format: CopyFormat, header: { name: string; prefix: string }): string {
  switch (format) {
    case 'raw':
      return 'as the raw value'
    case 'header':
      return header.prefix.trim() ? `as a ${header.prefix.trim()} header` : `as an ${header.name} header`
    case 'curl':
      return 'as a curl line'
    case 'export-bash':
      return 'as a bash export line'
    case 'export-fish':
      return 'as a fish set line'
    case 'export-powershell':
      return 'as a PowerShell $env line'
  }
}
