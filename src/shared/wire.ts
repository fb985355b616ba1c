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

export const WS_PATH = '/ws'

/**
 * The launch secret never travels in a URL. The page offers two WebSocket subprotocols,
 * `tokendesk.v1` and `tokendesk.secret.<secret>`; the server checks the second and echoes only
 * the first. Both are HTTP tokens (the secret is base64url), as Sec-WebSocket-Protocol requires.
 *
 * Why a header rather than a first frame: the check happens before the 101, so an
 * unauthenticated peer never holds an open WebSocket, never takes a connection slot, never
 * receives an event frame, and needs no authentication deadline. The browser WebSocket API can
 * set no other header, and this one is not part of the request line that servers and proxies log.
 */
export const WS_PROTOCOL = 'tokendesk.v1'
export const WS_SECRET_PROTOCOL_PREFIX = 'tokendesk.secret.'

export function wsProtocols(secret: string): [string, string] {
  return [WS_PROTOCOL, `${WS_SECRET_PROTOCOL_PREFIX}${secret}`]
}

/** The page URL carries the secret in its fragment, which a browser never sends to a server. */
export const URL_SECRET_FRAGMENT = 'secret'
