import { AppError, type ErrorCode } from '../../shared/errors'
import type { Logger } from '../log'
import type { Dispatchers, Route, sendRequest } from './proxy'
import { parseRetryAfter } from './retry-after'
import { createScrubber, scrubDeep, secretForms, type Scrub } from './redact'
import { checkUrl, isTarget, type Target } from './url-policy'

/**
 * The one HTTP client every provider uses (DESIGN.md "http port"). undici under the hood,
 * with what undici does not give by default:
 *
 * - Deadlines: a connect timeout on the dispatcher and a total deadline per attempt that
 *   covers the body too (undici's own header/body timers are 300 s).
 * - A response size cap enforced while streaming: the connection is aborted at the cap.
 * - Redirects are never followed: every request carries a credential.
 * - Plain http only to loopback, unless the account opted in; no credentials in URLs.
 * - Retries by policy: 'safe' retries connection failures, timeouts before any response,
 *   429 and 502/503/504; 'unsent-only' retries only failures where the request provably
 *   never left (refused, DNS, connect timeout). Full-jitter exponential backoff.
 * - Every message, detail and log line is scrubbed of the request's secrets; URLs appear
 *   only as origin + path.
 *
 * Choices worth knowing:
 * - The total deadline (`totalTimeoutMs`) applies to each attempt, not to the sum of all
 *   attempts; the worst case for 'safe' is maxAttempts × total + backoff.
 * - 429: for 'safe' requests a Retry-After within the cap is waited (no Retry-After: the
 *   usual backoff); a Retry-After beyond the cap rejects with RATE_LIMITED at once
 *   (details.retryAfterSeconds, retryAt). When attempts run out, and always for
 *   'unsent-only', the 429 response itself is returned so the provider can map it.
 *   502/503/504 behave the same way (a Retry-After on them is honoured within the cap),
 *   except that they never become RATE_LIMITED: past the cap the response is returned.
 * - `receivedAt` is taken when the response headers arrive (the moment the server's Date
 *   header describes), not after the body.
 * - A TLS failure (untrusted or expired certificate, wrong host name) is never retried.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export interface HttpRequest {
  method: HttpMethod
  url: string
  headers?: Record<string, string>
  /** Already serialised body. */
  body?: string
  /** What the call does, for error sentences: "PocketPaw session exchange". */
  purpose: string
  /** Secret values in this request (credentials, tokens): redacted from every error message, detail and log line. */
  secrets?: string[]
  /** Plain http: is refused unless the host is loopback (127.0.0.0/8, ::1, localhost) or this is true (the account opted in). */
  allowInsecureHttp?: boolean
  /** 'safe' (default): retried with jittered exponential backoff on connection failures, timeouts before any response, 429 (Retry-After honoured up to a cap) and 502/503/504.
   *  'unsent-only': retried only when the request provably never left (connection refused, DNS failure, connect timeout) — used for rotating refresh-token requests, which must never be sent twice. */
  retry?: 'safe' | 'unsent-only'
  signal?: AbortSignal
}

export interface HttpResponse {
  status: number
  /** Lower-cased names. */
  headers: Record<string, string>
  body: string
  url: string
  /** Local epoch ms just before the request that produced this response was sent (expires_in is measured from here). */
  sentAt: number
  receivedAt: number
  /** Server clock minus local clock (ms), from the Date header (midpoint of sentAt/receivedAt); null when absent/unparseable. */
  skewMs: number | null
  /** Parsed JSON body; throws AppError UPSTREAM_BAD_RESPONSE ("<purpose>: the server's answer is not JSON.") otherwise. */
  json(): unknown
}

export interface HttpClient {
  /** Resolves with any HTTP status (providers map 4xx/5xx to sentences). Rejects only with AppError (codes above). */
  request(request: HttpRequest): Promise<HttpResponse>
  /** Closes pooled connections (app shutdown, tests). Optional so fakes need not implement it. */
  close?(): Promise<void>
}

export interface HttpClientOptions {
  log: Logger
  now?: () => number // default Date.now
  sleep?: (ms: number) => Promise<void> // tests inject a fake
  random?: () => number // jitter, tests inject
  connectTimeoutMs?: number // default 5_000
  totalTimeoutMs?: number // default 15_000 (whole request incl. body)
  maxResponseBytes?: number // default 1 MiB; beyond → HTTP_RESPONSE_TOO_LARGE, connection aborted, never buffered further
  maxAttempts?: number // default 3
  retryAfterCapMs?: number // default 10_000: a Retry-After beyond the cap → RATE_LIMITED error (details.retryAfterSeconds) instead of waiting
  env?: NodeJS.ProcessEnv // proxy from HTTP_PROXY/HTTPS_PROXY/NO_PROXY (EnvHttpProxyAgent); loopback is never proxied
  userAgent?: string // default `TokenDesk/<version>` passed by caller or 'TokenDesk'
}

