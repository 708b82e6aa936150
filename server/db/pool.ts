import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';

import { logger } from '../logging/logger.js';
import type { Database } from './schema.js';

// int8 (bigint, bigserial, count(*)) as JavaScript numbers: sizes and
// sequence numbers stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface PoolOptions {
  url: string;
  max: number;
  connectTimeoutMs: number;
  /** Statements running longer than this are cancelled by the server. */
  statementTimeoutMs?: number;
  applicationName?: string;
}

// The pool behind each Kysely instance that openDatabase made, for the few
// readers that need a raw client, such as audit verification's COPY.
const poolsByDatabase = new WeakMap<Kysely<any>, pg.Pool>();

/**
 * Returns the pg pool behind a Kysely instance made by `openDatabase`.
 * Throws for any other instance, such as a transaction.
 */
export function poolOf(db: Kysely<any>): pg.Pool {
  const pool = poolsByDatabase.get(db);
  if (pool === undefined) {
    throw new TypeError('no pg pool is known for this Kysely instance: pass the instance that openDatabase returned, not a transaction');
  }
  return pool;
}

/**
 * Opens a pg pool behind Kysely. A connection attempt that takes longer than
 * `connectTimeoutMs`, or a request that waits that long for a free client,
 * fails instead of hanging. Values are read in text format: node-postgres's
 * binary mode corrupts bytea.
 */
export function openDatabase(options: PoolOptions): { db: Kysely<Database>; pool: pg.Pool } {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max,
    connectionTimeoutMillis: options.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs ?? 60_000,
    application_name: options.applicationName ?? 'coffre',
  });
  // An idle client can lose its connection (server restart, administrator
  // termination); without a listener that error would end the process.
  pool.on('error', (error) => {
    // 57P01 is the server shutting down, as on Ctrl+C with the embedded default.
    const shutdown = (error as { code?: string }).code === '57P01';
    logger.log(shutdown ? 'info' : 'warn', shutdown ? 'database server closed an idle connection' : 'idle database client failed', { error });
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  poolsByDatabase.set(db, pool);
  return { db, pool };
}

/** Clients currently checked out of the pool; zero when the vault is idle. */
export function checkedOutClients(pool: pg.Pool): number {
  return pool.totalCount - pool.idleCount;
}
