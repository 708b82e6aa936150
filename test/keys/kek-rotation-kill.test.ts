import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SPECIMENS, fixture, getBytes, superuserQuery, uploadSpecimen } from '../documents/document-api.js';
import { findOrCreateAccount } from '../../server/identity/account.repository.js';
import { TEST_SESSION_ISSUER, openSession, type TestSession } from '../support/open-session.js';
import { signIn } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';
import { keyStatus, rotationSummary, runCommand, seededRandom, spawnCommand, type CommandResult, type VaultSettings } from './key-cli.js';

// A rotation killed with SIGKILL at random points, then run again to its end,
// leaves every document of every person readable under the new KEK. The kill
// points come from a seeded generator: set COFFRE_TEST_SEED to replay a run.

const PEOPLE = 8;
// People who never uploaded: their user keys make the rotation long enough (one
// transaction each at batch size 1) for kills to land between batches.
const KEY_ONLY_PEOPLE = 150;
const KILLED_RUNS = 4;
// Each run starts Node and tsx, which takes seconds on a loaded machine.
const TEST_TIMEOUT_MS = 180_000;
const SEED = Number(process.env.COFFRE_TEST_SEED ?? Math.floor(Math.random() * 2 ** 31));

interface StoredDocument {
  owner: TestSession;
  id: string;
  sha256: string;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let vault: TestVault;
let settings: VaultSettings;
const documents: StoredDocument[] = [];

beforeAll(async () => {
  vault = await startTestVault();
  settings = { databaseUrl: vault.databaseUrl, dataDir: vault.dataDir };

  // Camille signs in through the provider, so her session keeps a sealed ID token.
  const people: TestSession[] = [await signIn(vault, 'camille')];
  for (let index = 1; index < PEOPLE; index += 1) people.push(await openSession(vault, `rotation-person-${index}`));
  for (const [index, owner] of people.entries()) {
    for (const specimen of [SPECIMENS[index % SPECIMENS.length]!, SPECIMENS[(index + 3) % SPECIMENS.length]!]) {
      const created = await uploadSpecimen(vault, owner, specimen.file, specimen.category);
      documents.push({ owner, id: created.id, sha256: sha256(fixture(specimen.file)) });
    }
  }
  await vault.ctx.db.transaction().execute(async (trx) => {
    for (let index = 0; index < KEY_ONLY_PEOPLE; index += 1) {
      await findOrCreateAccount(trx, vault.ctx.keys, TEST_SESSION_ISSUER, `rotation-key-only-${index}`);
    }
  });
});

afterAll(async () => {
  await vault?.destroy();
});

async function expectEveryDocumentIntact(): Promise<void> {
  for (const document of documents) {
    const response = await getBytes(vault, document.owner, `/api/v1/documents/${document.id}/content`);
    expect(response.status).toBe(200);
    expect(sha256(response.body)).toBe(document.sha256);
  }
}

/** Runs the rotation and kills it with SIGKILL once it has printed `lines` lines, after `delayMs`. */
async function killedRotation(lines: number, delayMs: number): Promise<CommandResult> {
  let seen = 0;
  const { child, done } = spawnCommand(settings, 'keys-rotate.ts', ['--batch-size', '1', '--pause-ms', '5'], () => {
    seen += 1;
    if (seen === lines) setTimeout(() => child.kill('SIGKILL'), delayMs);
  });
  // Zero lines: a kill on a timer, before or during the first steps.
  if (lines === 0) setTimeout(() => child.kill('SIGKILL'), delayMs);
  return done;
}

function targetsIn(stdout: string): string[] {
  return [...stdout.matchAll(/(?:created KEK|continuing the rotation to KEK) (kek-[0-9a-f]{16})/g)].map((match) => match[1]!);
}

describe('KEK rotation killed at random points', () => {
  it('resumes to the same KEK and keeps every document', async () => {
    console.log(`KEK rotation kill test seed: ${SEED} (replay with COFFRE_TEST_SEED=${SEED})`);
    const random = seededRandom(SEED);
    const before = await keyStatus(settings);
    const oldKekId = before.currentKekId;
    expect(before.heldKekIds).toEqual([oldKekId]);
    expect(before.userKeys).toEqual({ [oldKekId]: PEOPLE + KEY_ONLY_PEOPLE });

    const targets = new Set<string>();
    let completed = false;
    for (let run = 0; run < KILLED_RUNS && !completed; run += 1) {
      // Up to 40 lines a run, so four runs rarely reach the end of about 160 lines.
      const lines = Math.floor(random() * 41);
      const delayMs = lines === 0 ? 500 + Math.floor(random() * 2500) : Math.floor(random() * 20);
      const result = await killedRotation(lines, delayMs);
      const steps = result.stdout.split('\n').filter((line) => line !== '' && !line.startsWith('re-wrapped') && !/^[{}\s"\]]/.test(line));
      console.log(`run ${run}: kill after ${lines} line(s) + ${delayMs} ms, ended by ${result.signal ?? `exit ${result.code}`}; ${steps.join('; ')}`);
      for (const target of targetsIn(result.stdout)) targets.add(target);
      completed = result.code === 0;
      if (!completed) expect(result.signal, `run ${run} (seed ${SEED}): ${result.stderr}`).toBe('SIGKILL');

      // Between runs, the vault serves documents under either KEK.
      const sample = documents[Math.floor(random() * documents.length)]!;
      const response = await getBytes(vault, sample.owner, `/api/v1/documents/${sample.id}/content`);
      expect(response.status, `seed ${SEED}`).toBe(200);
      expect(sha256(response.body)).toBe(sample.sha256);
    }

    // A run killed after its last step but before its exit has finished the rotation.
    // A further run would start another one, so the operator checks keys:status first.
    const between = await keyStatus(settings);
    if (!completed && (between.heldKekIds.length > 1 || between.currentKekId === oldKekId)) {
      const final = await runCommand(settings, 'keys-rotate.ts', ['--batch-size', '1']);
      expect(final.code, `seed ${SEED}: ${final.stderr}`).toBe(0);
      for (const target of targetsIn(final.stdout)) targets.add(target);
      expect(rotationSummary(final.stdout).retiredKekIds).toEqual([oldKekId]);
    }

    expect([...targets], `seed ${SEED}`).toHaveLength(1);
    const [newKekId] = [...targets];
    expect(newKekId).not.toBe(oldKekId);

    const after = await keyStatus(settings);
    expect(after.currentKekId).toBe(newKekId);
    expect(after.heldKekIds).toEqual([newKekId]);
    expect(after.retiredKeks.map((row) => row.kekId)).toEqual([oldKekId]);
    expect(after.userKeys).toEqual({ [newKekId!]: PEOPLE + KEY_ONLY_PEOPLE });
    expect(after.auditSigningKeys).toEqual({ [newKekId!]: 1 });
    expect(after.tokenSigningKeys).toEqual({ [newKekId!]: 1 });
    expect(after.sessionIdTokens).toEqual({ [newKekId!]: 1 });

    // The old key is gone from the file, not only from the database.
    const keyFile = await readFile(path.join(vault.dataDir, 'master-key.json'), 'utf8');
    expect(keyFile).not.toContain(oldKekId);
    const retirements = await superuserQuery(vault, "select resource_id from audit_events where action = 'kek.retire'");
    expect(retirements).toEqual([{ resource_id: oldKekId }]);

    await expectEveryDocumentIntact();
  }, TEST_TIMEOUT_MS);

  it('leaves the database rejecting new wraps under the retired KEK', async () => {
    const { retiredKeks } = await keyStatus(settings);
    const retired = retiredKeks[0]!.kekId;

    const accountId = '00000000-0000-4000-8000-000000000001';
    await superuserQuery(vault, "insert into accounts (id, issuer, subject) values ($1, 'urn:test', 'retired-kek')", [accountId]);

    const insert = superuserQuery(vault, "insert into user_keys (account_id, kek_id, wrapped_key) values ($1, $2, '\\x00')", [accountId, retired]);

    await expect(insert).rejects.toThrow(`KEK ${retired} is retired`);
  });
});