const LOG_SCOPE = 'http'
const BACKOFF_BASE_MS = 250
const BACKOFF_MAX_MS = 8_000

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

function seconds(ms: number): string {
  const s = ms / 1000
  return `${Number.isInteger(s) ? s : Number(s.toFixed(2))} s`
}

function clockTime(epochMs: number): string {
  const d = new Date(epochMs)
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':')
}

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}

function isRedirect(status: number): boolean {
  return status >= 300 && status < 400 && status !== 304
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504
}

/** Every error code and name along an error's cause chain (and inside AggregateErrors). */
function errorFacts(error: unknown): { codes: Set<string>; reason: string | null } {
  const codes = new Set<string>()
  let reason: string | null = null
  const seen = new Set<unknown>()
  const visit = (value: unknown, depth: number): void => {
    if (depth > 6 || value === null || typeof value !== 'object' || seen.has(value)) return
    seen.add(value)
    const record = value as { code?: unknown; name?: unknown; reason?: unknown; cause?: unknown; errors?: unknown }
    if (typeof record.code === 'string') codes.add(record.code)
    if (typeof record.name === 'string') codes.add(record.name)
    if (reason === null && typeof record.reason === 'string') reason = record.reason
    visit(record.cause, depth + 1)
    if (Array.isArray(record.errors)) for (const inner of record.errors) visit(inner, depth + 1)
  }
  visit(error, 0)
  return { codes, reason }
}

const TLS_REASONS: [string[], string][] = [
  [['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN'], 'self-signed certificate'],
  [['CERT_HAS_EXPIRED'], 'the certificate has expired'],
  [['CERT_NOT_YET_VALID'], 'the certificate is not valid yet'],
  [['ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH'], 'the certificate does not match the host name'],
  [
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED'],
    'the certificate is not signed by a trusted authority'
  ],
  [['CERT_REVOKED'], 'the certificate has been revoked']
]

/** How a failed attempt may be retried: under both policies, only under 'safe', or never. */
type Retryable = 'unsent' | 'safe' | 'never'

interface Failure {
  code: ErrorCode
  message: string
  retryable: Retryable
  extra?: Record<string, unknown>
}

