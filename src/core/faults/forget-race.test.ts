import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { useSandbox } from '../../sandbox/test-support'
import { dataPaths } from '../paths'
import { addFault, addKeycloak, call, callError, clearFaults, KC_TOKEN, useHarness } from './support/harness'

/**
 * Forgetting a token while its renewal is on the wire, and what the log may still redact
 * afterwards: the token must not come back when the late answer arrives, and the values of
 * forgotten or replaced tokens leave the redaction set (issue 10: no memory growth after forget).
 */

const sandbox = useSandbox()
const h = useHarness()

describe('forget during an in-flight renewal', () => {
  it('the late answer is discarded: the token stays forgotten (also after a restart), the call says why, and its values leave the cache', async () => {
    const core = h.boot()
    const owner = await addKeycloak(core, sandbox)
    const token = await call(core, 'tokens.issue', owner)
    const cache = await core.secrets.tokenCache()
    expect(cache.get(token.id)).toBeDefined()

    await addFault(sandbox, { path: KC_TOKEN, latencyMs: 800, times: 1 })
    const renewing = core.dispatch('tokens.refresh', { id: token.id })
    await new Promise((resolve) => setTimeout(resolve, 200))
    await call(core, 'tokens.forget', { id: token.id })
    expect(core.tokens.list()).toHaveLength(0)
    // Kept until the request settles, so an error quoting them would still be scrubbed.
    expect(cache.get(token.id)).toBeDefined()

    const result = await renewing
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error).toMatchObject({ code: 'TOKEN_NOT_FOUND', message: expect.stringMatching(/forgotten while it was being renewed/) })
    await clearFaults(sandbox)
    expect(core.tokens.list()).toHaveLength(0)
    expect((await callError(core, 'tokens.copy', { id: token.id })).code).toBe('TOKEN_NOT_FOUND')
    expect(cache.get(token.id)).toBeUndefined()
    expect(cache.get(`${token.id}:refresh`)).toBeUndefined()

    await core.tokens.flush()
    await cache.flush()
    const restarted = h.boot()
    expect(restarted.tokens.list()).toHaveLength(0)
  })
})

describe('the log redacts exactly the values the token cache holds', () => {
  it('values restored from disk are redacted after a restart, before any renewal', async () => {
    const first = h.boot()
    const owner = await addKeycloak(first, sandbox)
    const token = await call(first, 'tokens.issue', owner)
    const value = (await first.secrets.tokenCache()).get(token.id)!
    await first.tokens.flush()
    await (await first.secrets.tokenCache()).flush()

    const second = h.boot()
    await second.secrets.tokenCache()
    second.log.warn('test', `a server said: bad token ${value}`)
    const log = readFileSync(dataPaths(h.dir).logFile, 'utf8')
    expect(log).toContain('a server said: bad token [redacted]')
    expect(log).not.toContain(value)
  })

  it('the set follows the cache: a renewed token’s new value is redacted and its old one let go, and so are a forgotten token’s (the set does not grow with every token ever issued)', async () => {
    const core = h.boot()
    const owner = await addKeycloak(core, sandbox)
    const token = await call(core, 'tokens.issue', owner)
    const cache = await core.secrets.tokenCache()
    const old = cache.get(token.id)!
    await call(core, 'tokens.refresh', { id: token.id })
    const renewed = cache.get(token.id)!
    expect(renewed).not.toBe(old)
    core.log.warn('test', `old=${old} new=${renewed}`)
    await call(core, 'tokens.forget', { id: token.id })
    core.log.warn('test', `forgotten=${renewed}`)
    const log = readFileSync(dataPaths(h.dir).logFile, 'utf8')
    // Released values are ordinary text again (nothing holds them; the set stays bounded).
    expect(log).toContain(`old=${old} new=[redacted]`)
    expect(log).toContain(`forgotten=${renewed}`)
  })
})
