import { describe, expect, it } from 'vitest'
import { MAX_FLUSH_DELAY_MS, WRITE_COST_FACTOR, writeBehindDelay } from './token-cache'

/** The write-behind delay grows with the cost of the last whole-file write (bench: 10,000 tokens). */
describe('writeBehindDelay', () => {
  it('is the configured delay while writes are cheap', () => {
    expect(writeBehindDelay(50, 0, MAX_FLUSH_DELAY_MS)).toBe(50)
    expect(writeBehindDelay(50, 2, MAX_FLUSH_DELAY_MS)).toBe(50)
    expect(writeBehindDelay(250, 12, 5000)).toBe(250)
  })

  it('keeps writing to about 1/WRITE_COST_FACTOR of the time once writes are expensive', () => {
    expect(writeBehindDelay(50, 30, MAX_FLUSH_DELAY_MS)).toBe(30 * WRITE_COST_FACTOR)
    expect(writeBehindDelay(250, 40, 5000)).toBe(40 * WRITE_COST_FACTOR)
  })

  it('never waits longer than the cap', () => {
    expect(writeBehindDelay(50, 10_000, MAX_FLUSH_DELAY_MS)).toBe(MAX_FLUSH_DELAY_MS)
    expect(writeBehindDelay(250, 10_000, 5000)).toBe(5000)
  })
})
