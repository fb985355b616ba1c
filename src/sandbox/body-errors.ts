import type { FastifyError } from 'fastify'

/** A body the API's own parser rejects; each API turns it into its own error shape. */
export class MalformedBodyError extends Error {
  readonly statusCode = 400
  constructor(
    readonly format: 'json' | 'xml' | 'form',
    message: string
  ) {
    super(message)
  }
}

export type SandboxHttpError = FastifyError | MalformedBodyError

export function isBodyTooLarge(error: SandboxHttpError): boolean {
  return error.statusCode === 413 || ('code' in error && error.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
}

export function errorStatus(error: SandboxHttpError): number {
  const status = error.statusCode
  return status !== undefined && status >= 400 && status < 600 ? status : 500
}
