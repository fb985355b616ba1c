import { describe, expect, it } from 'vitest'
import { classifyKeychainMessage, describeKeychainProblem, type KeychainErrorCode } from './keychain-errors'

describe('keychain error classification', () => {
  it.each<[string, KeychainErrorCode]>([
    // keytar 7.9.0 / libsecret on Debian 12 (docs/security.md §2.1, re-verified for this work)
    ['Cannot autolaunch D-Bus without X11 $DISPLAY', 'KEYCHAIN_NO_DBUS'],
    ['Unknown or unsupported transport “disabled” for address “disabled:”', 'KEYCHAIN_NO_DBUS'],
    ['Could not connect: No such file or directory', 'KEYCHAIN_NO_DBUS'],
    ['The name org.freedesktop.secrets was not provided by any .service files', 'KEYCHAIN_NO_SECRET_SERVICE'],
    ['GDBus.Error:org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided by any .service files', 'KEYCHAIN_NO_SECRET_SERVICE'],
    ['Object does not exist at path “/org/freedesktop/secrets/collection/login”', 'KEYCHAIN_LOCKED'],
    ['Cannot create an item in a locked collection', 'KEYCHAIN_LOCKED'],
    ['Cannot get secret of a locked object', 'KEYCHAIN_LOCKED'],
    ['Password is required.', 'KEYCHAIN_VALUE_REJECTED'],
    ['Account is required.', 'KEYCHAIN_VALUE_REJECTED'],
    ['org.freedesktop.DBus.Error.AccessDenied: Rejected send message', 'KEYCHAIN_ACCESS_DENIED'],
    // macOS / Windows wording, from Apple's Security framework and keytar's Windows code
    ['User interaction is not allowed.', 'KEYCHAIN_LOCKED'],
    ['The user name or passphrase you entered is not correct.', 'KEYCHAIN_ACCESS_DENIED'],
    ['Remote peer disconnected', 'KEYCHAIN_UNAVAILABLE']
  ])('%s → %s', (message, code) => {
    expect(classifyKeychainMessage(message)).toBe(code)
  })

  it('every code has a reason and a fix, and the timeout names the bound', () => {
    for (const code of ['KEYCHAIN_NO_DBUS', 'KEYCHAIN_NO_SECRET_SERVICE', 'KEYCHAIN_LOCKED', 'KEYCHAIN_TIMEOUT', 'KEYCHAIN_ACCESS_DENIED', 'KEYCHAIN_VALUE_REJECTED', 'KEYCHAIN_UNAVAILABLE'] as const) {
      const problem = describeKeychainProblem(code, 5000)
      expect(problem.reason.length).toBeGreaterThan(20)
      expect(problem.fix.length).toBeGreaterThan(20)
    }
    expect(describeKeychainProblem('KEYCHAIN_TIMEOUT', 5000).reason).toContain('5 s')
  })
})
