import { describe, expect, it } from 'vitest'
import { createDispatchers, describeProxy, proxySettingsFromEnv } from './proxy'
import { checkUrl, isTarget } from './url-policy'

/** Which way a request goes with the proxy variables a user has set, and that closing lets go of both ways. */

const target = (url: string) => {
  const checked = checkUrl(url, true)
  if (!isTarget(checked)) throw new Error(url)
  return checked
}

const dispatchersFor = (env: NodeJS.ProcessEnv) => createDispatchers({ env, connectTimeoutMs: 100, idleTimeoutMs: 100 })

describe('reading the variables', () => {
  it('lower case wins over upper case, values are trimmed, NO_PROXY=* or no proxy at all means none', () => {
    expect(proxySettingsFromEnv({ http_proxy: ' http://low:1 ', HTTP_PROXY: 'http://up:2', NO_PROXY: ' .corp ' })).toEqual({ httpProxy: 'http://low:1', httpsProxy: '', noProxy: '.corp' })
    expect(proxySettingsFromEnv({ https_proxy: 'http://low:1', HTTPS_PROXY: 'http://up:2', no_proxy: 'a', NO_PROXY: 'b' })).toEqual({ httpProxy: '', httpsProxy: 'http://low:1', noProxy: 'a' })
    expect(proxySettingsFromEnv({ HTTPS_PROXY: 'http://p:1', NO_PROXY: '*' })).toBeNull()
    expect(proxySettingsFromEnv({ HTTPS_PROXY: '  ', NO_PROXY: 'x' })).toBeNull()
    expect(proxySettingsFromEnv({})).toBeNull()
  })

  it('a proxy is named by host and port only', () => {
    expect(describeProxy('http://user:secret@proxy.corp:3128/')).toBe('proxy.corp:3128')
    expect(describeProxy('not a url')).toBe('the configured proxy')
  })
})

describe('routes', () => {
  it('https goes by HTTPS_PROXY, http by HTTP_PROXY, loopback directly; closing closes both agents', async () => {
    const dispatchers = dispatchersFor({ HTTPS_PROXY: 'http://secure.corp:3128', HTTP_PROXY: 'http://plain.corp:8080' })
    const secure = dispatchers.route(target('https://api.example.test/'))
    const plain = dispatchers.route(target('http://api.example.test/'))
    const local = dispatchers.route(target('http://127.0.0.1:9/'))
    expect(secure.proxyHint).toBe('HTTPS_PROXY secure.corp:3128')
    expect(plain.proxyHint).toBe('HTTP_PROXY plain.corp:8080')
    expect(plain.dispatcher).toBe(secure.dispatcher)
    expect(local).toEqual({ dispatcher: expect.anything(), proxyHint: null })
    expect(local.dispatcher).not.toBe(secure.dispatcher)
    await dispatchers.close()
    expect((secure.dispatcher as unknown as { closed: boolean }).closed).toBe(true)
    expect((local.dispatcher as unknown as { closed: boolean }).closed).toBe(true)
  })

  it('plain http with only HTTPS_PROXY set goes directly, as undici sends it: no proxy is named in its errors', async () => {
    const dispatchers = dispatchersFor({ HTTPS_PROXY: 'http://secure.corp:3128' })
    expect(dispatchers.route(target('http://api.example.test/')).proxyHint).toBeNull()
    expect(dispatchers.route(target('https://api.example.test/')).proxyHint).toBe('HTTPS_PROXY secure.corp:3128')
    await dispatchers.close()
  })

  it('https with only HTTP_PROXY set goes through HTTP_PROXY, as undici does', async () => {
    const dispatchers = dispatchersFor({ HTTP_PROXY: 'http://plain.corp:8080' })
    expect(dispatchers.route(target('https://api.example.test/')).proxyHint).toBe('HTTP_PROXY plain.corp:8080')
    await dispatchers.close()
  })

  it('without proxy variables every request goes directly, and closing still closes it', async () => {
    const dispatchers = dispatchersFor({})
    expect(dispatchers.settings).toBeNull()
    const route = dispatchers.route(target('https://api.example.test/'))
    expect(route).toEqual({ dispatcher: expect.anything(), proxyHint: null })
    await dispatchers.close()
    expect((route.dispatcher as unknown as { closed: boolean }).closed).toBe(true)
  })

  it('an unusable variable: remote requests are refused by name, loopback goes directly', async () => {
    const dispatchers = dispatchersFor({ HTTPS_PROXY: 'socks5://p:1' })
    expect(dispatchers.route(target('https://api.example.test/'))).toMatchObject({ proxyHint: null, unusableProxy: ['HTTPS_PROXY'] })
    expect(dispatchers.route(target('http://127.0.0.1:9/'))).toEqual({ dispatcher: expect.anything(), proxyHint: null })
    await dispatchers.close()
  })
})
