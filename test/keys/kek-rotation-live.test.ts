import { createHash } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { findOrCreateAccount } from '../../server/identity/account.repository.js';
import { SPECIMENS, fixture, getBytes, superuserQuery, uploadSpecimen } from '../documents/document-api.js';
import { TEST_SESSION_ISSUER } from '../support/open-session.js';
import { signIn, type SignedIn } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';
import { keyStatus, rotationSummary, spawnCommand, type VaultSettings } from './key-cli.js';

// The vault keeps serving while a rotation runs in another process, and after it
// wraps new values under the new KEK without a restart, because its key file
// provider follows the file.

const KEY_ONLY_PEOPLE = 300;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let vault: TestVault;
let settings: VaultSettings;
let camille: SignedIn;

beforeAll(async () => {
  vault = await startTestVault();
  settings = { databaseUrl: vault.databaseUrl, dataDir: vault.dataDir };
  camille = await signIn(vault, 'camille');
  await vault.ctx.db.transaction().execute(async (trx) => {
    for (let index = 0; index < KEY_ONLY_PEOPLE; index += 1) {
      await findOrCreateAccount(trx, vault.ctx.keys, TEST_SESSION_ISSUER, `live-rotation-${index}`);
    }
  });
});

afterAll(async () => {
  await vault?.destroy();
});

describe('KEK rotation on a running vault', () => {
  it('serves uploads and downloads meanwhile', async () => {
    const first = await uploadSpecimen(vault, camille, 'notification-rqth.pdf', 'decision_mdph');
    const oldKekId = (await keyStatus(settings)).currentKekId;

    let running = true;
    let startedRewrapping!: () => void;
    const rewrapping = new Promise<void>((resolve) => (startedRewrapping = resolve));
    const rotation = spawnCommand(settings, 'keys-rotate.ts', ['--batch-size', '2', '--pause-ms', '5'], (line) => {
      if (line.startsWith('re-wrapped')) startedRewrapping();
    });
    void rotation.done.then(() => (running = false));
    await Promise.race([rewrapping, rotation.done]);

    let uploadsDuring = 0;
    let downloadsDuring = 0;
    for (let round = 0; running; round += 1) {
      const specimen = SPECIMENS[round % SPECIMENS.length]!;
      const created = await uploadSpecimen(vault, camille, specimen.file, specimen.category);
      const uploadEnded = running;

      const fresh = await getBytes(vault, camille, `/api/v1/documents/${created.id}/content`);
      const old = await getBytes(vault, camille, `/api/v1/documents/${first.id}/content`);

      expect(fresh.status).toBe(200);
      expect(sha256(fresh.body)).toBe(sha256(fixture(specimen.file)));
      expect(old.status).toBe(200);
      expect(sha256(old.body)).toBe(sha256(fixture('notification-rqth.pdf')));
      if (uploadEnded) uploadsDuring += 1;
      if (running) downloadsDuring += 2;
    }

    const result = await rotation.done;
    expect(result.code, result.stderr).toBe(0);
    expect(uploadsDuring).toBeGreaterThan(0);
    expect(downloadsDuring).toBeGreaterThan(0);
    const summary = rotationSummary(result.stdout);
    expect(summary.retiredKekIds).toEqual([oldKekId]);
    expect((await keyStatus(settings)).userKeys).toEqual({ [summary.targetKekId]: KEY_ONLY_PEOPLE + 1 });
  }, 120_000);

  it('wraps a new person key under the new KEK', async () => {
    const { currentKekId, retiredKeks } = await keyStatus(settings);
    expect(retiredKeks).toHaveLength(1);

    const dominique = await signIn(vault, 'dominique');
    const created = await uploadSpecimen(vault, dominique, 'photo-justificatif.png', 'other');
    const download = await getBytes(vault, dominique, `/api/v1/documents/${created.id}/content`);

    expect(download.status).toBe(200);
    expect(sha256(download.body)).toBe(sha256(fixture('photo-justificatif.png')));
    const rows = await superuserQuery(vault, 'select kek_id from user_keys where account_id = $1', [dominique.accountId]);
    expect(rows).toEqual([{ kek_id: currentKekId }]);
  });
});
