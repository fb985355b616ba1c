/**
 * Environment variable name for an export line: the token's kind, shouted ("ACCESS_TOKEN",
 * "APP_TOKEN"). Shared: the core writes the line, the Copy as… menu shows it beforehand.
 */
export function envVarName(kind: string): string {
  const base = kind.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toUpperCase() || 'TOKEN'
  const name = /TOKEN$/.test(base) ? base : `${base}_TOKEN`
  return /^[0-9]/.test(name) ? `T_${name}` : name
}
