import { ERROR_CODES } from './error-codes'
import type { ServerFrame } from './wire'

/**
 * `ServerFrameSchema.safeParse` without zod, for the renderer's first chunk: the WebSocket bridge
 * reads every frame with it, and loading zod there cost ~100 KB of script at start-up (issue 10).
 * wire.ts stays the definition; wire-frame.test.ts checks that both give the same answer
 * (including the keys zod strips) for any JSON value.
 */
export function readServerFrame(value: unknown): ServerFrame | null {
  if (!isRecord(value)) return null
  switch (value.type) {
    case 'result': {
      const result = readResult(value.result)
      return isCallId(value.id) && result ? { type: 'result', id: value.id, result } : null
    }
    case 'event':
      // zod's z.unknown() still wants the key present (a payload of undefined never survives JSON).
      return typeof value.event === 'string' && 'payload' in value ? { type: 'event', event: value.event, payload: value.payload } : null
    case 'error': {
      const error = readErrorData(value.error)
      return error ? { type: 'error', error } : null
    }
    default:
      return null
  }
}

type Result = Extract<ServerFrame, { type: 'result' }>['result']
type ErrorData = Extract<ServerFrame, { type: 'error' }>['error']

const CODES: ReadonlySet<string> = new Set(ERROR_CODES)

function readResult(value: unknown): Result | null {
  if (!isRecord(value)) return null
  if (value.ok === true) return 'value' in value ? { ok: true, value: value.value } : null
  if (value.ok !== false) return null
  const error = readErrorData(value.error)
  return error ? { ok: false, error } : null
}

function readErrorData(value: unknown): ErrorData | null {
  if (!isRecord(value) || typeof value.code !== 'string' || !CODES.has(value.code) || typeof value.message !== 'string') return null
  const data: ErrorData = { code: value.code as ErrorData['code'], message: value.message }
  if (value.details === undefined) return data
  if (!isRecord(value.details)) return null
  return { ...data, details: { ...value.details } }
}

function isCallId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1
}

/** What zod's object and record accept: a non-null object that is not an array. */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
