import { commands } from '../shared/contract'
import { isCommandName, type CommandName, type CommandResponse, type ParsedRequest } from '../shared/api'
import { AppError, isAppError, type AppErrorData } from '../shared/errors'
import type { Result } from '../shared/result'
import type { Logger } from './log'

export type Handler<C extends CommandName> = (request: ParsedRequest<C>) => Promise<CommandResponse<C>>

/** One handler per contract command: the compiler finds a missing one. */
export type Handlers = { [C in CommandName]: Handler<C> }

export type Dispatch = (command: unknown, request: unknown) => Promise<Result<unknown>>

/** zod issues reduced to what a user (or a developer reading the UI) needs: path and message. */
function describeIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string[] {
  return issues.slice(0, 10).map((issue) => {
    const path = issue.path.map(String).join('.')
    return path ? `${path}: ${issue.message}` : issue.message
  })
}

/**
 * Looks up the handler, validates request and response against the contract, and maps every
 * thrown value to a typed error. It never throws and never returns a stack or a raw message
 * from an unknown error (which could carry a secret).
 */
export function createDispatch(handlers: Handlers, log: Logger): Dispatch {
  return async (command, request) => {
    if (!isCommandName(command)) {
      const name = typeof command === 'string' ? command.slice(0, 100) : typeof command
      return failure({ code: 'UNKNOWN_COMMAND', message: `Unknown command "${name}".` })
    }
    const spec = commands[command]
    const parsed = spec.request.safeParse(request ?? {})
    if (!parsed.success) {
      return failure({
        code: 'INVALID_REQUEST',
        message: `Invalid request for "${command}".`,
        details: { issues: describeIssues(parsed.error.issues) }
      })
    }
    let value: unknown
    try {
      const handler = handlers[command] as (req: unknown) => Promise<unknown>
      value = await handler(parsed.data)
    } catch (error) {
      if (isAppError(error)) return failure(error.toData())
      log.error('dispatch', `handler "${command}" threw`, error)
      return failure({ code: 'INTERNAL', message: `"${command}" failed unexpectedly. Details are in the log.` })
    }
    const checked = spec.response.safeParse(value)
    if (!checked.success) {
      log.error('dispatch', `handler "${command}" returned a value outside the contract`, {
        issues: describeIssues(checked.error.issues)
      })
      return failure({ code: 'INVALID_RESPONSE', message: `"${command}" returned an unexpected result.` })
    }
    return { ok: true, value: checked.data }
  }
}

function failure(error: AppErrorData): Result<never> {
  return { ok: false, error }
}

export { AppError }
