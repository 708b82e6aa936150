import { randomBytes } from 'node:crypto';

import pg from 'pg';

/** Password the tests give the runtime role; servers with trust auth ignore it. */
export const TEST_RUNTIME_PASSWORD = 'coffre-test-runtime';

export function adminUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is unset; the global test setup should have started an embedded PostgreSQL');
  return url;
}

/**
 * Creates an empty database with a random name on the test server, and
 * returns a superuser URL to it with a function that drops it.
 */
export async function createEmptyDatabase(): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `coffre_t_${randomBytes(6).toString('hex')}`;
  await withAdminClient(async (client) => {
    await client.query(`create database ${name}`);
    await ensureRuntimeRole(client);
  });

  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      await withAdminClient(async (client) => {
        await client.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
        await client.query(`drop database if exists ${name}`);
      });
    },
  };
}

/** URL of a database as the runtime role the vault creates, with the test password. */
export function runtimeUrlFor(databaseUrl: string, role = 'coffre_runtime'): string {
  const url = new URL(databaseUrl);
  url.username = role;
  url.password = TEST_RUNTIME_PASSWORD;
  return url.toString();
}

// Test files run in parallel and share the cluster's roles; the role is
// created once and both racing outcomes are fine.
async function ensureRuntimeRole(client: pg.Client): Promise<void> {
  await client.query(`
    do $$
    begin
      if not exists (select 1 from pg_roles where rolname = 'coffre_runtime') then
        create role coffre_runtime login password '${TEST_RUNTIME_PASSWORD}';
      end if;
    exception when duplicate_object or unique_violation then null;
    end $$`);
}

async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
