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

  it('fills in the default port of each scheme, allows plain http to loopback without opt-in, and never displays the query', () => {
    const https = checkUrl('https://api.example.com/a/b?token=x', false)
    expect(isTarget(https) && { origin: https.origin, display: https.display, hostPort: https.hostPort }).toEqual({
      origin: 'https://api.example.com',
      display: 'https://api.example.com/a/b',
      hostPort: 'api.example.com:443'
    })
    const local = checkUrl('http://localhost:8080/x', false)
    expect(isTarget(local) && [local.hostPort, local.loopback]).toEqual(['localhost:8080', true])
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
    for (const bad of [undefined, '', '-5', 'abc', '1.5', '12abc', '5 minutes', 'in 30']) expect(parseRetryAfter(bad, now), String(bad)).toBeNull()
    // Day and month names are matched whatever their case.
    expect(parseRetryAfter('FRI, 01 JAN 2100 00:00:00 GMT', now)).toBe(Date.UTC(2100, 0, 1) - now)
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
    expect(proxySettingsFromEnv({ HTTPS_PROXY: ' http://upper:3 ', https_proxy: undefined, NO_PROXY: ' b.example ' })).toEqual({
      httpProxy: '',
      httpsProxy: 'http://upper:3',
      noProxy: 'b.example'
    })
    expect(proxySettingsFromEnv({ https_proxy: 'http://lower:4', HTTPS_PROXY: 'http://upper:4', no_proxy: 'lower.example', NO_PROXY: 'upper.example' })).toEqual({
      httpProxy: '',
      httpsProxy: 'http://lower:4',
      noProxy: 'lower.example'
    })
    expect(proxySettingsFromEnv({ HTTP_PROXY: '   ' })).toBeNull()
  })

  it('names the variable that applies: HTTPS_PROXY for https when set, HTTP_PROXY otherwise', async () => {
    const target = (url: string) => {
      const checked = checkUrl(url, true)
      if (!isTarget(checked)) throw new Error(url)
      return checked
    }
    const both = createDispatchers({ env: { HTTP_PROXY: 'http://plain.corp:8080', HTTPS_PROXY: 'http://secure.corp:3128' }, connectTimeoutMs: 100, idleTimeoutMs: 100 })
    expect(both.route(target('http://api.example.com/')).proxyHint).toBe('HTTP_PROXY plain.corp:8080')
    expect(both.route(target('https://api.example.com/')).proxyHint).toBe('HTTPS_PROXY secure.corp:3128')
    await both.close()
    // Like undici: an https request with only HTTP_PROXY set goes through HTTP_PROXY.
    const httpOnly = createDispatchers({ env: { HTTP_PROXY: 'http://plain.corp:8080' }, connectTimeoutMs: 100, idleTimeoutMs: 100 })
    expect(httpOnly.route(target('https://api.example.com/')).proxyHint).toBe('HTTP_PROXY plain.corp:8080')
    await httpOnly.close()
    expect(describeProxy('not a url')).toBe('the configured proxy')
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
    expect(secretForms('abcd')[0]).toBe('YWJjZA==')
    expect(secretForms('a b/c+d=é').map((form) => form.length)).toEqual([...secretForms('a b/c+d=é').map((form) => form.length)].sort((a, b) => b - a))
    expect(scrubDeep({ a: [secret, 1, { b: `k=${secret}` }], [secret]: null }, scrub)).toEqual({ a: [REDACTED, 1, { b: `k=${REDACTED}` }], [REDACTED]: null })
  })

  it('keeps the rest of the text when a secret is part of the marker itself', () => {
    // '[redacted]' would bring 'dact' back: a shorter marker is used instead.
    expect(createScrubber(['dact'])('user dact failed')).toBe('user *** failed')
    expect(createScrubber(['s3cret'])('user s3cret failed')).toBe('user [redacted] failed')
  })

  it('ignores values that are not strings and returns the text unchanged when there is nothing to hide', () => {
    const scrub = createScrubber([undefined as unknown as string, 'ab', 's3cret'])
    expect(scrub('ab s3cret')).toBe('ab [redacted]')
    expect(createScrubber([])('nothing to hide')).toBe('nothing to hide')
    expect(scrubDeep(null, scrub)).toBeNull()
    expect(scrubDeep(42, scrub)).toBe(42)
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