type Step =
  | { kind: 'response'; response: HttpResponse }
  | { kind: 'retry'; waitMs: number | null; status: number }
  | { kind: 'failure'; failure: Failure }

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const log = options.log
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? defaultSleep
  const random = options.random ?? Math.random
  const connectTimeoutMs = options.connectTimeoutMs ?? 5_000
  const totalTimeoutMs = options.totalTimeoutMs ?? 15_000
  const maxResponseBytes = options.maxResponseBytes ?? 1024 * 1024
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3)
  const retryAfterCapMs = options.retryAfterCapMs ?? 10_000
  const userAgent = options.userAgent ?? 'TokenDesk'
  const env = options.env ?? process.env
  /**
   * undici and its agents load on the first request, not when the core boots: evaluating undici
   * was ~55 ms of the browser-mode host's ~0.5 s boot (issue 10), and showing stored tokens
   * needs no HTTP. A failed load (never expected: it is bundled) fails each request in turn.
   */
  let transport: Promise<{ send: typeof sendRequest; dispatchers: Dispatchers }> | null = null
  const loadTransport = (): NonNullable<typeof transport> => {
    transport ??= import('./proxy').then((proxy) => ({
      send: proxy.sendRequest,
      dispatchers: proxy.createDispatchers({ env, connectTimeoutMs, idleTimeoutMs: totalTimeoutMs + 1_000 })
    }))
    transport.catch(() => (transport = null))
    return transport
  }

  const backoffMs = (retryIndex: number): number =>
    Math.floor(random() * Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** retryIndex))

  async function request(req: HttpRequest): Promise<HttpResponse> {
    const secrets = (req.secrets ?? []).filter((s) => typeof s === 'string' && s !== '')
    for (const secret of secrets) for (const form of secretForms(secret)) log.redact(form)
    const scrub = createScrubber(secrets)
    const policy = req.retry ?? 'safe'
    const purpose = req.purpose

    const makeError = (
      code: ErrorCode,
      message: string,
      host: string | null,
      attempts: number,
      extra: Record<string, unknown> = {}
    ): AppError =>
      new AppError(
        code,
        scrub(message),
        scrubDeep({ purpose, host, attempts, ...extra }, scrub) as Record<string, unknown>
      )

    const checked = checkUrl(req.url, req.allowInsecureHttp === true)
    if (!isTarget(checked)) {
      switch (checked.kind) {
        case 'invalid':
          throw makeError('HTTP_INVALID_URL', `${purpose}: the address is not a valid URL.`, null, 0)
        case 'scheme':
          throw makeError(
            'HTTP_INVALID_URL',
            `${purpose}: only http and https addresses are supported (this one is ${checked.scheme}).`,
            null,
            0,
            { scheme: checked.scheme }
          )
        case 'userinfo':
          throw makeError(
            'HTTP_INVALID_URL',
            `${purpose}: the address contains a user name or password. Credentials never go in URLs; enter them in the account's fields.`,
            null,
            0
          )
        case 'insecure':
          throw makeError(
            'HTTP_INSECURE_URL',
            `${purpose}: ${checked.origin} uses plain http to a remote host; TLS is required unless you allow insecure HTTP for this account.`,
            new URL(checked.origin).host,
            0
          )
      }
    }
    const target = checked
    const { send, dispatchers } = await loadTransport()
    const route = dispatchers.route(target)
    if (route.unusableProxy) {
      const variables = route.unusableProxy.join(' and ')
      throw makeError(
        'HTTP_INVALID_URL',
        `${purpose}: ${variables} ${route.unusableProxy.length > 1 ? 'are' : 'is'} set to something that is not an http:// or https:// proxy URL. Fix ${variables} (or unset ${route.unusableProxy.length > 1 ? 'them' : 'it'}) and restart TokenDesk.`,
        target.hostPort,
        0
      )
    }

    const headers: Record<string, string> = { ...req.headers }
    if (!Object.keys(headers).some((name) => name.toLowerCase() === 'user-agent')) headers['user-agent'] = userAgent

    const abortedError = (attempts: number): AppError =>
      makeError('HTTP_ABORTED', `${purpose}: the request was cancelled.`, target.hostPort, attempts)

    const pause = async (ms: number, attempts: number): Promise<void> => {
      const signal = req.signal
      if (!signal) return sleep(ms)
      if (signal.aborted) throw abortedError(attempts)
      let onAbort: () => void = () => undefined
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () => reject(abortedError(attempts))
        signal.addEventListener('abort', onAbort, { once: true })
      })
      try {
        await Promise.race([sleep(ms), aborted])
      } finally {
        signal.removeEventListener('abort', onAbort)
      }
    }

    for (let attempt = 1; ; attempt++) {
      if (req.signal?.aborted) throw abortedError(attempt - 1)
      const mayRetry = attempt < maxAttempts
      const started = now()
      const step = await attemptOnce(send, req, target, route, headers, policy, mayRetry, scrub)
      const ms = now() - started
      const what = step.kind === 'response' ? String(step.response.status) : step.kind === 'retry' ? `${step.status}, retrying` : step.failure.code
      log.debug(LOG_SCOPE, scrub(`${req.method} ${target.display} → ${what} in ${ms} ms (attempt ${attempt})`))

      if (step.kind === 'response') return step.response
      if (step.kind === 'retry') {
        await pause(step.waitMs ?? backoffMs(attempt - 1), attempt)
        continue
      }
      const { failure } = step
      const retryAllowed = failure.retryable === 'unsent' || (failure.retryable === 'safe' && policy === 'safe')
      if (!retryAllowed || !mayRetry) {
        throw makeError(failure.code, failure.message, target.hostPort, attempt, failure.extra)
      }
      await pause(backoffMs(attempt - 1), attempt)
    }
  }

  async function attemptOnce(
    send: typeof sendRequest,
    req: HttpRequest,
    target: Target,
    route: Route,
    headers: Record<string, string>,
    policy: 'safe' | 'unsent-only',
    mayRetry: boolean,
    scrub: Scrub
  ): Promise<Step> {
    const purpose = req.purpose
    const controller = new AbortController()
    let timedOut = false
    let cancelled = false
    let tooLarge = false
    let phase: 'sending' | 'receiving' = 'sending'
    const timer = setTimeout(() => {
      timedOut = true
      controller.abort(new Error('total deadline'))
    }, totalTimeoutMs)
    const onAbort = (): void => {
      cancelled = true
      controller.abort(new Error('cancelled'))
    }
    req.signal?.addEventListener('abort', onAbort, { once: true })
    if (req.signal?.aborted) onAbort()

    const fail = (code: ErrorCode, message: string, retryable: Retryable, extra?: Record<string, unknown>): Step => ({
      kind: 'failure',
      failure: extra === undefined ? { code, message, retryable } : { code, message, retryable, extra }
    })

    try {
      const sentAt = now()
      const res = await send(target.url, {
        method: req.method,
        headers,
        body: req.body,
        dispatcher: route.dispatcher,
        signal: controller.signal
      })
      phase = 'receiving'
      const receivedAt = now()
      const status = res.statusCode
      const responseHeaders = flattenHeaders(res.headers)

      const discard = (): void => {
        res.body.on('error', () => undefined)
        controller.abort(new Error('discarded'))
      }

      if (isRedirect(status)) {
        discard()
        let location: string | null = null
        const raw = responseHeaders['location']
        if (raw !== undefined) {
          try {
            const resolved = new URL(raw, target.url)
            location = resolved.origin === 'null' ? null : resolved.origin
          } catch {
            location = null
          }
        }
        const where = location === null ? 'elsewhere' : `to ${location}`
        return fail(
          'HTTP_REDIRECT_REFUSED',
          `${purpose}: the server redirected ${where} (${status}). TokenDesk never follows redirects because every request carries a credential; use the final address in the account settings.`,
          'never',
          { status, location }
        )
      }

      if (isRetryableStatus(status) && policy === 'safe') {
        const retryAfterMs = parseRetryAfter(responseHeaders['retry-after'], now())
        if (status === 429 && retryAfterMs !== null && retryAfterMs > retryAfterCapMs) {
          discard()
          const retryAfterSeconds = Math.ceil(retryAfterMs / 1000)
          const retryAt = now() + retryAfterMs
          return fail(
            'RATE_LIMITED',
            `${purpose}: the server is rate limiting requests; try again after ${clockTime(retryAt)} (in ${retryAfterSeconds} s).`,
            'never',
            { status, retryAfterSeconds, retryAt }
          )
        }
        const withinCap = retryAfterMs === null || retryAfterMs <= retryAfterCapMs
        if (mayRetry && withinCap) {
          discard()
          return { kind: 'retry', waitMs: retryAfterMs, status }
        }
      }

      const declared = Number(responseHeaders['content-length'])
      if (Number.isFinite(declared) && declared > maxResponseBytes) {
        tooLarge = true
        discard()
        throw new Error('too large')
      }
      const chunks: Buffer[] = []
      let size = 0
      for await (const chunk of res.body) {
        const buffer = chunk as Buffer
        size += buffer.length
        if (size > maxResponseBytes) {
          tooLarge = true
          discard()
          throw new Error('too large')
        }
        chunks.push(buffer)
      }
      const body = Buffer.concat(chunks).toString('utf8')
      const serverDate = responseHeaders['date'] === undefined ? NaN : Date.parse(responseHeaders['date'])
      const skewMs = Number.isNaN(serverDate) ? null : serverDate - Math.round((sentAt + receivedAt) / 2)
      let parsed: { value: unknown } | null = null
      const response: HttpResponse = {
        status,
        headers: responseHeaders,
        body,
        url: target.url.href,
        sentAt,
        receivedAt,
        skewMs,
        json() {
          if (parsed === null) {
            try {
              parsed = { value: JSON.parse(body) as unknown }
            } catch {
              throw new AppError(
                'UPSTREAM_BAD_RESPONSE',
                scrub(`${purpose}: the server's answer is not JSON.`),
                scrubDeep({ purpose, host: target.hostPort, status }, scrub) as Record<string, unknown>
              )
            }
          }
          return parsed.value
        }
      }
      return { kind: 'response', response }
    } catch (error) {
      if (cancelled) return fail('HTTP_ABORTED', `${purpose}: the request was cancelled.`, 'never')
      if (tooLarge) {
        return fail(
          'HTTP_RESPONSE_TOO_LARGE',
          `${purpose}: the answer from ${target.hostPort} is larger than ${Math.round(maxResponseBytes / 1024)} KiB; it was not read.`,
          'never',
          { maxBytes: maxResponseBytes }
        )
      }
      return classify(error, { purpose, target, route, phase, timedOut })
    } finally {
      clearTimeout(timer)
      req.signal?.removeEventListener('abort', onAbort)
    }
  }

  function classify(
    error: unknown,
    context: { purpose: string; target: Target; route: Route; phase: 'sending' | 'receiving'; timedOut: boolean }
  ): Step {
    const { purpose, target, route, phase, timedOut } = context
    const { codes, reason } = errorFacts(error)
    const has = (...names: string[]): boolean => names.some((name) => codes.has(name))
    const fail = (code: ErrorCode, message: string, retryable: Retryable, extra?: Record<string, unknown>): Step => ({
      kind: 'failure',
      failure: extra === undefined ? { code, message, retryable } : { code, message, retryable, extra }
    })
    const proxyNote = route.proxyHint === null ? '' : ` A proxy is configured (${route.proxyHint}); check that it is reachable.`
    const unreachable = (why: string, retryable: Retryable): Step =>
      fail(
        'HTTP_UNREACHABLE',
        `${purpose}: could not connect to ${target.hostPort} (${why}). Is the server running and the base URL right?${proxyNote}`,
        retryable,
        { reason: why }
      )

    if (has('UND_ERR_CONNECT_TIMEOUT', 'ConnectTimeoutError')) {
      return fail(
        'HTTP_TIMEOUT',
        `${purpose}: could not connect to ${target.hostPort} within ${seconds(connectTimeoutMs)}.${proxyNote}`,
        'unsent',
        { timeoutMs: connectTimeoutMs, phase: 'connect' }
      )
    }
    if (timedOut || has('UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT')) {
      const beforeResponse = phase === 'sending' && !has('UND_ERR_BODY_TIMEOUT')
      return fail(
        'HTTP_TIMEOUT',
        beforeResponse
          ? `${purpose}: ${target.hostPort} did not answer within ${seconds(totalTimeoutMs)}.`
          : `${purpose}: ${target.hostPort} did not finish its answer within ${seconds(totalTimeoutMs)}.`,
        beforeResponse ? 'safe' : 'never',
        { timeoutMs: totalTimeoutMs, phase: beforeResponse ? 'response' : 'body' }
      )
    }
    if (has('ECONNREFUSED')) return unreachable('connection refused', 'unsent')
    if (has('ENOTFOUND', 'EAI_NONAME', 'EAI_NODATA')) return unreachable('the host name was not found', 'unsent')
    if (has('EAI_AGAIN', 'EAI_FAIL')) return unreachable('the name lookup failed', 'unsent')
    if (has('EHOSTUNREACH', 'EHOSTDOWN')) return unreachable('no route to the host', 'unsent')
    if (has('ENETUNREACH', 'ENETDOWN')) return unreachable('the network is unreachable', 'unsent')

    for (const [tlsCodes, sentence] of TLS_REASONS) {
      if (has(...tlsCodes)) return tlsFailure(sentence)
    }
    const sslCode = [...codes].find((code) => code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code.startsWith('CERT_'))
    if (sslCode !== undefined) return tlsFailure(reason ?? sslCode)

    if (has('UND_ERR_ABORTED', 'RequestAbortedError') && error instanceof Error && /Proxy response \((\d+)\)/.test(error.message)) {
      const proxyStatus = /Proxy response \((\d+)\)/.exec(error.message)![1]
      // undici tunnels through the proxy (CONNECT) even to http targets, so a proxy that wants
      // credentials says so here, not with the sentence below; retrying would only repeat it.
      if (proxyStatus === '407') return unreachable('the proxy asks for authentication (407)', 'never')
      return unreachable(`the proxy answered ${proxyStatus} instead of opening a tunnel`, 'safe')
    }
    // Without a tunnel (undici's Http1ProxyWrapper), a 407 arrives as this InvalidArgumentError.
    if (error instanceof Error && /Proxy Authentication Required/.test(error.message)) {
      return unreachable('the proxy asks for authentication (407)', 'never')
    }
    if (has('ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'SocketError', 'UND_ERR_CLOSED')) {
      return phase === 'sending'
        ? unreachable('the connection was closed before an answer arrived', 'safe')
        : fail(
            'HTTP_UNREACHABLE',
            `${purpose}: the connection to ${target.hostPort} broke while the answer was arriving.`,
            'never',
            { reason: 'connection closed during the answer' }
          )
    }
    if (has('UND_ERR_INVALID_ARG', 'InvalidArgumentError', 'ERR_INVALID_CHAR', 'ERR_INVALID_HTTP_TOKEN')) {
      // A caller built an impossible request (e.g. a header value with a line break): a bug, not a network fact.
      return fail('INTERNAL', `${purpose}: the request could not be built (an invalid header or body).`, 'never')
    }
    const known = [...codes].find((code) => /^[A-Z][A-Z0-9_]+$/.test(code))
    return unreachable(known === undefined ? 'an unexpected network error' : `error ${known}`, 'never')

    function tlsFailure(why: string): Step {
      return fail(
        'HTTP_TLS',
        `${purpose}: the secure connection to ${target.hostPort} failed: ${why}.`,
        'never',
        { reason: why }
      )
    }
  }

  return {
    request,
    close: async () => {
      const loaded = await transport?.catch(() => null)
      await loaded?.dispatchers.close()
    }
  }
}
