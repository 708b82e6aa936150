import type { Kysely } from 'kysely';
import type pg from 'pg';

import type { KeyProvider } from '../crypto/key-provider.js';
import type { Config } from './config/config.js';
import type { Database } from './db/schema.js';

/** What every route may use: settings, the runtime database and the keys. */
export interface AppContext {
  readonly config: Config;
  readonly db: Kysely<Database>;
  readonly pool: pg.Pool;
  readonly keys: KeyProvider;
}
