import { beforeEach, describe, expect, it } from 'vitest'
import { makeToken, resetTokens } from '../features/tokens/test-fixtures'
import { filterTokens, NO_FILTERS, selectSorted, useTokensStore } from './tokens-store'

const NOW = Date.now()

describe('tokens store', () => {
  beforeEach(resetTokens)

  it('loads the list and keeps metadata only', () => {
    const a = makeToken({}, NOW)
    useTokensStore.getState().loaded([a])
    const state = useTokensStore.getState()
    expect(state.status).toBe('ready')
    expect(Object.keys(state.byId)).toEqual([a.id])
    expect(JSON.stringify(state)).not.toMatch(/value/)
  })

  it('applies a delta without re-creating untouched tokens', () => {
    const a = makeToken({}, NOW)
    const b = makeToken({}, NOW)
    const c = makeToken({}, NOW)
    useTokensStore.getState().loaded([a, b, c])
    const before = useTokensStore.getState().byId
    const b2 = { ...b, state: 'expiring' as const, updatedAt: NOW + 1 }
    const d = makeToken({}, NOW)
    useTokensStore.getState().changed({ upserted: [b2, d], removed: [c.id] })
    const after = useTokensStore.getState().byId
    expect(after).not.toBe(before)
    expect(after[a.id]).toBe(before[a.id])
    expect(after[b.id]).toBe(b2)
    expect(after[d.id]).toBe(d)
    expect(after[c.id]).toBeUndefined()
  })

  it('keeps the object when an upsert repeats what it has', () => {
    const a = makeToken({}, NOW)
    useTokensStore.getState().loaded([a])
    useTokensStore.getState().changed({ upserted: [{ ...a }], removed: [] })
    expect(useTokensStore.getState().byId[a.id]).toBe(a)
  })

  it('drops the selection and closes the detail when the selected token goes', () => {
    const a = makeToken({}, NOW)
    useTokensStore.getState().loaded([a])
    useTokensStore.getState().selected(a.id, true)
    expect(useTokensStore.getState().detailOpen).toBe(true)
    useTokensStore.getState().changed({ upserted: [], removed: [a.id] })
    expect(useTokensStore.getState()).toMatchObject({ selectedId: null, detailOpen: false })
  })

  it('sorts by time left: soonest first, then unknown, then expired (latest first), then revoked; memoised', () => {
    const later = makeToken({ expiresAt: NOW + 60 * 60_000 }, NOW)
    const soon = makeToken({ expiresAt: NOW + 60_000 }, NOW)
    const unknown = makeToken({ expiresAt: null, expirySource: 'unknown' }, NOW)
    const expiredLong = makeToken({ state: 'expired', expiresAt: NOW - 60 * 60_000 }, NOW)
    const expiredJust = makeToken({ state: 'expired', expiresAt: NOW - 60_000 }, NOW)
    const revoked = makeToken({ state: 'revoked' }, NOW)
    useTokensStore.getState().loaded([revoked, expiredLong, unknown, later, expiredJust, soon])
    const sorted = selectSorted(useTokensStore.getState())
    expect(sorted.map((t) => t.id)).toEqual([soon.id, later.id, unknown.id, expiredJust.id, expiredLong.id, revoked.id])
    expect(selectSorted(useTokensStore.getState())).toBe(sorted)
    useTokensStore.getState().changed({ upserted: [{ ...later, expiresAt: NOW + 1000, updatedAt: NOW + 5 }], removed: [] })
    expect(selectSorted(useTokensStore.getState())[0]!.id).toBe(later.id)
  })

  it('filters by provider, account, state and words', () => {
    const kc = makeToken({}, NOW)
    const paw = makeToken({ providerId: 'pocketpaw', accountId: 'acc-paw', appId: null, kind: 'session', label: 'Demo PocketPaw · session' }, NOW)
    const dead = makeToken({ state: 'expired', expiresAt: NOW - 1000 }, NOW)
    const all = [kc, paw, dead]
    expect(filterTokens(all, NO_FILTERS)).toBe(all)
    expect(filterTokens(all, { ...NO_FILTERS, providerId: 'pocketpaw' })).toEqual([paw])
    expect(filterTokens(all, { ...NO_FILTERS, accountId: 'acc-kc' })).toEqual([kc, dead])
    expect(filterTokens(all, { ...NO_FILTERS, state: 'active' })).toEqual([kc, paw])
    expect(filterTokens(all, { ...NO_FILTERS, state: 'expired' })).toEqual([dead])
    expect(filterTokens(all, { ...NO_FILTERS, search: 'pocketpaw sess' })).toEqual([paw])
    expect(filterTokens(all, NO_FILTERS, { appId: 'app-kc' })).toEqual([kc, dead])
  })
})
