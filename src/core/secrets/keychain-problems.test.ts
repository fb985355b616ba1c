import { describe, expect, it } from 'vitest'
import { AppError } from '../../shared/errors'
import { describeKeychainProblem, keychainError, type KeychainErrorCode } from './keychain-errors'

/** Each keychain failure has its own sentence and fix (keychain-errors.test.ts: which message is which code). */

const CODES: KeychainErrorCode[] = [
  'KEYCHAIN_NO_DBUS',
  'KEYCHAIN_NO_SECRET_SERVICE',
  'KEYCHAIN_LOCKED',
  'KEYCHAIN_TIMEOUT',
  'KEYCHAIN_ACCESS_DENIED',
  'KEYCHAIN_VALUE_REJECTED',
  'KEYCHAIN_UNAVAILABLE'
]

describe('keychain problems', () => {
  it('every code has its own reason and its own fix', () => {
    const problems = CODES.map((code) => describeKeychainProblem(code, 5_000))
    expect(new Set(problems.map((problem) => problem.reason)).size).toBe(CODES.length)
    expect(new Set(problems.map((problem) => problem.fix)).size).toBe(CODES.length)
  })

  it.each<[KeychainErrorCode, RegExp]>([
    ['KEYCHAIN_NO_DBUS', /no D-Bus session/],
    ['KEYCHAIN_NO_SECRET_SERVICE', /No Secret Service provider/],
    ['KEYCHAIN_LOCKED', /is locked/],
    ['KEYCHAIN_TIMEOUT', /did not answer within 2\.5 s/],
    ['KEYCHAIN_ACCESS_DENIED', /refused TokenDesk access/],
    ['KEYCHAIN_VALUE_REJECTED', /rejected a value/],
    ['KEYCHAIN_UNAVAILABLE', /unexpected reason/]
  ])('%s says %s', (code, reason) => {
    expect(describeKeychainProblem(code, 2_500).reason).toMatch(reason)
  })

  it('keychainError is the code with the reason as its message, the fix and any extra facts in its details', () => {
    const error = keychainError('KEYCHAIN_LOCKED', 5_000, { operation: 'get' })
    expect(error).toBeInstanceOf(AppError)
    const problem = describeKeychainProblem('KEYCHAIN_LOCKED', 5_000)
    expect(error.toData()).toEqual({ code: 'KEYCHAIN_LOCKED', message: problem.reason, details: { fix: problem.fix, operation: 'get' } })
    expect(keychainError('KEYCHAIN_TIMEOUT', 1_234).details).toEqual({ fix: describeKeychainProblem('KEYCHAIN_TIMEOUT', 1_234).fix })
    expect(keychainError('KEYCHAIN_TIMEOUT', 1_234).message).toContain('within 1.2 s')
  })
})
