import type { FastifyError, FastifyInstance } from 'fastify'

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

/**
 * A JSON body parser in each framework's manner: an empty body is `{}`, invalid JSON becomes a
 * MalformedBodyError carrying the message that API's own error handler answers with.
 */
export function addJsonBodyParser(app: FastifyInstance, malformedMessage: string): void {
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body)
    if (text.trim() === '') return done(null, {})
    try {
      done(null, JSON.parse(text))
    } catch {
      done(new MalformedBodyError('json', malformedMessage))
    }
  })
}
