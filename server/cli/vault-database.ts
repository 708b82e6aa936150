import type { Kysely } from 'kysely';

import { ConfigError, loadConfig, type Config } from '../config/config.js';
import { resolveDatabase } from '../db/bootstrap.js';
import { openDatabase } from '../db/pool.js';
import type { Database } from '../db/schema.js';

/**
 * Runs an operator command against the vault's database, found from the same
 * settings as `npm start`: DATABASE_URL, or the embedded server, which is
 * reused when the vault is running and started (then stopped) otherwise.
 * `connection` picks the runtime role (the default, least privilege) or the
 * owner role for commands that need it.
 */
export async function withVaultDatabase<T>(
  work: (db: Kysely<Database>, config: Config) => Promise<T>,
  connection: 'runtime' | 'owner' = 'runtime',
): Promise<T> {
  const config = loadConfigOrExit();
  const target = await resolveDatabase(config);
  const url = connection === 'owner' ? target.ownerUrl : target.runtimeUrl;
  const { db } = openDatabase({ url, max: 2, connectTimeoutMs: config.database.connectTimeoutMs, applicationName: 'coffre-cli', statementTimeoutMs: 0 });
  try {
    return await work(db, config);
  } finally {
    await db.destroy();
    await target.stop();
  }
}

function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}
