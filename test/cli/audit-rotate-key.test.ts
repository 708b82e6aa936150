import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { appendAuditEvent } from '../../audit/append.js';
import { runtimeUrlFor } from '../support/empty-database.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

// The operator's key rotation, run as the command it is, under the runtime role.

const run = promisify(execFile);
const PROJECT = fileURLToPath(new URL('../../', import.meta.url));
const MASTER_KEY = randomBytes(32).toString('base64');

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.transaction().execute((trx) =>
    appendAuditEvent(trx, {
      actorType: 'system', actorId: null, subjectId: null, action: 'test.event', resourceType: null, resourceId: null,
      outcome: 'allow', reason: null, requestId: null, sourceAddress: null,
    }),
  );
  // The runtime role's privileges on the audit tables, as the vault's start grants them.
  await sql`grant select, insert on audit_events, audit_checkpoints to coffre_runtime`.execute(database.db);
  await sql`grant select, insert, update on audit_signing_keys to coffre_runtime`.execute(database.db);
  await sql`grant select, update on audit_chain_heads to coffre_runtime`.execute(database.db);
  await sql`grant usage, select on all sequences in schema public to coffre_runtime`.execute(database.db);
});

afterAll(async () => {
  await database?.destroy();
});

async function runCommand(script: string, masterKey = MASTER_KEY): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, DATABASE_URL: database.url, COFFRE_RUNTIME_DATABASE_URL: runtimeUrlFor(database.url), COFFRE_MASTER_KEY: masterKey, LOG_LEVEL: 'error' };
  try {
    const { stdout, stderr } = await run(path.join(PROJECT, 'node_modules/.bin/tsx'), [script], { cwd: PROJECT, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm run audit:rotate-key', () => {
  it('rotates twice and keeps the chain verifiable', async () => {
    const first = await runCommand('server/cli/audit-rotate-key.ts');
    expect(first.code).toBe(0);
    const firstOutput = JSON.parse(first.stdout) as { keyId: string; retiredKeyIds: string[]; checkpoints: { chain: number; seq: number }[] };
    expect(firstOutput.keyId).toMatch(/^audit-[0-9a-f]{16}$/);
    expect(firstOutput.retiredKeyIds).toEqual([]);
    // Every entry here has no subject, actor or request, so all are in chain 0.
    expect(firstOutput.checkpoints).toEqual([{ chain: 0, seq: 2 }]);

    const second = await runCommand('server/cli/audit-rotate-key.ts');
    expect(second.code).toBe(0);
    const secondOutput = JSON.parse(second.stdout) as { keyId: string; retiredKeyIds: string[]; checkpoints: { chain: number; seq: number }[] };
    expect(secondOutput.retiredKeyIds).toEqual([firstOutput.keyId]);
    expect(secondOutput.checkpoints).toEqual([{ chain: 0, seq: 3 }]);

    const verify = await runCommand('server/cli/audit-verify.ts');
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ valid: true, entriesChecked: 3, checkpointsChecked: 2 });
  });

  it('exits 2 on an invalid master key', async () => {
    const result = await runCommand('server/cli/audit-rotate-key.ts', 'not-a-key');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/COFFRE_MASTER_KEY is invalid/);
    expect(result.stdout).toBe('');
  });
});
