import type { Kysely } from 'kysely';

import { migrateToLatest } from '../../server/db/migrate.js';
import { openDatabase } from '../../server/db/pool.js';
import { createEmptyDatabase } from './empty-database.js';

/** A migrated database that exists only for one test file. */
export interface TestDatabase {
  /** Connected as the superuser from `DATABASE_URL`, which also owns every table. */
  db: Kysely<any>;
  url: string;
  name: string;
  /** Closes the pool, ends any other connection to the database and drops it. */
  destroy(): Promise<void>;
}

/** Options of `createTestDatabase`. */
export interface TestDatabaseOptions {
  /** Maximum connections in the pool of `db` (default 10). */
  poolSize?: number;
}

/**
 * Creates an empty database on the test server, applies every migration of
 * `migrations/` with the vault's own migrator, and returns a Kysely instance
 * on it. Call `destroy` in `afterAll`.
 */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const empty = await createEmptyDatabase();
  const { db } = openDatabase({ url: empty.url, max: options.poolSize ?? 10, connectTimeoutMs: 10_000 });

  const destroy = async (): Promise<void> => {
    await db.destroy();
    await empty.drop();
  };

  try {
    await migrateToLatest(db);
  } catch (error) {
    await destroy();
    throw error;
  }
  return { db, url: empty.url, name: empty.name, destroy };
}
