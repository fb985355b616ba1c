import { existsSync, readFileSync, renameSync } from 'node:fs'
import { mkdir, open, rename } from 'node:fs/promises'
import { dirname } from 'node:path'
import { z } from 'zod'
import { AppError } from '../../shared/errors'
import { AuditEventSchema, TokenSchema, type AuditEvent, type Token } from '../../shared/model'
import type { Logger } from '../log'
import { writeBehindDelay } from '../secrets/token-cache'

/** Audit events kept per token; the oldest go first. */
export const AUDIT_LIMIT = 100
export const RECORDS_VERSION = 1
/** Longest write-behind delay after an expensive write (10,000 tokens: a write is ~10 MB of JSON). */
export const MAX_RECORDS_FLUSH_DELAY_MS = 5_000

const RecordsFileSchema = z.object({
  version: z.literal(RECORDS_VERSION),
  tokens: z.array(TokenSchema),
  audit: z.record(z.string(), z.array(AuditEventSchema))
})

/**
 * Token metadata (never a value): its own file, `tokens.json`, because it is large and changes
 * every few seconds (DESIGN.md "Secrets vs metadata"). Changes return at once; the file is
 * written behind, coalesced, atomically (temp file, fsync, rename) with mode 0600.
 */
export class TokenRecordStore {
  private readonly tokens = new Map<string, Token>()
  private readonly audit = new Map<string, AuditEvent[]>()
  private timer: NodeJS.Timeout | null = null
  private writing: Promise<void> = Promise.resolve()
  private dirty = false
  private lastWriteMs = 0
  lastError: AppError | null = null

  constructor(
    private readonly file: string,
    private readonly log: Logger,
    private readonly flushDelayMs = 250
  ) {
    this.load()
  }

  all(): Token[] {
    return [...this.tokens.values()]
  }

  get(id: string): Token | undefined {
    return this.tokens.get(id)
  }

  get size(): number {
    return this.tokens.size
  }

  put(token: Token): void {
    this.tokens.set(token.id, token)
    this.schedule()
  }

  delete(id: string): boolean {
    const had = this.tokens.delete(id)
    this.audit.delete(id)
    if (had) this.schedule()
    return had
  }

  auditOf(id: string): AuditEvent[] {
    return this.audit.get(id) ?? []
  }

  addAudit(id: string, event: AuditEvent): void {
    const events = this.audit.get(id) ?? []
    events.push(event)
    if (events.length > AUDIT_LIMIT) events.splice(0, events.length - AUDIT_LIMIT)
    this.audit.set(id, events)
    this.schedule()
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    if (this.dirty) this.writing = this.writing.then(() => this.writeNow())
    await this.writing
    if (this.lastError) throw this.lastError
  }

  private load(): void {
    if (!existsSync(this.file)) return
    try {
      const parsed = RecordsFileSchema.parse(JSON.parse(readFileSync(this.file, 'utf8')))
      for (const token of parsed.tokens) this.tokens.set(token.id, token)
      for (const [id, events] of Object.entries(parsed.audit)) if (this.tokens.has(id)) this.audit.set(id, events)
    } catch (error) {
      // Kept aside, never overwritten in place: a person (or a later version) may still read it.
      const aside = `${this.file}.corrupt-${Date.now()}`
      try {
        renameSync(this.file, aside)
      } catch {
        /* the next write replaces it; nothing else to keep */
      }
      this.log.error('tokens', `token records unreadable; kept aside as ${aside}`, error instanceof Error ? error.name : undefined)
    }
  }

  private schedule(): void {
    this.dirty = true
    if (this.timer) return
    this.timer = setTimeout(() => {
      this.timer = null
      this.writing = this.writing.then(() => this.writeNow())
    }, writeBehindDelay(this.flushDelayMs, this.lastWriteMs, MAX_RECORDS_FLUSH_DELAY_MS))
    this.timer.unref?.()
  }

  private async writeNow(): Promise<void> {
    if (!this.dirty) return
    this.dirty = false
    const { body, busyMs } = await serializeRecords([...this.tokens.values()], [...this.audit.entries()])
    const started = performance.now()
    const temp = `${this.file}.${process.pid}.tmp`
    try {
      await mkdir(dirname(this.file), { recursive: true, mode: 0o700 })
      const handle = await open(temp, 'w', 0o600)
      try {
        await handle.writeFile(body)
        await handle.sync()
      } finally {
        await handle.close()
      }
      await rename(temp, this.file)
      // The event loop's share: serialising (in slices) and the write calls; the fsync runs off the loop.
      this.lastWriteMs = busyMs + Math.min(performance.now() - started, busyMs)
      this.lastError = null
    } catch (error) {
      this.dirty = true
      this.lastError = new AppError('SETTINGS_IO', 'The token records could not be written.', { file: this.file })
      this.log.error('tokens', 'writing token records failed', error instanceof Error ? error.name : undefined)
    }
  }
}

/** Tokens (or audit entries) serialised per slice before the event loop gets a turn. */
export const SERIALIZE_SLICE = 500

/**
 * The records file's JSON, exactly `JSON.stringify({ version, tokens, audit })`, built in slices of
 * SERIALIZE_SLICE with a turn of the event loop between them: 10,000 tokens with their audit are
 * ~10 MB of JSON, and one synchronous stringify held the loop (scheduled renewals, WebSocket calls)
 * for tens of ms (`npm run bench`, scheduler lateness p99). `busyMs` is the synchronous time spent.
 */
export async function serializeRecords(tokens: readonly Token[], audit: ReadonlyArray<readonly [string, AuditEvent[]]>): Promise<{ body: string; busyMs: number }> {
  let busyMs = 0
  const slices = async <T>(items: readonly T[], encode: (item: T) => string): Promise<string> => {
    const parts: string[] = []
    for (let start = 0; start < items.length; start += SERIALIZE_SLICE) {
      if (start > 0) await new Promise<void>((resolve) => setImmediate(resolve))
      const began = performance.now()
      parts.push(items.slice(start, start + SERIALIZE_SLICE).map(encode).join(','))
      busyMs += performance.now() - began
    }
    return parts.join(',')
  }
  const tokensJson = await slices(tokens, (token) => JSON.stringify(token))
  const auditJson = await slices(audit, ([id, events]) => `${JSON.stringify(id)}:${JSON.stringify(events)}`)
  return { body: `{"version":${RECORDS_VERSION},"tokens":[${tokensJson}],"audit":{${auditJson}}}`, busyMs }
}
