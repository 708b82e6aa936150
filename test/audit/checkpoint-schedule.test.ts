import { randomBytes } from 'node:crypto';

import { sql, type Kysely } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { appendAuditEvent } from '../../audit/append.js';
import { envKeyProvider } from '../../crypto/env-key-provider.js';
import { CheckpointScheduler, type CheckpointSchedule } from '../../server/audit/checkpoint-scheduler.js';
import { loadOrCreateSigningKey, rotateSigningKey } from '../../server/audit/signing-key.repository.js';
import type { Database } from '../../server/db/schema.js';
import { waitFor } from '../documents/document-api.js';
import { resetAuditLog } from '../support/audit-log.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

// The background writer signs the head after N entries, after T seconds with
// unsigned entries, and at close. It never signs an unchanged head twice.

let database: TestDatabase;
let db: Kysely<Database>;
const keys = envKeyProvider(randomBytes(32).toString('base64'));
let scheduler: CheckpointScheduler | null = null;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db as Kysely<Database>;
});

afterAll(async () => {
  await database?.destroy();
});

beforeEach(async () => {
  await resetAuditLog(db, { signingKeys: true });
});

afterEach(async () => {
  await scheduler?.close();
  scheduler = null;
});

async function startScheduler(schedule: CheckpointSchedule): Promise<CheckpointScheduler> {
  scheduler = new CheckpointScheduler(db, keys, await loadOrCreateSigningKey(db, keys), schedule);
  scheduler.start();
  return scheduler;
}

async function appendMany(count: number): Promise<void> {
  for (let index = 0; index < count; index++) {
    await db.transaction().execute((trx) =>
      appendAuditEvent(trx, {
        actorType: 'system', actorId: null, subjectId: null, action: 'test.event', resourceType: null, resourceId: null,
        outcome: 'allow', reason: null, requestId: null, sourceAddress: null,
      }),
    );
  }
}

async function checkpoints(): Promise<Array<{ seq: number; key_id: string }>> {
  const rows = await db.selectFrom('audit_checkpoints').select(['seq', 'key_id']).orderBy('seq').orderBy('id').execute();
  return rows.map((row) => ({ seq: Number(row.seq), key_id: row.key_id }));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('checkpoint scheduler', () => {
  it('signs after the entry count', async () => {
    await startScheduler({ every: 3, seconds: 3600, pollMs: 50 });
    await appendMany(2);
    await sleep(300);
    expect(await checkpoints()).toEqual([]);

    await appendMany(1);
    expect(await waitFor(async () => (await checkpoints()).length === 1)).toBe(true);
    expect((await checkpoints())[0]!.seq).toBe(3);
  });

  it('signs after the interval', async () => {
    await startScheduler({ every: 1000, seconds: 1, pollMs: 50 });
    await appendMany(1);
    expect(await waitFor(async () => (await checkpoints()).length === 1, 5000)).toBe(true);
    expect((await checkpoints())[0]!.seq).toBe(1);
  });

  it('writes nothing while the head is unchanged', async () => {
    await startScheduler({ every: 1, seconds: 1, pollMs: 50 });
    await appendMany(1);
    expect(await waitFor(async () => (await checkpoints()).length === 1)).toBe(true);
    await sleep(1500);
    expect(await checkpoints()).toHaveLength(1);
  });

  it('signs the head at close', async () => {
    const running = await startScheduler({ every: 1000, seconds: 3600, pollMs: 50 });
    await appendMany(4);
    await running.close();
    scheduler = null;
    expect(await checkpoints()).toEqual([expect.objectContaining({ seq: 4 })]);
  });

  it('follows a rotation made elsewhere', async () => {
    const running = await startScheduler({ every: 1, seconds: 3600, pollMs: 50 });
    const rotation = await rotateSigningKey(db, keys);
    await appendMany(1);

    expect(await waitFor(async () => (await checkpoints()).some((row) => row.seq === 2 && row.key_id === rotation.key.keyId))).toBe(true);
    expect(running.keyId).toBe(rotation.key.keyId);
  });
});
