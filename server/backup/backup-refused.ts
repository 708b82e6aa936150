/**
 * Thrown when a backup or a restore must not start: a folder beside the master key, a
 * target database that is not empty, a master key that lacks a KEK the backup needs. The
 * commands exit with 2, as for a configuration error, because the operator must change
 * something before trying again.
 */
export class BackupRefusedError extends Error {
  override name = 'BackupRefusedError';
}
