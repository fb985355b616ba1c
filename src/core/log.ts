import { appendFileSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

export interface Logger {
  debug(scope: string, message: string, extra?: unknown): void
  info(scope: string, message: string, extra?: unknown): void
  warn(scope: string, message: string, extra?: unknown): void
  error(scope: string, message: string, extra?: unknown): void
  /** Registers a value that must never appear in a log line (a secret the app now holds). */
  redact(value: string): void
  /**
   * The app no longer holds this value (a forgotten or replaced token): stop matching it, so the
   * set does not grow with every token ever issued. Loggers without redaction may leave it out.
   */
  release?(value: string): void
}

const REDACTED = '[redacted]'
/** Shorter values are too common to redact safely (they would mangle ordinary words). */
const MIN_REDACT_LENGTH = 6

/** Error → loggable text. Only the name, message and stack: never arbitrary enumerable fields. */
function describe(extra: unknown): string {
  if (extra === undefined) return ''
  if (extra instanceof Error) return ` ${extra.name}: ${extra.message}\n${extra.stack ?? ''}`
  try {
    return ` ${JSON.stringify(extra)}`
  } catch {
    return ' [unserialisable]'
  }
}

export interface FileLoggerOptions {
  file: string
  /** Also echo to stderr (browser mode in a terminal). */
  echo?: boolean
  minLevel?: LogLevel
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

/**
 * The values no log line may carry. Bounded: every issued or renewed token registers its value,
 * so an unbounded set would grow for as long as the app runs. The most recently registered
 * values are kept (credentials are registered again on every use, so they stay); a value
 * evicted here belongs to a token long since replaced.
 */
export class RedactionSet {
  private readonly values = new Map<string, true>()

  constructor(private readonly limit = 20_000) {}

  add(value: string): void {
    if (value.length < MIN_REDACT_LENGTH) return
    this.values.delete(value)
    this.values.set(value, true)
    if (this.values.size > this.limit) this.values.delete(this.values.keys().next().value!)
  }

  delete(value: string): void {
    this.values.delete(value)
  }

  get size(): number {
    return this.values.size
  }

  scrub(text: string): string {
    let out = text
    for (const secret of this.values.keys()) if (out.includes(secret)) out = out.split(secret).join(REDACTED)
    return out
  }
}

/**
 * A small append-only file logger with redaction. Every line passes through `scrub`, which
 * replaces every registered secret; the canary tests check that none survives.
 */
export function createFileLogger(options: FileLoggerOptions): Logger {
  const secrets = new RedactionSet()
  const minLevel = LEVELS[options.minLevel ?? 'info']
  let ready = false
  const scrub = (text: string): string => secrets.scrub(text)

  const write = (level: LogLevel, scope: string, message: string, extra?: unknown): void => {
    if (LEVELS[level] < minLevel) return
    const line = scrub(`${new Date().toISOString()} ${level.toUpperCase()} [${scope}] ${message}${describe(extra)}`)
    try {
      if (!ready) {
        mkdirSync(dirname(options.file), { recursive: true, mode: 0o700 })
        ready = true
      }
      appendFileSync(options.file, line + '\n', { mode: 0o600 })
    } catch {
      // Logging must never take the app down; the line is dropped.
    }
    if (options.echo && LEVELS[level] >= LEVELS.warn) process.stderr.write(line + '\n')
  }

  return {
    debug: (s, m, e) => write('debug', s, m, e),
    info: (s, m, e) => write('info', s, m, e),
    warn: (s, m, e) => write('warn', s, m, e),
    error: (s, m, e) => write('error', s, m, e),
    redact: (value) => secrets.add(value),
    release: (value) => secrets.delete(value)
  }
}

/** For tests: collects lines in memory, with the same redaction. */
export function createMemoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = []
  const secrets = new RedactionSet()
  const write = (level: LogLevel, scope: string, message: string, extra?: unknown): void => {
    lines.push(secrets.scrub(`${level} [${scope}] ${message}${describe(extra)}`))
  }
  return {
    lines,
    debug: (s, m, e) => write('debug', s, m, e),
    info: (s, m, e) => write('info', s, m, e),
    warn: (s, m, e) => write('warn', s, m, e),
    error: (s, m, e) => write('error', s, m, e),
    redact: (value) => secrets.add(value),
    release: (value) => secrets.delete(value)
  }
}
