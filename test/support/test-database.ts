/**
 * Throwaway PostgreSQL databases for tests.
 */
import { randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { FileMigrationProvider, Kysely, Migrator, PostgresDialect } from 'kysely'
import pg from 'pg'

/** Server used when `DATABASE_URL` is not set. */
const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres'

const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../migrations/', import.meta.url))

/** A migrated database that exists only for one test file. */
export interface TestDatabase {
  /** Connected as the superuser from `DATABASE_URL`, which also owns every table. */
  db: Kysely<any>
  url: string
  name: string
  /** Closes the pool, ends any other connection to the database and drops it. */
  destroy(): Promise<void>
}

/** Options of `createTestDatabase`. */
export interface TestDatabaseOptions {
  /** Maximum connections in the pool of `db` (default 10). */
  poolSize?: number
}

/**
 * Creates a database named `coffre_t_<16 hex digits>` on the server of
 * `DATABASE_URL` (a superuser connection), applies every migration of
 * `migrations/`, and returns a Kysely instance on it. Call `destroy` in
 * `afterAll`.
 */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const adminUrl = process.env.DATABASE_URL ?? DEFAULT_ADMIN_URL
  const name = `coffre_t_${randomBytes(8).toString('hex')}`
  await runAdminStatement(adminUrl, `create database ${name}`)

  const databaseUrl = new URL(adminUrl)
  databaseUrl.pathname = `/${name}`
  const url = databaseUrl.toString()

  const db = new Kysely<any>({
    dialect: new PostgresDialect({
      pool: new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, connectionTimeoutMillis: 10_000 }),
    }),
  })

  const destroy = async (): Promise<void> => {
    await db.destroy()
    await dropDatabase(adminUrl, name)
  }

  try {
    await migrateToLatest(db)
  } catch (error) {
    await destroy()
    throw error
  }
  return { db, url, name, destroy }
}

async function migrateToLatest(db: Kysely<any>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder: MIGRATIONS_FOLDER }),
  })
  const { error, results } = await migrator.migrateToLatest()
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName
    const message = failed === undefined ? 'test database migrations failed to load' : `test database migration ${failed} failed`
    throw new Error(message, { cause: error })
  }
}

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await runAdminStatement(
    adminUrl,
    `select pg_terminate_backend(pid) from pg_stat_activity where datname = '${name}' and pid <> pg_backend_pid()`,
  )
  await runAdminStatement(adminUrl, `drop database if exists ${name}`)
}

// `name` is generated above from hex digits only, so it is safe to splice into SQL.
async function runAdminStatement(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000 })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}
