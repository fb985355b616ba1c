import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { commands, events } from './contract'
import { ERROR_CODES } from './errors'
import { COMMAND_NAMES, COPY_FORMATS, EVENT_NAMES } from './names'
import { CopyFormatSchema } from './model'
import { ServerFrameSchema } from './wire'
import { readServerFrame } from './wire-frame'

/** 1,000 per property; `npm run mutation` lowers it (TD_PROPERTY_RUNS; Vitest mirrors the environment in import.meta.env, and src/shared has no Node types). */
const NUM_RUNS = Number((import.meta as ImportMeta & { env?: Record<string, string | undefined> }).env?.TD_PROPERTY_RUNS) || 1000

const zodAnswer = (value: unknown): unknown => {
  const parsed = ServerFrameSchema.safeParse(value)
  return parsed.success ? parsed.data : null
}

/** JSON values shaped like frames, each part sometimes wrong: the cases a random value rarely hits. */
const errorData = fc.record(
  {
    code: fc.oneof(fc.constantFrom(...ERROR_CODES), fc.string(), fc.integer()),
    message: fc.oneof(fc.string(), fc.constant(null)),
    details: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.array(fc.integer()), fc.constant(null), fc.string()),
    extra: fc.jsonValue()
  },
  { requiredKeys: [] }
)
const frameLike = fc.oneof(
  fc.record(
    {
      type: fc.constantFrom('result', 'Result', 'event', 'error', 'call'),
      id: fc.oneof(fc.integer({ min: -2, max: 3 }), fc.constant(Number.MAX_SAFE_INTEGER), fc.constant(Number.MAX_SAFE_INTEGER + 1), fc.double(), fc.string()),
      result: fc.oneof(
        fc.record({ ok: fc.oneof(fc.boolean(), fc.constant('true'), fc.constant(1)), value: fc.jsonValue(), error: errorData, extra: fc.jsonValue() }, { requiredKeys: [] }),
        fc.jsonValue()
      ),
      event: fc.oneof(fc.constantFrom(...EVENT_NAMES), fc.integer(), fc.constant(null)),
      payload: fc.jsonValue(),
      error: fc.oneof(errorData, fc.jsonValue()),
      extra: fc.jsonValue()
    },
    { requiredKeys: [] }
  ),
  fc.jsonValue()
)

describe('readServerFrame: the same answers as ServerFrameSchema, without zod', () => {
  it('agrees with zod on any JSON value and on frame-shaped values with wrong parts (keys zod strips are stripped)', () => {
    fc.assert(
      fc.property(frameLike, (value) => {
        expect(readServerFrame(value)).toEqual(zodAnswer(value))
      }),
      { numRuns: NUM_RUNS }
    )
  })

  it('agrees on whatever JSON.parse makes of the text, the bridge\'s only input', () => {
    fc.assert(
      fc.property(frameLike, (value) => {
        const parsed: unknown = JSON.parse(JSON.stringify(value) ?? 'null')
        expect(readServerFrame(parsed)).toEqual(zodAnswer(parsed))
      }),
      { numRuns: NUM_RUNS }
    )
  })

  it('reads each kind of frame the host sends', () => {
    expect(readServerFrame({ type: 'result', id: 7, result: { ok: true, value: { tokens: [] } } })).toEqual({ type: 'result', id: 7, result: { ok: true, value: { tokens: [] } } })
    expect(readServerFrame({ type: 'result', id: 8, result: { ok: false, error: { code: 'TIMEOUT', message: 'late', details: { fix: 'retry' } } } })).toEqual({
      type: 'result',
      id: 8,
      result: { ok: false, error: { code: 'TIMEOUT', message: 'late', details: { fix: 'retry' } } }
    })
    expect(readServerFrame({ type: 'event', event: 'tokens.changed', payload: { ids: ['a'] } })).toEqual({ type: 'event', event: 'tokens.changed', payload: { ids: ['a'] } })
    expect(readServerFrame({ type: 'error', error: { code: 'INVALID_REQUEST', message: 'not JSON' } })).toEqual({ type: 'error', error: { code: 'INVALID_REQUEST', message: 'not JSON' } })
  })

  it('refuses what is not a frame: wrong type, call id 0 or unsafe, unknown error code, details that are not an object', () => {
    expect(readServerFrame({ type: 'result', id: 0, result: { ok: true, value: 1 } })).toBeNull()
    expect(readServerFrame({ type: 'result', id: Number.MAX_SAFE_INTEGER + 1, result: { ok: true, value: 1 } })).toBeNull()
    expect(readServerFrame({ type: 'result', id: 1.5, result: { ok: true, value: 1 } })).toBeNull()
    expect(readServerFrame({ type: 'result', id: 1, result: { ok: 'yes', value: 1 } })).toBeNull()
    expect(readServerFrame({ type: 'result', id: 1, result: { ok: false, error: { code: 'NO_SUCH_CODE', message: 'x' } } })).toBeNull()
    expect(readServerFrame({ type: 'error', error: { code: 'INTERNAL', message: 'x', details: [1] } })).toBeNull()
    expect(readServerFrame({ type: 'error', error: { code: 'INTERNAL' } })).toBeNull()
    expect(readServerFrame({ type: 'event', event: 3 })).toBeNull()
    expect(readServerFrame({ type: 'call', id: 1, command: 'app.info' })).toBeNull()
    expect(readServerFrame([{ type: 'event', event: 'x' }])).toBeNull()
    expect(readServerFrame(null)).toBeNull()
  })
})

describe('names.ts spells out the contract', () => {
  it('lists every command and event of the contract, in its order', () => {
    expect([...COMMAND_NAMES]).toEqual(Object.keys(commands))
    expect([...EVENT_NAMES]).toEqual(Object.keys(events))
  })

  it('lists the copy formats the contract accepts', () => {
    expect([...COPY_FORMATS]).toEqual(CopyFormatSchema.options)
  })
})
