import { AppError, type ErrorCode } from '../../shared/errors'

/**
 * Turns what keytar / libsecret / the Windows and macOS APIs say into typed errors with a
 * reason and a fix. The raw library text never reaches the renderer (it goes to the log only).
 * Patterns come from keytar 7.9.0 on Debian 12 (see docs/security.md §2.1) plus the documented
 * Windows and macOS messages.
 */

export type KeychainErrorCode = Extract<
  ErrorCode,
  | 'KEYCHAIN_NO_DBUS'
  | 'KEYCHAIN_NO_SECRET_SERVICE'
  | 'KEYCHAIN_LOCKED'
  | 'KEYCHAIN_TIMEOUT'
  | 'KEYCHAIN_ACCESS_DENIED'
  | 'KEYCHAIN_VALUE_REJECTED'
  | 'KEYCHAIN_UNAVAILABLE'
>

const PATTERNS: ReadonlyArray<[RegExp, KeychainErrorCode]> = [
  [/autolaunch D-Bus|DBUS_SESSION_BUS_ADDRESS|unsupported transport|Could not connect: |Failed to connect to socket|Cannot spawn a message bus/i, 'KEYCHAIN_NO_DBUS'],
  [/org\.freedesktop\.secrets was not provided|ServiceUnknown|StartServiceByName for org\.freedesktop\.secrets/i, 'KEYCHAIN_NO_SECRET_SERVICE'],
  // A freshly activated gnome-keyring without a login keyring (and no display to create one).
  [/Object does not exist at path .*\/org\/freedesktop\/secrets\/collection/i, 'KEYCHAIN_LOCKED'],
  [/locked collection|locked object|is locked|prompt was dismissed|user cancel|cancelled|canceled|errSecInteractionNotAllowed|User interaction is not allowed/i, 'KEYCHAIN_LOCKED'],
  [/Password is required|Account is required|Service is required|too long|invalid parameter|CredWrite/i, 'KEYCHAIN_VALUE_REJECTED'],
  [/AccessDenied|access denied|not allowed|permission|errSecAuthFailed|not authorized|passphrase you entered is not correct/i, 'KEYCHAIN_ACCESS_DENIED']
]

export function classifyKeychainMessage(message: string): KeychainErrorCode {
  for (const [pattern, code] of PATTERNS) if (pattern.test(message)) return code
  return 'KEYCHAIN_UNAVAILABLE'
}

export interface KeychainProblem {
  reason: string
  fix: string
}

export function describeKeychainProblem(code: KeychainErrorCode, timeoutMs: number): KeychainProblem {
  switch (code) {
    case 'KEYCHAIN_NO_DBUS':
      return {
        reason: 'There is no D-Bus session, so the system keychain cannot be reached (usual over SSH, in containers and in WSL).',
        fix: 'Start TokenDesk from a desktop session, or inside `dbus-run-session` with a keyring daemon; otherwise choose the encrypted vault in Settings.'
      }
    case 'KEYCHAIN_NO_SECRET_SERVICE':
      return {
        reason: 'No Secret Service provider (gnome-keyring, KWallet, KeePassXC) is running on this D-Bus session.',
        fix: 'Install and start one (e.g. `sudo apt install gnome-keyring`, or enable Secret Service integration in KeePassXC) and restart TokenDesk; otherwise choose the encrypted vault in Settings.'
      }
    case 'KEYCHAIN_LOCKED':
      return {
        reason: 'The system keychain is locked (or its default keyring does not exist yet), so TokenDesk cannot read or store secrets in it.',
        fix: 'Unlock (or create) your login keyring, for example in "Passwords and Keys"/Seahorse or by logging in again, then press Retry.'
      }
    case 'KEYCHAIN_TIMEOUT':
      return {
        reason: `The system keychain did not answer within ${Math.round(timeoutMs / 100) / 10} s (an unlock prompt may be waiting, or the keyring daemon hangs).`,
        fix: 'Answer any keyring prompt on screen, or restart the keyring daemon, then press Retry.'
      }
    case 'KEYCHAIN_ACCESS_DENIED':
      return {
        reason: 'The system keychain refused TokenDesk access.',
        fix: 'Allow TokenDesk in the keychain\'s access settings (or confirm the system prompt), then press Retry.'
      }
    case 'KEYCHAIN_VALUE_REJECTED':
      return {
        reason: 'The system keychain rejected a value TokenDesk tried to store.',
        fix: 'This is a TokenDesk bug: please report it with the log file (it contains no secrets).'
      }
    case 'KEYCHAIN_UNAVAILABLE':
      return {
        reason: 'The system keychain failed for an unexpected reason.',
        fix: 'Check the log file for details and retry; if it persists, choose the encrypted vault in Settings.'
      }
  }
}

export function keychainError(code: KeychainErrorCode, timeoutMs: number, extra?: Record<string, unknown>): AppError {
  const problem = describeKeychainProblem(code, timeoutMs)
  return new AppError(code, problem.reason, { fix: problem.fix, ...extra })
}
