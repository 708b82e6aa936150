import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { envKeyProvider } from '../../crypto/env-key-provider.js';
import { kekIdOf } from '../../crypto/key-provider.js';
import { createUserKey, unwrapUserKey } from '../../crypto/user-key.js';
import { grantRuntimePrivileges } from '../../server/db/privileges.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { keyStatus, rotationSummary, runCommand, type VaultSettings } from './key-cli.js';

// With COFFRE_MASTER_KEY, the operator puts the new key first in the key set
// and removes the old one after the rotation, because the vault cannot write
// the secret store.

const OLD_KEY = randomBytes(32);
const NEW_KEY = randomBytes(32);
const OLD_ID = kekIdOf(OLD_KEY);
const NEW_ID = kekIdOf(NEW_KEY);
const PEOPLE = 5;

let database: TestDatabase;
let dataDir: string;
const people: Array<{ id: string; userKey: Uint8Array }> = [];

function withKeys(...keys: Buffer[]): VaultSettings {
  return { databaseUrl: database.url, dataDir, env: { COFFRE_MASTER_KEY: keys.map((key) => key.toString('base64')).join(',') } };
}

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'coffre-env-rotation-'));
  await grantRuntimePrivileges(database.db, 'coffre_runtime');
  const provider = envKeyProvider(OLD_KEY.toString('base64'));
  for (let index = 0; index < PEOPLE; index += 1) {
    const id = randomUUID();
    const { userKey, wrapped } = await createUserKey(provider, id);
    await database.db.insertInto('accounts').values({ id, issuer: 'urn:test', subject: `env-${index}` }).execute();
    await database.db.insertInto('user_keys').values({ account_id: id, kek_id: wrapped.kekId, wrapped_key: Buffer.from(wrapped.wrapped) }).execute();
    people.push({ id, userKey });
  }
});

afterAll(async () => {
  await database?.destroy();
  await rm(dataDir, { recursive: true, force: true });
});

describe('KEK rotation with COFFRE_MASTER_KEY', () => {
  it('rejects a single key with the steps to take', async () => {
    const result = await runCommand(withKeys(OLD_KEY), 'keys-rotate.ts');

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`COFFRE_MASTER_KEY contains one KEK (${OLD_ID})`);
    expect(result.stderr).toContain('"NEW,OLD"');
  });

  it('rejects keys that did not wrap the data', async () => {
    const result = await runCommand(withKeys(randomBytes(32), randomBytes(32)), 'keys-rotate.ts');

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Stored values are wrapped under ${OLD_ID}, which the master key does not contain`);
    expect((await keyStatus(withKeys(OLD_KEY))).userKeys).toEqual({ [OLD_ID]: PEOPLE });
  });

  it('rotates to the first key and asks to remove the old one', async () => {
    const result = await runCommand(withKeys(NEW_KEY, OLD_KEY), 'keys-rotate.ts');

    expect(result.code, result.stderr).toBe(0);
    const summary = rotationSummary(result.stdout);
    expect(summary.targetKekId).toBe(NEW_ID);
    expect(summary.created).toBe(false);
    expect(summary.rewrapped).toBe(PEOPLE);
    expect(summary.retiredKekIds).toEqual([OLD_ID]);
    expect(summary.operatorActions).toEqual([`Remove KEK ${OLD_ID} from COFFRE_MASTER_KEY in the secret store and restart every vault instance.`]);

    const status = await keyStatus(withKeys(NEW_KEY));
    expect(status.userKeys).toEqual({ [NEW_ID]: PEOPLE });
    expect(status.retiredKeks.map((row) => row.kekId)).toEqual([OLD_ID]);
  });

  it('leaves every user key readable with the new key alone', async () => {
    const provider = envKeyProvider(NEW_KEY.toString('base64'));
    const rows = await database.db.selectFrom('user_keys').select(['account_id', 'kek_id', 'wrapped_key']).execute();

    expect(rows).toHaveLength(PEOPLE);
    for (const person of people) {
      const row = rows.find((candidate) => candidate.account_id === person.id)!;
      expect(await unwrapUserKey(provider, { kekId: row.kek_id, wrapped: row.wrapped_key }, person.id)).toEqual(person.userKey);
    }
  });

  it('runs again without changes', async () => {
    const result = await runCommand(withKeys(NEW_KEY, OLD_KEY), 'keys-rotate.ts');

    expect(result.code, result.stderr).toBe(0);
    expect(rotationSummary(result.stdout).rewrapped).toBe(0);
    expect(result.stdout).toContain(`retired KEK ${OLD_ID} (already retired)`);
  });

  it('rejects a retired key put first again', async () => {
    const result = await runCommand(withKeys(OLD_KEY, NEW_KEY), 'keys-rotate.ts');

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`The current KEK ${OLD_ID} was retired by an earlier rotation`);
    expect((await keyStatus(withKeys(NEW_KEY))).userKeys).toEqual({ [NEW_ID]: PEOPLE });
  });
});
