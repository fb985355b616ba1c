import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createDispatchers, describeProxy, proxySettingsFromEnv } from './proxy'
import { createScrubber, REDACTED, scrubDeep, secretForms } from './redact'
import { parseRetryAfter } from './retry-after'
import { checkUrl, isLoopbackHostname, isTarget } from './url-policy'

describe('url policy', () => {
  it('knows loopback hosts after WHATWG normalisation, and nothing that merely looks like one', () => {
    const host = (url: string): string => new URL(url).hostname
    for (const url of ['http://127.0.0.1/', 'http://127.255.255.254/', 'http://localhost/', 'http://LOCALHOST./', 'http://[::1]/', 'http://[0:0:0:0:0:0:0:1]/', 'http://0x7f000001/', 'http://127.1/', 'http://[::ffff:127.0.0.1]/']) {
      expect(isLoopbackHostname(host(url)), url).toBe(true)
    }
    for (const url of ['http://127.0.0.1.nip.io/', 'http://localhost.evil.com/', 'http://evil-localhost/', 'http://128.0.0.1/', 'http://[::2]/', 'http://0.0.0.0/', 'http://10.0.0.1/', 'http://[::ffff:10.0.0.1]/', 'http://sub.localhost/']) {
      expect(isLoopbackHostname(host(url)), url).toBe(false)
    }
  })

  it('classifies URLs: invalid, scheme, userinfo, insecure, fine', () => {
    expect(checkUrl('nope', false)).toEqual({ kind: 'invalid' })
    expect(checkUrl('ftp://x/', false)).toEqual({ kind: 'scheme', scheme: 'ftp:' })
    expect(checkUrl('javascript:alert(1)', false)).toEqual({ kind: 'scheme', scheme: 'javascript:' })
    expect(checkUrl('https://u@x/', false)).toEqual({ kind: 'userinfo' })
    expect(checkUrl('https://:p@x/', false)).toEqual({ kind: 'userinfo' })
    expect(checkUrl('http://api.example.com/x', false)).toEqual({ kind: 'insecure', origin: 'http://api.example.com' })
    const remote = checkUrl('http://api.example.com/x?q=1#f', true)
    expect(isTarget(remote) && { display: remote.display, hostPort: remote.hostPort, loopback: remote.loopback, href: remote.url.href }).toEqual({
      display: 'http://api.example.com/x',
      hostPort: 'api.example.com:80',
      loopback: false,
      href: 'http://api.example.com/x?q=1'
    })
    const secure = checkUrl('https://[::1]:8443/a', false)
    expect(isTarget(secure) && [secure.hostPort, secure.loopback]).toEqual(['[::1]:8443', true])
  })
})

describe('retry-after', () => {
  const now = Date.UTC(2030, 0, 1, 12, 0, 0)
  it('reads delay-seconds and HTTP dates; garbage, negative and absent are null; past dates are 0', () => {
    expect(parseRetryAfter('0', now)).toBe(0)
    expect(parseRetryAfter(' 30 ', now)).toBe(30_000)
    expect(parseRetryAfter(new Date(now + 90_000).toUTCString(), now)).toBe(90_000)
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', now)).toBe(0)
    expect(parseRetryAfter('Fri, 01 Jan 2100 00:00:00 GMT', now)).toBeGreaterThan(10 ** 12)
    for (const bad of [undefined, '', '-5', 'abc', '1.5', '12abc']) expect(parseRetryAfter(bad, now), String(bad)).toBeNull()
  })
})

describe('proxy settings', () => {
  it('come only from the env given, lower case first; NO_PROXY=* or no proxy → none', () => {
    expect(proxySettingsFromEnv({})).toBeNull()
    expect(proxySettingsFromEnv({ NO_PROXY: 'x' })).toBeNull()
    expect(proxySettingsFromEnv({ HTTPS_PROXY: 'http://p:1', NO_PROXY: '*' })).toBeNull()
    expect(proxySettingsFromEnv({ HTTP_PROXY: 'http://upper:1', http_proxy: 'http://lower:2', NO_PROXY: 'a.example' })).toEqual({
      httpProxy: 'http://lower:2',
      httpsProxy: '',
      noProxy: 'a.example'
    })
  })

  it('routes loopback directly and remote hosts through the proxy agent; never names proxy credentials', async () => {
    const dispatchers = createDispatchers({ env: { HTTPS_PROXY: 'http://user:pw@proxy.corp:3128' }, connectTimeoutMs: 100, idleTimeoutMs: 100 })
    const target = (url: string) => {
      const checked = checkUrl(url, true)
      if (!isTarget(checked)) throw new Error(url)
      return checked
    }
    const local = dispatchers.route(target('https://127.0.0.1:9/'))
    const remote = dispatchers.route(target('https://api.example.com/'))
    expect(local.proxyHint).toBeNull()
    expect(remote.proxyHint).toBe('HTTPS_PROXY proxy.corp:3128')
    expect(remote.dispatcher).not.toBe(local.dispatcher)
    expect(remote.dispatcher.constructor.name).toBe('EnvHttpProxyAgent')
    expect(describeProxy('http://user:pw@proxy.corp:3128')).toBe('proxy.corp:3128')
    await dispatchers.close()

    const none = createDispatchers({ env: {}, connectTimeoutMs: 100, idleTimeoutMs: 100 })
    expect(none.route(target('https://api.example.com/')).proxyHint).toBeNull()
    expect(none.route(target('https://api.example.com/')).dispatcher.constructor.name).toBe('Agent')
    await none.close()
  })
})

describe('redaction', () => {
  it('covers the URL-encoded and base64 forms', () => {
    const secret = 'a b/c+d=é'
    const scrub = createScrubber([secret])
    for (const form of [secret, encodeURIComponent(secret), new URLSearchParams({ v: secret }).toString().slice(2), Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('base64url')]) {
      expect(scrub(`x${form}y`)).toBe(`x${REDACTED}y`)
    }
    expect(secretForms('abc')).toEqual([])
    expect(scrubDeep({ a: [secret, 1, { b: `k=${secret}` }], [secret]: null }, scrub)).toEqual({ a: [REDACTED, 1, { b: `k=${REDACTED}` }], [REDACTED]: null })
  })

  it('property: no scrubbed text contains a secret (≥ 4 chars), even one made of marker pieces', () => {
    const secretArb = fc.oneof(
      fc.string({ minLength: 4, maxLength: 20 }),
      fc.string({ unit: 'grapheme', minLength: 4, maxLength: 12 }),
      fc.constantFrom('redacted', '[redacted]', 'dact', 'd]xy', 'a***b', '****')
    )
    fc.assert(
      fc.property(secretArb, fc.array(fc.string({ maxLength: 12 }), { maxLength: 4 }), (secret, pieces) => {
        fc.pre(secret.length >= 4)
        const text = pieces.join(secret) + secret + `[redacted]${secret}]` + encodeURIComponent(secret)
        const out = createScrubber([secret])(text)
        expect(out).not.toContain(secret)
      }),
      { numRuns: 500 }
    )
  })
})
