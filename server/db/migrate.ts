import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { FileMigrationProvider, Migrator, type Kysely } from 'kysely';

import { logger } from '../logging/logger.js';

export const MIGRATIONS_FOLDER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

/**
 * Runs every pending migration in name order, as the owner role. Kysely
 * takes its own lock, so two starts at once do not both migrate.
 */
export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder: MIGRATIONS_FOLDER }),
  });
  const { error, results } = await migrator.migrateToLatest();

  for (const result of results ?? []) {
    if (result.status === 'Success') logger.info('migration applied', { migration: result.migrationName });
    if (result.status === 'Error') logger.error('migration failed', { migration: result.migrationName });
  }
  if (error) throw new Error('database migration failed; the vault did not start', { cause: error });
}
