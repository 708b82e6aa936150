import type { Config } from '../config/config.js';
import { logger } from '../logging/logger.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { migrateToLatest } from './migrate.js';
import { openDatabase } from './pool.js';
import { grantRuntimePrivileges } from './privileges.js';

export interface DatabaseTarget {
  ownerUrl: string;
  runtimeUrl: string;
  embedded: boolean;
  /** Stops the embedded server if this process started it. */
  stop(): Promise<void>;
}

/**
 * Finds the database the configuration names: the server in DATABASE_URL,
 * or the embedded one, started when needed. Every command of the vault goes
 * through here, so they all agree on where the data is.
 */
export async function resolveDatabase(config: Config): Promise<DatabaseTarget> {
  if (config.database.ownerUrl) {
    return {
      ownerUrl: config.database.ownerUrl,
      runtimeUrl: config.database.runtimeUrl ?? deriveRuntimeUrl(config.database.ownerUrl, config.database.runtimeRole),
      embedded: false,
      stop: async () => {},
    };
  }
  const embedded = await startEmbeddedPostgres(config.dataDir, config.database.embeddedPort, config.database.runtimeRole);
  return { ...embedded, embedded: true };
}

/**
 * Migrates the schema as the owner and grants the runtime role its
 * privileges, then closes the owner connection: the server itself never
 * holds owner rights.
 */
export async function prepareSchema(config: Config, target: DatabaseTarget): Promise<void> {
  const { db } = openDatabase({ url: target.ownerUrl, max: 2, connectTimeoutMs: config.database.connectTimeoutMs, applicationName: 'coffre-migrate' });
  try {
    await migrateToLatest(db);
    await grantRuntimePrivileges(db, config.database.runtimeRole);
    logger.info('database schema ready');
  } finally {
    await db.destroy();
  }
}

// Same server and database as the owner, logged in as the runtime role. A
// password for it, if the server wants one, goes in COFFRE_RUNTIME_DATABASE_URL.
function deriveRuntimeUrl(ownerUrl: string, runtimeRole: string): string {
  const url = new URL(ownerUrl);
  url.username = runtimeRole;
  url.password = '';
  return url.toString();
}
