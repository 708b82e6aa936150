import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fixture, uploadSpecimen } from '../documents/document-api.js';
import { signIn, type SignedIn } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';
import { devPartner, getAsPerson, postJson, type TestPartner } from './grant-api.js';

// The partner client runs as its own process, as a partner would run it. The
// vault runs in this one, so the child is awaited without blocking the loop.
const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = path.join(ROOT, 'server/cli/partner-client.ts');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

const DECISIONS = ['notification-rqth.pdf', 'notification-aah.pdf', 'notification-pch.pdf', 'dossier-mdph-complet.pdf'];

let vault: TestVault;
let camille: SignedIn;
let capEmploi: TestPartner;
let cfa: TestPartner;
let outDir: string;

beforeAll(async () => {
  vault = await startTestVault();
  camille = await signIn(vault, 'camille');
  capEmploi = await devPartner(vault, 'cap-emploi-de-nulle-part');
  cfa = await devPartner(vault, 'cfa-des-essais');
  outDir = mkdtempSync(path.join(os.tmpdir(), 'coffre-partner-download-'));
});

afterAll(async () => {
  await vault?.destroy();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Runs the partner client with a partner's key file; resolves with its exit code and output. */
async function partnerClient(slug: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const key = path.join(vault.dataDir, 'dev-partners', `${slug}.json`);
  try {
    const { stdout, stderr } = await run(TSX, [CLI, '--key', key, '--url', vault.url, ...args], { cwd: ROOT, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('Camille shares her MDPH decisions with Cap emploi', () => {
  let grantId: string;

  it('uploads the decisions and shares their category', async () => {
    for (const file of DECISIONS) await uploadSpecimen(vault, camille, file, 'decision_mdph');
    const response = await postJson(vault, camille, '/api/v1/grants', { partnerId: capEmploi.id, purpose: 'employment_support', categories: ['decision_mdph'] });
    expect(response.status).toBe(201);
    grantId = response.body.id;
  });

  it('lets the partner client list the grant', async () => {
    const result = await partnerClient('cap-emploi-de-nulle-part', ['grants']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [header, line] = result.stdout.trim().split('\n');
    expect(header!.split('\t')).toEqual(['id', 'status', 'purpose', 'startsAt', 'endsAt', 'personRef']);
    expect(line!.split('\t').slice(0, 3)).toEqual([grantId, 'active', 'employment_support']);
  });

  it('lets the partner client download every decision byte for byte', async () => {
    const result = await partnerClient('cap-emploi-de-nulle-part', ['download', grantId, '--out', outDir]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);

    const lines = result.stdout.trim().split('\n').map((line) => line.split('\t'));
    const printed = new Map(lines.map(([name, size, hash]) => [name, { size: Number(size), hash }]));
    expect([...printed.keys()].sort()).toEqual([...DECISIONS].sort());
    for (const file of DECISIONS) {
      const original = fixture(file);
      expect(printed.get(file), file).toEqual({ size: original.length, hash: sha256(original) });
      expect(sha256(readFileSync(path.join(outDir, file))), file).toBe(sha256(original));
    }
  });

  it('stops the partner client once Camille revokes', async () => {
    await postJson(vault, camille, `/api/v1/grants/${grantId}/revoke`).expect(200);
    const result = await partnerClient('cap-emploi-de-nulle-part', ['download', grantId, '--out', outDir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Erreur 403 (grant_revoked)');
    expect(result.stderr).toContain('Ce partage a été révoqué par la personne');
  });
});

describe('CFA des Essais asks Camille for her RQTH notification', () => {
  let requestId: string;

  it('sends an access request with the sharing code Camille reads out', async () => {
    const code = (await postJson(vault, camille, '/api/v1/sharing-codes').expect(201)).body.code as string;
    const result = await partnerClient('cfa-des-essais', ['request', '--code', code.toLowerCase(), '--purpose', 'training_access', '--categories', 'decision_mdph', '--days', '30', '--message', 'Bonjour, pour votre inscription en BTS.']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const created = JSON.parse(result.stdout) as { id: string; status: string; grantId: string | null };
    expect(created).toMatchObject({ status: 'pending', grantId: null });
    requestId = created.id;
  });

  it('shows Camille the request with the partner message', async () => {
    const response = await getAsPerson(vault, camille, '/api/v1/access-requests');
    expect(response.body.items[0]).toMatchObject({
      id: requestId,
      partner: { id: cfa.id, name: 'CFA des Essais' },
      purpose: 'training_access',
      purposeLabel: 'Accès à une formation',
      message: 'Bonjour, pour votre inscription en BTS.',
      status: 'pending',
    });
  });

  it('lets the partner read the RQTH notification once Camille approves a shorter grant', async () => {
    const endsAt = new Date(Date.now() + 10 * 24 * 60 * 60 * 1000).toISOString();
    const approved = await postJson(vault, camille, `/api/v1/access-requests/${requestId}/approve`, { endsAt });
    expect(approved.status).toBe(200);
    expect(approved.body.request).toMatchObject({ status: 'approved', grantId: approved.body.grant.id });
    expect(approved.body.grant).toMatchObject({ partner: { id: cfa.id }, purpose: 'training_access', endsAt, status: 'active' });

    const status = await partnerClient('cfa-des-essais', ['request-status', requestId]);
    expect(status.code).toBe(0);
    const grantId = (JSON.parse(status.stdout) as { grantId: string }).grantId;
    expect(grantId).toBe(approved.body.grant.id);

    const download = await partnerClient('cfa-des-essais', ['download', grantId, '--out', path.join(outDir, 'cfa')]);
    expect(download.code).toBe(0);
    const rqth = readFileSync(path.join(outDir, 'cfa', 'notification-rqth.pdf'));
    expect(sha256(rqth)).toBe(sha256(fixture('notification-rqth.pdf')));
  });
});
