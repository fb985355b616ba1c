/** The browser-mode WebSocket's handshake: its path, subprotocols and where the page finds the secret. */
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
