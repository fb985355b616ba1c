import { describe, expect, it } from 'vitest'
import { createMemoryLogger, RedactionSet } from './log'

describe('log redaction', () => {
  it('replaces every registered value in every line, including inside other text', () => {
    const log = createMemoryLogger()
    log.redact('s3cret-value')
    log.info('x', 'sent s3cret-value twice: s3cret-value', { nested: 'Bearer s3cret-value' })
    expect(log.lines).toEqual(['info [x] sent [redacted] twice: [redacted] {"nested":"Bearer [redacted]"}'])
  })

  it('ignores values too short to redact safely', () => {
    const log = createMemoryLogger()
    log.redact('abc')
    log.info('x', 'abc stays')
    expect(log.lines).toEqual(['info [x] abc stays'])
  })

  it('stays bounded: the oldest value goes first, a value registered again counts as new', () => {
    const set = new RedactionSet(3)
    for (const value of ['value-1', 'value-2', 'value-3']) set.add(value)
    set.add('value-1')
    set.add('value-4')
    expect(set.size).toBe(3)
    expect(set.scrub('value-1 value-2 value-3 value-4')).toBe('[redacted] value-2 [redacted] [redacted]')
  })
})
