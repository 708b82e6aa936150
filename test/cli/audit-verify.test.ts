import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
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

// A master key of the test's own: the log has no checkpoint, so no audit key needs it.
const MASTER_KEY = randomBytes(32).toString('base64');

async function runCommand(masterKey: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: Record<string, string | undefined> = { ...process.env, DATABASE_URL: database.url, COFFRE_RUNTIME_DATABASE_URL: runtimeUrlFor(database.url), LOG_LEVEL: 'error' };
  delete env.COFFRE_MASTER_KEY;
  delete env.COFFRE_MASTER_KEY_FILE;
  try {
    const { stdout, stderr } = await run(path.join(PROJECT, 'node_modules/.bin/tsx'), ['server/cli/audit-verify.ts'], { cwd: PROJECT, env: { ...env, ...masterKey } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function auditVerify(): Promise<{ code: number; report: { valid: boolean; entriesChecked: number; failure?: { kind: string; seq: number } } }> {
  const { code, stdout } = await runCommand({ COFFRE_MASTER_KEY: MASTER_KEY });
  return { code, report: JSON.parse(stdout) };
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

  it('exits 2 without the master key', async () => {
    const missing = path.join(os.tmpdir(), `coffre-no-master-key-${randomUUID()}`, 'master-key.json');

    const { code, stdout, stderr } = await runCommand({ COFFRE_MASTER_KEY_FILE: missing });

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('audit verification needs the master key');
    expect(stderr).toContain(missing);
  });
});
