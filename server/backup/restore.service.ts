import { sql } from 'kysely';

import type { Config } from '../config/config.js';
import { prepareSchema, resolveDatabase } from '../db/bootstrap.js';
import { openDatabase } from '../db/pool.js';
import type { KeyProvider } from '../../crypto/key-provider.js';
import { countKekUsage, kekIdsInUse } from '../keys/kek-usage.repository.js';
import { BackupRefusedError } from './backup-refused.js';
import { findBackup, readManifest, verifyChecksum, type BackupFiles } from './backup-files.js';
import { libpqEnv } from './libpq-env.js';
import { runPostgresTool } from './postgres-tools.js';

/** Result of a restore: the dump restored, its SHA-256 and how long the restore took. */
export interface RestoreResult {
  files: BackupFiles;
  sha256: string;
  durationMs: number;
}

/**
 * Restores the backup that `target` names (a dump file, or the newest dump of a folder)
 * into the vault's database, which must be empty. Before it changes anything, it checks the
 * dump's SHA-256 and that `keys` contains every KEK the backup lists. It then restores with
 * `pg_restore` in one transaction, migrates and grants the runtime role as a start would,
 * then checks that `keys` opens every wrapped key of the restored data.
 */
export async function restoreVault(config: Config, target: string, keys: KeyProvider): Promise<RestoreResult> {
  const started = Date.now();
  const files = await findBackup(target);
  const sha256 = await verifyChecksum(files);
  const manifest = await readManifest(files);
  requireKeks(keys, manifest?.kekIds ?? [], `backup ${files.dump}`);

  const database = await resolveDatabase(config);
  try {
    await requireEmptyDatabase(database.ownerUrl, config);
    const databaseName = libpqEnv(database.ownerUrl).PGDATABASE!;
    // --no-owner and --no-privileges: the restoring owner role owns everything, and the
    // grants to the runtime role are applied by prepareSchema as at every start.
    await runPostgresTool('pg_restore', database.ownerUrl, ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', `--dbname=${databaseName}`, files.dump]);
    await prepareSchema(config, database);

    const { db } = openDatabase({ url: database.ownerUrl, max: 1, connectTimeoutMs: config.database.connectTimeoutMs, applicationName: 'coffre-restore' });
    try {
      requireKeks(keys, kekIdsInUse(await countKekUsage(db)), 'the restored database');
    } finally {
      await db.destroy();
    }
  } finally {
    await database.stop();
  }
  return { files, sha256, durationMs: Date.now() - started };
}

function requireKeks(keys: KeyProvider, needed: string[], source: string): void {
  const held = new Set(keys.kekIds());
  const missing = needed.filter((kekId) => !held.has(kekId));
  if (missing.length > 0) {
    throw new BackupRefusedError(
      `${source} needs KEK ${missing.join(', ')}, which the master key does not contain (it contains ${[...held].join(', ')}). ` +
        'Restore the master key that was in use when the backup was made (the key file, or COFFRE_MASTER_KEY) and run the restore again.',
    );
  }
}

async function requireEmptyDatabase(ownerUrl: string, config: Config): Promise<void> {
  const { db } = openDatabase({ url: ownerUrl, max: 1, connectTimeoutMs: config.database.connectTimeoutMs, applicationName: 'coffre-restore' });
  try {
    const { rows } = await sql<{ tables: number | string }>`
      select count(*) as tables from pg_catalog.pg_tables where schemaname not in ('pg_catalog', 'information_schema')`.execute(db);
    const tables = Number(rows[0]?.tables ?? 0);
    if (tables > 0) {
      const name = libpqEnv(ownerUrl).PGDATABASE;
      throw new BackupRefusedError(
        `target database ${name} is not empty (${tables} tables), and a restore never overwrites data. ` +
          'Create an empty database and point DATABASE_URL at it, or, for the embedded default, move the data folder\'s postgres/ folder away (keep the master key file).',
      );
    }
  } finally {
    await db.destroy();
  }
}
