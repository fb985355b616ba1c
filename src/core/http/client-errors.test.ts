import { Readable } from 'node:stream'
import { errors, request as undiciRequest } from 'undici'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { AppError } from '../../shared/errors'
import { createMemoryLogger } from '../log'
import { createHttpClient, type HttpClient, type HttpClientOptions, type HttpRequest } from './client'
import { failure } from '../testing/app-error'

/**
 * How the client names network failures that a loopback server cannot produce (DNS, routing,
 * certificate codes, errors wrapped in causes and AggregateErrors): undici's `request` is
 * replaced by one that fails the way undici and Node fail. client.test.ts covers the real
 * wire.
 */

vi.mock('undici', async (importOriginal) => {
  const real = await importOriginal<typeof import('undici')>()
  return { ...real, request: vi.fn() }
})

const request = vi.mocked(undiciRequest)

type Answer = Awaited<ReturnType<typeof undiciRequest>>

const clients: HttpClient[] = []

beforeEach(() => {
  request.mockReset()
})

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close?.()
})

function client(overrides: Partial<HttpClientOptions> = {}): { client: HttpClient; sleeps: number[] } {
  const sleeps: number[] = []
  const created = createHttpClient({
    log: createMemoryLogger(),
    env: {},
    sleep: async (ms) => {
      sleeps.push(ms)
    },
    random: () => 0.5,
    ...overrides
  })
  clients.push(created)
  return { client: created, sleeps }
}

const get = (extra: Partial<HttpRequest> = {}): HttpRequest => ({
  method: 'GET',
  url: 'https://api.example.test/token',
  purpose: 'PocketPaw session exchange',
  ...extra
})

/** An Error as Node's net, dns and tls modules make them: a message and a string code. */
function systemError(code: string, message = `connect ${code}`, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { code, ...extra })
}

/** The error each call of undici's request rejects with, and how many calls were made for a safe and an unsent-only request. */
async function outcome(make: () => unknown, overrides: Partial<HttpClientOptions> = {}): Promise<{ error: AppError; safeCalls: number; unsentOnlyCalls: number }> {
  request.mockClear()
  request.mockImplementation(() => Promise.reject(make()))
  const { client: safe } = client(overrides)
  const error = await failure(safe.request(get()))
  const safeCalls = request.mock.calls.length
  request.mockClear()
  const { client: unsentOnly } = client(overrides)
  const second = await failure(unsentOnly.request(get({ method: 'POST', retry: 'unsent-only' })))
  expect(second.toData()).toEqual({ ...error.toData(), details: { ...error.details, attempts: second.details?.attempts } })
  return { error, safeCalls, unsentOnlyCalls: request.mock.calls.length }
}

const notice = 'Is the server running and the base URL right?'

