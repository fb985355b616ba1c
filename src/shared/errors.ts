import { z } from 'zod'
import { ERROR_CODES, type ErrorCode } from './error-codes'

export { ERROR_CODES, type ErrorCode } from './error-codes'

export const AppErrorDataSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  /** Extra, user-safe facts: a fix to show, a field name, a path. Never a secret. */
  details: z.record(z.string(), z.unknown()).optional()
})

export type AppErrorData = z.infer<typeof AppErrorDataSchema>

/** The one error type that crosses the bridge. Anything else becomes INTERNAL. */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly details?: Record<string, unknown>

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message)
    this.name = 'AppError'
    this.code = code
    if (details !== undefined) this.details = details
  }

  toData(): AppErrorData {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details }
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError
}
