/**
 * Which URLs the HTTP client will call. Pure functions over WHATWG `URL`, so every spelling
 * of an address (`0x7f000001`, `127.1`, `[0:0::1]`) is judged after normalisation.
 */

export interface Target {
  url: URL
  /** `https://host:port`, as `URL.origin`. */
  origin: string
  /** Origin + path, never the query or fragment: the only form of a URL that goes into text. */
  display: string
  /** `hostname:port` with the scheme's default port filled in. */
  hostPort: string
  loopback: boolean
}

export type UrlProblem =
  | { kind: 'invalid' }
  | { kind: 'scheme'; scheme: string }
  | { kind: 'userinfo' }
  | { kind: 'insecure'; origin: string }

const DEFAULT_PORT: Record<string, string> = { 'http:': '80', 'https:': '443' }

/** 127.0.0.0/8, ::1 (and its IPv4-mapped form of 127/8), and the name `localhost`. */
export function isLoopbackHostname(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '')
  if (host === 'localhost') return true
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return true
  if (host === '[::1]') return true
  // WHATWG serialises ::ffff:127.x.y.z as [::ffff:7fxx:yyzz].
  return /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(host)
}

/** Origin + path of a URL: drops userinfo, query and fragment. */
export function displayUrl(url: URL): string {
  return `${url.origin}${url.pathname}`
}

export function checkUrl(raw: string, allowInsecureHttp: boolean): Target | UrlProblem {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return { kind: 'invalid' }
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { kind: 'scheme', scheme: url.protocol }
  if (url.username !== '' || url.password !== '') return { kind: 'userinfo' }
  if (url.hostname === '') return { kind: 'invalid' }
  const loopback = isLoopbackHostname(url.hostname)
  if (url.protocol === 'http:' && !loopback && !allowInsecureHttp) return { kind: 'insecure', origin: url.origin }
  url.hash = ''
  return {
    url,
    origin: url.origin,
    display: displayUrl(url),
    hostPort: `${url.hostname}:${url.port || DEFAULT_PORT[url.protocol]}`,
    loopback
  }
}

export function isTarget(value: Target | UrlProblem): value is Target {
  return 'url' in value
}