describe('http client: naming network failures', () => {
  it.each([
    ['ENOTFOUND', 'the host name was not found'],
    ['EAI_NONAME', 'the host name was not found'],
    ['EAI_AGAIN', 'the name lookup failed'],
    ['EAI_FAIL', 'the name lookup failed'],
    ['EHOSTUNREACH', 'no route to the host'],
    ['EHOSTDOWN', 'no route to the host'],
    ['ENETUNREACH', 'the network is unreachable'],
    ['ENETDOWN', 'the network is unreachable']
  ])('%s → HTTP_UNREACHABLE (%s), retried even for unsent-only: nothing was sent', async (code, why) => {
    const { error, safeCalls, unsentOnlyCalls } = await outcome(() => systemError(code))
    expect(error.code).toBe('HTTP_UNREACHABLE')
    expect(error.message).toBe(`PocketPaw session exchange: could not connect to api.example.test:443 (${why}). ${notice}`)
    expect(error.details).toEqual({ purpose: 'PocketPaw session exchange', host: 'api.example.test:443', attempts: 3, reason: why })
    expect(safeCalls).toBe(3)
    expect(unsentOnlyCalls).toBe(3)
  })

  it('a connect timeout → HTTP_TIMEOUT naming the connect deadline (5 s by default), retried even for unsent-only', async () => {
    const { error, safeCalls, unsentOnlyCalls } = await outcome(() => new errors.ConnectTimeoutError())
    expect(error.code).toBe('HTTP_TIMEOUT')
    expect(error.message).toBe('PocketPaw session exchange: could not connect to api.example.test:443 within 5 s.')
    expect(error.details).toMatchObject({ timeoutMs: 5_000, phase: 'connect', attempts: 3 })
    expect(safeCalls).toBe(3)
    expect(unsentOnlyCalls).toBe(3)
  })

  it('a connect timeout known only by its class name, with a configured deadline', async () => {
    const { error } = await outcome(() => Object.assign(new Error('Connect Timeout Error'), { name: 'ConnectTimeoutError' }), { connectTimeoutMs: 1_500 })
    expect(error.code).toBe('HTTP_TIMEOUT')
    expect(error.message).toBe('PocketPaw session exchange: could not connect to api.example.test:443 within 1.5 s.')
    expect(error.details).toMatchObject({ timeoutMs: 1_500, phase: 'connect' })
  })

  it('codes are found inside AggregateErrors (every address refused) and along causes', async () => {
    const both = await outcome(() => new AggregateError([systemError('ECONNREFUSED'), systemError('ECONNREFUSED')], 'connect failed'))
    expect(both.error.details?.reason).toBe('connection refused')
    expect(both.unsentOnlyCalls).toBe(3)

    const wrapped = await outcome(() => new TypeError('fetch failed', { cause: systemError('EHOSTUNREACH') }))
    expect(wrapped.error.details?.reason).toBe('no route to the host')

    // Six wrappers deep is still read.
    const deep = await outcome(() => {
      let error: unknown = systemError('ENETUNREACH')
      for (let i = 0; i < 6; i++) error = new Error(`wrapper ${i}`, { cause: error })
      return error
    })
    expect(deep.error.details?.reason).toBe('the network is unreachable')

    // A null cause, a cause that is a plain object, a cycle: read without tripping.
    const odd = await outcome(() => {
      const inner = Object.assign(new Error('inner', { cause: null }), { code: 'EAI_AGAIN' })
      const outer = new Error('outer', { cause: { cause: inner } })
      Object.assign(inner, { errors: [outer] })
      return outer
    })
    expect(odd.error.details?.reason).toBe('the name lookup failed')
  })

  it('an unknown code is named and never retried; an error without one is "an unexpected network error"', async () => {
    const coded = await outcome(() => new Error('stream failed', { cause: { code: 'ERR_HTTP2_STREAM_ERROR' } }))
    expect(coded.error.code).toBe('HTTP_UNREACHABLE')
    expect(coded.error.message).toBe(`PocketPaw session exchange: could not connect to api.example.test:443 (error ERR_HTTP2_STREAM_ERROR). ${notice}`)
    expect(coded.safeCalls).toBe(1)
    expect(coded.unsentOnlyCalls).toBe(1)

    // A DOMException has a numeric code and a mixed-case name; undici's HTTPParserError may come
    // without a code: none of these names is an error code.
    for (const make of [
      () => new Error('something odd'),
      () => new DOMException('The operation was aborted.', 'AbortError'),
      () => new errors.HTTPParserError('Response does not match the HTTP/1.1 protocol')
    ]) {
      const plain = await outcome(make)
      expect(plain.error.code).toBe('HTTP_UNREACHABLE')
      expect(plain.error.details?.reason).toBe('an unexpected network error')
      expect(plain.safeCalls).toBe(1)
    }
  })

  it('a connection that breaks while the answer arrives → HTTP_UNREACHABLE, never retried (the server acted)', async () => {
    request.mockImplementation(async () => {
      const body = new Readable({
        read() {
          this.destroy(new errors.SocketError('other side closed'))
        }
      })
      return { statusCode: 200, headers: {}, body } as unknown as Answer
    })
    const { client: http, sleeps } = client()
    const error = await failure(http.request(get()))
    expect(error.code).toBe('HTTP_UNREACHABLE')
    expect(error.message).toBe('PocketPaw session exchange: the connection to api.example.test:443 broke while the answer was arriving.')
    expect(error.details).toMatchObject({ reason: 'connection closed during the answer', attempts: 1 })
    expect(request).toHaveBeenCalledTimes(1)
    expect(sleeps).toEqual([])
  })
})

