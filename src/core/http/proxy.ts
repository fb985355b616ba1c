import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici'

/**
 * undici's request, re-exported so the client loads undici through this module, on its first
 * request (client.ts). Not `import('undici')` there: bundled (scripts/build-host.ts), a dynamic
 * import of a CommonJS package yields only its default export, and `request` was undefined.
 */
export { request as sendRequest } from 'undici'
import type { Target } from './url-policy'

/**
 * Proxy support. Settings come from the environment the client was given (never implicitly
 * from `process.env` when an `env` was passed): `http_proxy`/`HTTP_PROXY`,
 * `https_proxy`/`HTTPS_PROXY`, `no_proxy`/`NO_PROXY`, lower case first as curl and undici do.
 * undici's EnvHttpProxyAgent applies them; like undici, an https request with only
 * HTTP_PROXY set goes through HTTP_PROXY. Loopback targets never go through a proxy: they
 * use a plain Agent before EnvHttpProxyAgent is consulted.
 */
export interface ProxySettings {
  httpProxy: string
  httpsProxy: string
  noProxy: string
}

export function proxySettingsFromEnv(env: NodeJS.ProcessEnv): ProxySettings | null {
  const pick = (lower: string, upper: string): string => (env[lower] ?? env[upper] ?? '').trim()
  const settings = {
    httpProxy: withScheme(pick('http_proxy', 'HTTP_PROXY')),
    httpsProxy: withScheme(pick('https_proxy', 'HTTPS_PROXY')),
    noProxy: pick('no_proxy', 'NO_PROXY')
  }
  if (settings.httpProxy === '' && settings.httpsProxy === '') return null
  if (settings.noProxy === '*') return null
  return settings
}

/** As curl reads a proxy variable: without a scheme (`10.0.0.1:3128`, `proxy.corp:8080`), http:// is meant. */
function withScheme(value: string): string {
  return value === '' || /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`
}

/** The proxy variables whose value is not a URL undici can use (the rest is validated by undici). */
export function unusableProxyVariables(settings: ProxySettings): string[] {
  const unusable = (uri: string): boolean => {
    if (uri === '') return false
    try {
      return !['http:', 'https:'].includes(new URL(uri).protocol)
    } catch {
      return true
    }
  }
  return [...(unusable(settings.httpProxy) ? ['HTTP_PROXY'] : []), ...(unusable(settings.httpsProxy) ? ['HTTPS_PROXY'] : [])]
}

/** `host:port` of a proxy URL, without any credentials it carries. */
export function describeProxy(uri: string): string {
  try {
    const url = new URL(uri)
    return url.host
  } catch {
    return 'the configured proxy'
  }
}

export interface DispatcherOptions {
  env: NodeJS.ProcessEnv
  connectTimeoutMs: number
  /** Backstop for undici's own header/body timers; the client's total deadline fires first. */
  idleTimeoutMs: number
}

export interface Route {
  dispatcher: Dispatcher
  /** The proxy variable that may apply to this target (for error hints), or null when direct. */
  proxyHint: string | null
  /**
   * Proxy variables set to something that is not a proxy URL. The request is refused rather than
   * sent around the proxy the user meant to use; the rest of TokenDesk keeps working.
   */
  unusableProxy?: string[]
}

export interface Dispatchers {
  settings: ProxySettings | null
  route(target: Target): Route
  close(): Promise<void>
}

export function createDispatchers(options: DispatcherOptions): Dispatchers {
  const common = {
    headersTimeout: options.idleTimeoutMs,
    bodyTimeout: options.idleTimeoutMs
  }
  const direct = new Agent({ ...common, connect: { timeout: options.connectTimeoutMs } })
  const settings = proxySettingsFromEnv(options.env)
  const unusable = settings === null ? [] : unusableProxyVariables(settings)
  const proxied =
    settings === null || unusable.length > 0
      ? null
      : new EnvHttpProxyAgent({
          ...common,
          // Explicit '' (not undefined) so undici never falls back to process.env.
          httpProxy: settings.httpProxy,
          httpsProxy: settings.httpsProxy,
          noProxy: settings.noProxy,
          connect: { timeout: options.connectTimeoutMs },
          proxyTls: { timeout: options.connectTimeoutMs },
          requestTls: { timeout: options.connectTimeoutMs }
        })
  return {
    settings,
    route(target) {
      if (!target.loopback && unusable.length > 0) return { dispatcher: direct, proxyHint: null, unusableProxy: unusable }
      if (target.loopback || proxied === null || settings === null) return { dispatcher: direct, proxyHint: null }
      const https = target.url.protocol === 'https:'
      const variable = https && settings.httpsProxy !== '' ? 'HTTPS_PROXY' : 'HTTP_PROXY'
      const uri = variable === 'HTTPS_PROXY' ? settings.httpsProxy : settings.httpProxy
      // Only HTTPS_PROXY set: undici sends plain http directly, so no proxy is to blame for its errors.
      if (uri === '') return { dispatcher: proxied, proxyHint: null }
      return { dispatcher: proxied, proxyHint: `${variable} ${describeProxy(uri)}` }
    },
    async close() {
      await Promise.all([direct.close(), proxied?.close()])
    }
  }
}
