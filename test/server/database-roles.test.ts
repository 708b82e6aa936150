import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runtimeUrlFor } from '../support/empty-database.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';

// The server runs as a role that can add to the audit log and read it, but
// never change or empty it, and cannot touch the migration bookkeeping.

let vault: TestVault;
let runtime: pg.Client;

beforeAll(async () => {
  vault = await startTestVault();
  runtime = new pg.Client({ connectionString: runtimeUrlFor(vault.databaseUrl) });
  await runtime.connect();
});

afterAll(async () => {
  await runtime?.end();
  await vault?.destroy();
});

async function sqlState(statement: string): Promise<string | null> {
  try {
    await runtime.query(statement);
    return null;
  } catch (error) {
    return (error as { code?: string }).code ?? 'unknown';
  }
}

describe('database roles', () => {
  it('serves requests as the runtime role', async () => {
    const { rows } = await sql<{ user: string }>`select current_user as user`.execute(vault.ctx.db);
    expect(rows[0]!.user).toBe('coffre_runtime');
  });

  it.each([
    ['update audit_events', 'update audit_events set outcome = outcome'],
    ['delete from audit_events', 'delete from audit_events'],
    ['truncate audit_events', 'truncate audit_events'],
    ['update audit_checkpoints', 'update audit_checkpoints set seq = seq'],
    ['delete from audit_checkpoints', 'delete from audit_checkpoints'],
    ['truncate audit_checkpoints', 'truncate audit_checkpoints'],
    ['read the migration table', 'select * from kysely_migration'],
    ['create a table', 'create table intruder (id int)'],
    ['disable the audit triggers', 'alter table audit_events disable trigger user'],
  ])('refuses the runtime role to %s', async (_label, statement) => {
    expect(await sqlState(statement)).toBe('42501');
  });

  it('lets the runtime role read the audit log', async () => {
    expect(await sqlState('select count(*) from audit_events')).toBeNull();
  });
});
