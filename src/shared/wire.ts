import { z } from 'zod'
import { AppErrorDataSchema } from './errors'
import { ResultSchema } from './result'

/**
 * Frames of the browser-mode WebSocket. Same envelope as IPC; only the transport differs.
 * Call ids start at 1, so no call can be confused with a frame-level error, which has no id.
 */
export const CallIdSchema = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER)

export const ClientFrameSchema = z.object({
  type: z.literal('call'),
  id: CallIdSchema,
  command: z.string().max(200),
  request: z.unknown()
})

export const ServerFrameSchema = z.discriminatedUnion('type', [
  /** The answer to call `id`. */
  z.object({ type: z.literal('result'), id: CallIdSchema, result: ResultSchema }),
  z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() }),
  /** A frame the server could not read as a call at all (not JSON, binary, no usable id). */
  z.object({ type: z.literal('error'), error: AppErrorDataSchema })
])

export type ClientFrame = z.infer<typeof ClientFrameSchema>
export type ServerFrame = z.infer<typeof ServerFrameSchema>

// The handshake's names live in a module without zod, which the host's first chunk loads.
export { URL_SECRET_FRAGMENT, WS_PATH, WS_PROTOCOL, WS_SECRET_PROTOCOL_PREFIX, wsProtocols } from './wire-handshake'
