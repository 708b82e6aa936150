import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { appendAuditEvent } from '../../audit/append.js';
import { runtimeUrlFor } from '../support/empty-database.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

// The command an operator or a DPO runs: its exit code is what scripts and
// monitoring read, so a broken chain must end with 1, not only say so.

const run = promisify(execFile);
const PROJECT = fileURLToPath(new URL('../../', import.meta.url));

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  for (let index = 0; index < 5; index += 1) {
    await database.db.transaction().execute((trx) =>
      appendAuditEvent(trx, {
        actorType: 'system', actorId: null, subjectId: null, action: 'test.event', resourceType: null, resourceId: null,
        outcome: 'allow', reason: null, requestId: null, sourceAddress: null,
      }),
    );
  }
});

afterAll(async () => {
  await database?.destroy();
});

async function auditVerify(): Promise<{ code: number; report: { valid: boolean; entriesChecked: number; failure?: { kind: string; seq: number } } }> {
  const env = { ...process.env, DATABASE_URL: database.url, COFFRE_RUNTIME_DATABASE_URL: runtimeUrlFor(database.url), LOG_LEVEL: 'error' };
  try {
    const { stdout } = await run(path.join(PROJECT, 'node_modules/.bin/tsx'), ['server/cli/audit-verify.ts'], { cwd: PROJECT, env });
    return { code: 0, report: JSON.parse(stdout) };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, report: JSON.parse(failed.stdout) };
  }
}

describe('npm run audit:verify', () => {
  it('exits 0 on an intact chain', async () => {
    // The runtime role reads the chain; grant it as the vault's start would.
    await sql`grant select on audit_events, audit_checkpoints, audit_signing_keys to coffre_runtime`.execute(database.db);

    const { code, report } = await auditVerify();
    expect(code).toBe(0);
    expect(report.valid).toBe(true);
    expect(report.entriesChecked).toBe(5);
  });

  it('exits 1 on a tampered chain, naming the entry', async () => {
    await sql`alter table audit_events disable trigger user`.execute(database.db);
    await sql`update audit_events set canonical = convert_to(replace(convert_from(canonical, 'UTF8'), '"allow"', '"deny"'), 'UTF8'), outcome = 'deny' where seq = 3`.execute(database.db);
    await sql`alter table audit_events enable trigger user`.execute(database.db);

    const { code, report } = await auditVerify();
    expect(code).toBe(1);
    expect(report.valid).toBe(false);
    expect(report.failure).toMatchObject({ kind: 'hash_mismatch', seq: 3 });
  });
});
