import { z } from 'zod'

/**
 * A fault injected in front of a route. `path` is a concrete path from the origin
 * (`/respoke/v1/tokens`) or a route pattern (`/play-oxygen/api/auth/session/:client_id`);
 * a trailing slash and the query string are ignored. `times` limits it to the next N requests.
 */
export const FaultResponseSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('status'),
    status: z.number().int().min(100).max(599),
    body: z.json().optional(),
    /** Sent verbatim instead of `body` (e.g. an HTML error page from a proxy). */
    rawBody: z.string().optional(),
    contentType: z.string().optional(),
    headers: z.record(z.string(), z.string()).optional()
  }),
  z.strictObject({ kind: z.literal('malformed') }),
  z.strictObject({ kind: z.literal('oversized'), bytes: z.number().int().positive().max(256 * 1024 * 1024).optional() }),
  z.strictObject({ kind: z.literal('drop') }),
  z.strictObject({ kind: z.literal('rateLimit'), retryAfterSeconds: z.number().int().min(0).optional() })
])

export const FaultSpecSchema = z.strictObject({
  path: z.string().startsWith('/'),
  method: z.string().toUpperCase().optional(),
  latencyMs: z.number().int().min(0).max(120_000).optional(),
  respond: FaultResponseSchema.optional(),
  times: z.number().int().positive().optional()
})

export type FaultSpec = z.infer<typeof FaultSpecSchema>
export type FaultResponse = z.infer<typeof FaultResponseSchema>
export type Fault = FaultSpec & { id: string; remaining: number | null }

export const DEFAULT_OVERSIZED_BYTES = 8 * 1024 * 1024

function normalizePath(path: string): string {
  const withoutQuery = path.split('?')[0] ?? path
  return withoutQuery.length > 1 && withoutQuery.endsWith('/') ? withoutQuery.slice(0, -1) : withoutQuery
}

export class FaultRegistry {
  private faults: Fault[] = []
  private nextId = 1

  add(spec: FaultSpec): Fault {
    const fault: Fault = { ...spec, path: normalizePath(spec.path), id: `fault-${this.nextId++}`, remaining: spec.times ?? null }
    this.faults.push(fault)
    return fault
  }

  list(): Fault[] {
    return [...this.faults]
  }

  remove(id: string): boolean {
    const before = this.faults.length
    this.faults = this.faults.filter((fault) => fault.id !== id)
    return this.faults.length !== before
  }

  clear(): void {
    this.faults = []
  }

  /** The first fault matching this request, consuming one of its `times`. */
  take(method: string, path: string, routePattern: string | undefined): Fault | undefined {
    const concrete = normalizePath(path)
    const pattern = routePattern === undefined ? undefined : normalizePath(routePattern)
    const fault = this.faults.find(
      (candidate) =>
        (candidate.method === undefined || candidate.method === method) &&
        (candidate.path === concrete || candidate.path === pattern)
    )
    if (fault?.remaining != null) {
      fault.remaining -= 1
      if (fault.remaining <= 0) this.remove(fault.id)
    }
    return fault
  }
}
