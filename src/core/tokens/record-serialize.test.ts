import { describe, expect, it } from 'vitest'
import type { AuditEvent, Token } from '../../shared/model'
import { RECORDS_VERSION, SERIALIZE_SLICE, serializeRecords } from './record-store'

/** The sliced serialisation writes exactly what one JSON.stringify would (npm run bench: loop stalls). */
function token(i: number): Token {
  return {
    id: `t${i}`,
    accountId: 'a1',
    appId: i % 2 === 0 ? null : 'p1',
    providerId: 'play-oxygen',
    flow: 'session',
    kind: 'JWT',
    label: `Demo · "quoted" \\ ${i} \u2028`,
    state: 'live',
    format: 'jwt',
    issuedAt: 1_000 + i,
    expiresAt: 2_000 + i,
    expirySource: 'jwt-exp',
    notBefore: null,
    skewMs: 0,
    refresh: null,
    renewal: { policy: { mode: 'fraction', fraction: 0.8 }, method: 'reissue', nextAt: 1_800 + i, lastError: null, failures: 0 },
    renewals: [],
    header: { name: 'Authorization', prefix: 'Bearer ' },
    revocable: false,
    demo: true,
    updatedAt: 1_000 + i
  } as unknown as Token
}

describe('serializeRecords', () => {
  for (const count of [0, 1, SERIALIZE_SLICE, SERIALIZE_SLICE + 1, SERIALIZE_SLICE * 3 + 7]) {
    it(`equals JSON.stringify for ${count} tokens`, async () => {
      const tokens = Array.from({ length: count }, (_, i) => token(i))
      const audit: Array<[string, AuditEvent[]]> = tokens.map((t, i) => [t.id, i % 3 === 0 ? [] : [{ at: i, kind: 'issued', detail: `issued "${i}"` } as AuditEvent]])
      const began = performance.now()
      const { body, busyMs } = await serializeRecords(tokens, audit)
      const wall = performance.now() - began
      expect(body).toBe(JSON.stringify({ version: RECORDS_VERSION, tokens, audit: Object.fromEntries(audit) }))
      expect(JSON.parse(body)).toEqual({ version: RECORDS_VERSION, tokens, audit: Object.fromEntries(audit) })
      // The synchronous share of the call: never negative, never more than the call took.
      expect(busyMs).toBeGreaterThanOrEqual(0)
      expect(busyMs).toBeLessThanOrEqual(wall)
    })
  }

  it('lets the event loop run between slices', async () => {
    const tokens = Array.from({ length: SERIALIZE_SLICE * 4 }, (_, i) => token(i))
    const immediates: Promise<void>[] = []
    for (let i = 0; i < 3; i++) immediates.push(new Promise((resolve) => setImmediate(resolve)))
    let ranBetween = false
    void Promise.all(immediates).then(() => (ranBetween = true))
    await serializeRecords(tokens, [])
    expect(ranBetween).toBe(true)
  })

  it('gives the loop one turn between slices: 4 slices, 3 turns, none before the first', async () => {
    const tokens = Array.from({ length: SERIALIZE_SLICE * 4 }, (_, i) => token(i))
    expect(await turnsDuring(() => serializeRecords(tokens, []))).toBe(3)
    // The audit map is sliced the same way.
    const audit: Array<[string, AuditEvent[]]> = tokens.map((t) => [t.id, []])
    expect(await turnsDuring(() => serializeRecords([], audit))).toBe(3)
  })

  it('one slice is serialised without waiting for a turn of the loop', async () => {
    const tokens = Array.from({ length: SERIALIZE_SLICE }, (_, i) => token(i))
    let done = false
    let doneBeforeNextTurn = false
    setImmediate(() => (doneBeforeNextTurn = done))
    await serializeRecords(tokens, [[tokens[0]!.id, []]]).then(() => (done = true))
    await new Promise((resolve) => setImmediate(resolve))
    expect(doneBeforeNextTurn).toBe(true)
  })
})

/** How many turns of the event loop (setImmediate rounds) pass while `work` runs. */
async function turnsDuring(work: () => Promise<unknown>): Promise<number> {
  let turns = 0
  let done = false
  const tick = (): void => {
    if (done) return
    turns++
    setImmediate(tick)
  }
  setImmediate(tick)
  await work()
  done = true
  return turns
}
