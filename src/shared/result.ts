import { z } from 'zod'
import { AppErrorDataSchema, type AppErrorData } from './errors'

/** Every command resolves to this envelope; errors are data, never thrown across the bridge. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorData }

export const ResultSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: AppErrorDataSchema })
])

export function ok<T>(value: T): Result<T> {
  return { ok: true, value }
}

export function fail(error: AppErrorData): Result<never> {
  return { ok: false, error }
}
