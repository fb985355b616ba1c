import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../shared/errors'
import { createMemoryLogger } from '../log'
import { createHttpClient } from './client'
import { createDispatchers, proxySettingsFromEnv, unusableProxyVariables } from './proxy'
import { checkUrl, isTarget } from './url-policy'

/**
 * Proxy variables as people really set them. `HTTP_PROXY=10.0.0.1:3128` (no scheme, which curl
 * reads as http://) made the browser-mode host exit at start with "TokenDesk could not start:
 * Invalid URL": undici's proxy agent was built, and threw, while the core booted.
 */
const target = (url: string) => {
  const checked = checkUrl(url, true)
  if (!isTarget(checked)) throw new Error(url)
  return checked
}

let local: http.Server
let localUrl: string
beforeAll(async () => {
  local = http.createServer((_req, res) => res.end('ok'))
  await new Promise<void>((resolve) => local.listen(0, '127.0.0.1', resolve))
  localUrl = `http://127.0.0.1:${(local.address() as AddressInfo).port}/`
})
afterAll(() => new Promise<void>((resolve) => local.close(() => resolve())))

describe('proxy variables without a scheme mean http://, as in curl', () => {
  it.each([
    ['10.0.0.1:3128', 'http://10.0.0.1:3128'],
    ['proxy.corp:8080', 'http://proxy.corp:8080'],
    ['user:pw@proxy.corp:8080', 'http://user:pw@proxy.corp:8080'],
    ['http://proxy.corp:8080', 'http://proxy.corp:8080'],
    ['HTTPS://proxy.corp:443', 'HTTPS://proxy.corp:443'],
    ['socks5://proxy.corp:1080', 'socks5://proxy.corp:1080']
  ])('%s → %s', (value, expected) => {
    expect(proxySettingsFromEnv({ HTTPS_PROXY: value })?.httpsProxy).toBe(expected)
    expect(proxySettingsFromEnv({ http_proxy: value })?.httpProxy).toBe(expected)
  })

  it('a scheme-less proxy is used: remote targets route through it, named without credentials', async () => {
    const dispatchers = createDispatchers({ env: { HTTPS_PROXY: 'user:pw@10.0.0.1:3128' }, connectTimeoutMs: 100, idleTimeoutMs: 100 })
    const route = dispatchers.route(target('https://api.example.com/'))
    expect(route.unusableProxy).toBeUndefined()
    expect(route.proxyHint).toBe('HTTPS_PROXY 10.0.0.1:3128')
    await dispatchers.close()
  })
})

describe('a proxy variable that is not a proxy URL', () => {
  it.each([
    [{ HTTP_PROXY: 'not a url' }, ['HTTP_PROXY']],
    [{ HTTPS_PROXY: 'http://[bad' }, ['HTTPS_PROXY']],
    [{ HTTPS_PROXY: 'socks5://proxy.corp:1080' }, ['HTTPS_PROXY']],
    [{ HTTP_PROXY: 'ftp://proxy.corp', HTTPS_PROXY: 'https://ok.corp:443' }, ['HTTP_PROXY']],
    [{ HTTP_PROXY: 'bad value', HTTPS_PROXY: 'also bad' }, ['HTTP_PROXY', 'HTTPS_PROXY']],
    [{ HTTP_PROXY: 'http://ok.corp:1', HTTPS_PROXY: 'https://ok.corp:2' }, []]
  ])('%o: unusable %o', (env, expected) => {
    expect(unusableProxyVariables(proxySettingsFromEnv(env)!)).toEqual(expected)
  })

  it('does not stop the client from being made (it used to throw "Invalid URL" while the core booted)', async () => {
    const client = createHttpClient({ log: createMemoryLogger(), env: { HTTP_PROXY: 'not a url', HTTPS_PROXY: 'not a url either' } })
    await client.close?.()
  })

  it('refuses remote requests with a typed error naming the variable, never its value; loopback still works', async () => {
    const client = createHttpClient({ log: createMemoryLogger(), env: { HTTPS_PROXY: 'http://user:pa55word@[bad' }, maxAttempts: 1 })
    try {
      const failed = await client.request({ method: 'POST', url: 'https://api.example.com/token', purpose: 'Log in', body: 'x' }).then(
        () => null,
        (error: unknown) => error
      )
      expect(failed).toBeInstanceOf(AppError)
      const error = failed as AppError
      expect(error.code).toBe('HTTP_INVALID_URL')
      expect(error.message).toBe(
        'Log in: HTTPS_PROXY is set to something that is not an http:// or https:// proxy URL. Fix HTTPS_PROXY (or unset it) and restart TokenDesk.'
      )
      expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain('pa55word')
      const ok = await client.request({ method: 'GET', url: localUrl, purpose: 'Local check' })
      expect(ok.status).toBe(200)
    } finally {
      await client.close?.()
    }
  })

  it('says "are" and "them" when both variables are unusable', async () => {
    const client = createHttpClient({ log: createMemoryLogger(), env: { HTTP_PROXY: 'bad one', HTTPS_PROXY: 'bad two' }, maxAttempts: 1 })
    try {
      await expect(client.request({ method: 'GET', url: 'https://api.example.com/', purpose: 'Check' })).rejects.toThrow(
        'Check: HTTP_PROXY and HTTPS_PROXY are set to something that is not an http:// or https:// proxy URL. Fix HTTP_PROXY and HTTPS_PROXY (or unset them) and restart TokenDesk.'
      )
    } finally {
      await client.close?.()
    }
  })
})