describe('http client: naming proxy failures', () => {
  it('a proxy refusing the tunnel: its status is named; 407 asks for credentials and is not retried', async () => {
    const refused = await outcome(() => new errors.RequestAbortedError('Proxy response (502) !== 200 when HTTP Tunneling'))
    expect(refused.error.details?.reason).toBe('the proxy answered 502 instead of opening a tunnel')
    expect(refused.safeCalls).toBe(3)
    expect(refused.unsentOnlyCalls).toBe(1)

    const auth = await outcome(() => new errors.RequestAbortedError('Proxy response (407) !== 200 when HTTP Tunneling'))
    expect(auth.error.details?.reason).toBe('the proxy asks for authentication (407)')
    expect(auth.safeCalls).toBe(1)

    // Without a tunnel, undici reports the 407 as an invalid argument: still the proxy, not a bug of ours.
    const plain = await outcome(() => new errors.InvalidArgumentError('Proxy Authentication Required (407)'))
    expect(plain.error.code).toBe('HTTP_UNREACHABLE')
    expect(plain.error.details?.reason).toBe('the proxy asks for authentication (407)')
    expect(plain.safeCalls).toBe(1)
  })

  it('an abort that is not the proxy\'s is an unexpected error, never retried', async () => {
    const { error, safeCalls } = await outcome(() => new errors.RequestAbortedError())
    expect(error.details?.reason).toBe('error UND_ERR_ABORTED')
    expect(safeCalls).toBe(1)
  })
})

describe('http client: naming TLS failures', () => {
  it.each([
    [() => systemError('CERT_HAS_EXPIRED', 'certificate has expired'), 'the certificate has expired'],
    [() => systemError('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"), 'the certificate does not match the host name'],
    // OpenSSL's own sentence when there is one; the code when there is none.
    [() => systemError('ERR_SSL_WRONG_VERSION_NUMBER', 'ssl3_get_record:wrong version number', { reason: 'wrong version number' }), 'wrong version number'],
    [() => new TypeError('fetch failed', { cause: systemError('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', 'alert', { reason: 'sslv3 alert handshake failure' }) }), 'sslv3 alert handshake failure'],
    [() => systemError('ERR_TLS_INVALID_PROTOCOL_VERSION', 'not a supported protocol version'), 'ERR_TLS_INVALID_PROTOCOL_VERSION'],
    [() => systemError('CERT_CHAIN_TOO_LONG', 'certificate chain too long'), 'CERT_CHAIN_TOO_LONG']
  ])('%# → HTTP_TLS (%s), never retried', async (make, why) => {
    const { error, safeCalls, unsentOnlyCalls } = await outcome(make)
    expect(error.code).toBe('HTTP_TLS')
    expect(error.message).toBe(`PocketPaw session exchange: the secure connection to api.example.test:443 failed: ${why}.`)
    expect(error.details).toEqual({ purpose: 'PocketPaw session exchange', host: 'api.example.test:443', attempts: 1, reason: why })
    expect(safeCalls).toBe(1)
    expect(unsentOnlyCalls).toBe(1)
  })
})

describe('http client: redirects to no origin', () => {
  it('a Location without an origin (about:, data:) is reported as elsewhere', async () => {
    for (const location of ['about:blank', 'data:text/plain,hi']) {
      request.mockImplementation(async () => ({ statusCode: 302, headers: { location }, body: Readable.from([]) }) as unknown as Answer)
      const error = await failure(client().client.request(get()))
      expect(error.code).toBe('HTTP_REDIRECT_REFUSED')
      expect(error.message).toContain('the server redirected elsewhere (302)')
      expect(error.details).toMatchObject({ status: 302, location: null })
    }
  })
})
