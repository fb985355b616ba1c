import { z } from 'zod'
import { ResultSchema } from './result'

/** Frames of the browser-mode WebSocket. Same envelope as IPC; only the transport differs. */
export const ClientFrameSchema = z.object({
  type: z.literal('call'),
  id: z.number().int().nonnegative(),
  command: z.string().max(200),
  request: z.unknown()
})

export const ServerFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('result'), id: z.number().int().nonnegative(), result: ResultSchema }),
  z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() })
])

export type ClientFrame = z.infer<typeof ClientFrameSchema>
export type ServerFrame = z.infer<typeof ServerFrameSchema>

/** The WebSocket path and the query parameter that carries the per-launch secret. */
export const WS_PATH = '/ws'
export const WS_SECRET_PARAM = 'secret'
/** The page URL carries the secret in its fragment so it never reaches a server log. */
export const URL_SECRET_FRAGMENT = 'secret'
