import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RunningVault } from '../../server/vault.js';
import { SPECIMENS, fixture, getBytes, uploadSpecimen } from '../documents/document-api.js';
import { embeddedVaultEnv, embeddedVaultSettings, startEmbeddedVault, type EmbeddedVaultSettings } from '../support/embedded-vault.js';
import { signIn } from '../support/sign-in.js';
import { runCommand, type VaultSettings } from '../keys/key-cli.js';

// The drill on the embedded default, as its operator guide gives it: back up,
// move the cluster away, restore into a new cluster, start and verify.

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let settings: EmbeddedVaultSettings;
let commands: VaultSettings;
let backupDir: string;
let vault: RunningVault | null = null;
let accountId: string;
const documents: Array<{ id: string; sha256: string }> = [];

beforeAll(async () => {
  settings = await embeddedVaultSettings(await mkdtemp(path.join(os.tmpdir(), 'coffre-embedded-backup-')));
  commands = { databaseUrl: '', dataDir: settings.dataDir, env: embeddedVaultEnv(settings) };
  backupDir = await mkdtemp(path.join(os.tmpdir(), 'coffre-embedded-backups-'));

  vault = await startEmbeddedVault(settings);
  const camille = await signIn(vault, 'camille');
  accountId = camille.accountId;
  for (const specimen of SPECIMENS.slice(0, 3)) {
    const created = await uploadSpecimen(vault, camille, specimen.file, specimen.category);
    documents.push({ id: created.id, sha256: sha256(fixture(specimen.file)) });
  }
  await vault.stop();
  vault = null;
});

afterAll(async () => {
  await vault?.stop();
  if (settings) await rm(settings.dataDir, { recursive: true, force: true });
  if (backupDir) await rm(backupDir, { recursive: true, force: true });
});

describe('backup drill on the embedded default', () => {
  it('backs up with the vault stopped', async () => {
    const result = await runCommand(commands, 'backup.ts', [backupDir]);

    expect(result.code, result.stderr).toBe(0);
    expect((await readdir(backupDir)).filter((name) => name.endsWith('.dump'))).toHaveLength(1);
  });

  it('restores into a new cluster', async () => {
    await rm(path.join(settings.dataDir, 'postgres'), { recursive: true, force: true });

    const result = await runCommand(commands, 'restore.ts', [backupDir]);

    expect(result.code, result.stderr).toBe(0);
  }, 120_000);

  it('serves every document byte-identical', async () => {
    vault = await startEmbeddedVault(settings);
    const camille = await signIn(vault, 'camille');

    expect(camille.accountId).toBe(accountId);
    for (const document of documents) {
      const response = await getBytes(vault, camille, `/api/v1/documents/${document.id}/content`);
      expect(response.status).toBe(200);
      expect(sha256(response.body)).toBe(document.sha256);
    }
    await vault.stop();
    vault = null;
  });

  it('keeps a valid audit chain', async () => {
    const result = await runCommand(commands, 'audit-verify.ts');

    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ valid: true });
  });
});
