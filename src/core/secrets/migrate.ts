import { AppError, isAppError } from '../../shared/errors'
import type { Logger } from '../log'
import type { SecretStore } from './port'

export interface MigrationResult {
  /** Secrets copied to the new backend and read back identical. */
  moved: number
  /** Secrets still in the old backend (deleting them failed, or keepSource): they are also in the new one. */
  leftBehind: number
}

export interface MigrationOptions {
  log: Logger
  /**
   * Makes the new backend the one in use (persists the setting). Called after every secret is
   * copied and verified, before anything is deleted from the old backend.
   */
  commit: () => Promise<void>
  /** Copy only: the old backend keeps its items (used when the target is session-only memory). */
  keepSource?: boolean
}

/**
 * Moves every secret from one backend to another without losing any:
 *   1. copy each value and read it back from the target; any mismatch or failure stops here
 *      (nothing deleted; the old backend stays in use and still has everything);
 *   2. commit: the setting now names the target (until then, a crash leaves the old one in use);
 *   3. delete from the old backend; a failure here leaves a duplicate, never a loss.
 * The caller must hold writers off for the duration (SecretsService does).
 */
export async function migrateSecrets(from: SecretStore, to: SecretStore, options: MigrationOptions): Promise<MigrationResult> {
  const keys = await from.keys()
  const copied: string[] = []
  for (const key of keys) {
    const value = await from.get(key)
    // The keychain index may name an item a crash never wrote: nothing to move.
    if (value === null) continue
    try {
      await to.set(key, value)
      const readBack = await to.get(key)
      if (readBack !== value) throw new AppError('SECRET_MIGRATION_FAILED', 'A secret did not read back identical from the new backend.')
    } catch (error) {
      options.log.error('secrets', `migration ${from.backend} → ${to.backend} stopped; nothing was deleted`, isAppError(error) ? error.code : undefined)
      throw new AppError(
        'SECRET_MIGRATION_FAILED',
        `Moving secrets to the ${to.backend} stopped after ${copied.length} of ${keys.length}; nothing was deleted and the ${from.backend} is still in use.`,
        { fix: 'Fix the problem shown for the new backend and try again.', ...(isAppError(error) ? { cause: error.code } : {}) }
      )
    }
    copied.push(key)
  }
  await options.commit()
  let leftBehind = 0
  if (options.keepSource) {
    options.log.info('secrets', `copied ${copied.length} secrets from ${from.backend} to ${to.backend}; the originals stay`)
    return { moved: copied.length, leftBehind: copied.length }
  }
  for (const key of copied) {
    try {
      await from.delete(key)
    } catch (error) {
      leftBehind++
      options.log.warn('secrets', `could not delete a migrated secret from the ${from.backend}`, isAppError(error) ? error.code : undefined)
    }
  }
  options.log.info('secrets', `moved ${copied.length} secrets from ${from.backend} to ${to.backend} (${leftBehind} left behind)`)
  return { moved: copied.length, leftBehind }
}
