import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { findPartnerByClientId } from '../../server/partners/partner.repository.js';
import { runtimeUrlFor } from '../support/empty-database.js';
import { readDevPartner } from '../support/partner-client.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';
import { queryAsSuperuser, signingKeyPair } from './partner-test-support.js';

const run = promisify(execFile);
const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url));

let vault: TestVault;
let folder: string;

beforeAll(async () => {
  vault = await startTestVault();
  folder = mkdtempSync(path.join(os.tmpdir(), 'coffre-partner-cli-'));
});

afterAll(async () => {
  await vault?.destroy();
  rmSync(folder, { recursive: true, force: true });
});

/** Runs `npx tsx server/cli/partner.ts ...args` against the test vault's database and returns its outputs and exit code. */
async function partnerCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: vault.databaseUrl,
    COFFRE_RUNTIME_DATABASE_URL: runtimeUrlFor(vault.databaseUrl),
    COFFRE_DATA_DIR: vault.dataDir,
    LOG_LEVEL: 'error',
  };
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'server/cli/partner.ts', ...args], { cwd: REPOSITORY, env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

async function jwksFile(name: string, keys: object[]): Promise<string> {
  const file = path.join(folder, name);
  writeFileSync(file, JSON.stringify({ keys }));
  return file;
}

describe('npm run partner', () => {
  let clientId: string;

  it('add registers a partner and prints its client id', async () => {
    const { publicJwk } = await signingKeyPair('ES256', 'cle-cli');
    const file = await jwksFile('public.json', [publicJwk]);
    const result = await partnerCli('add', '--name', 'France Travail de Test', '--kind', 'france_travail', '--siret', '73282932000074', '--jwks', file);

    expect(result.code).toBe(0);
    clientId = result.stdout.trim();
    expect(clientId).toMatch(/^partner-[0-9a-f]{32}$/);
    const partner = await findPartnerByClientId(vault.ctx.db, clientId);
    expect(partner).toMatchObject({ name: 'France Travail de Test', kind: 'france_travail', siret: '73282932000074', status: 'active' });

    const audit = await queryAsSuperuser(vault.databaseUrl, "select actor_type, actor_id, source_address from audit_events where action = 'partner.register' and resource_id = $1", [partner!.id]);
    expect(audit).toEqual([{ actor_type: 'system', actor_id: null, source_address: null }]);
  });

  it('list prints every partner with its client id', async () => {
    const result = await partnerCli('list');
    const lines = result.stdout.trim().split('\n');

    expect(result.code).toBe(0);
    expect(lines[0]).toBe('id\tstatus\tkind\tclientId\tname');
    expect(lines.some((line) => line.endsWith(`\tactive\tfrance_travail\t${clientId}\tFrance Travail de Test`))).toBe(true);
    const cfa = await readDevPartner(vault, 'cfa-des-essais');
    expect(lines.some((line) => line.includes(`\t${cfa.clientId}\tCFA des Essais`))).toBe(true);
  });

  it('suspend by client id and reactivate by id change the status', async () => {
    const suspended = await partnerCli('suspend', clientId);
    expect(suspended.code).toBe(0);
    expect((await findPartnerByClientId(vault.ctx.db, clientId))?.status).toBe('suspended');
    expect((await partnerCli('list', '--status', 'suspended')).stdout).toContain(clientId);

    const id = (await findPartnerByClientId(vault.ctx.db, clientId))!.id;
    const reactivated = await partnerCli('reactivate', id);
    expect(reactivated.code).toBe(0);
    expect((await findPartnerByClientId(vault.ctx.db, clientId))?.status).toBe('active');

    const actions = await queryAsSuperuser(vault.databaseUrl, "select action, actor_type from audit_events where resource_id = $1 and action <> 'partner.register' order by time, chain, seq", [id]);
    expect(actions).toEqual([
      { action: 'partner.suspend', actor_type: 'system' },
      { action: 'partner.reactivate', actor_type: 'system' },
    ]);
  });

  it('suspend refuses an unknown partner with exit code 1', async () => {
    const result = await partnerCli('suspend', '00000000-0000-4000-8000-000000000000');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Partner not found');
  });

  it('add refuses an invalid SIRET with exit code 1, naming the field', async () => {
    const { publicJwk } = await signingKeyPair('ES256');
    const result = await partnerCli('add', '--name', 'X', '--kind', 'other', '--siret', '73282932000075', '--jwks', await jwksFile('siret.json', [publicJwk]));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('"siret"');
  });

  it('add refuses a private key with exit code 1', async () => {
    const { privateJwk } = await signingKeyPair('ES256');
    const result = await partnerCli('add', '--name', 'X', '--kind', 'other', '--jwks', await jwksFile('private.json', [privateJwk]));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('private part');
  });

  it.each([
    ['no command', []],
    ['an unknown command', ['delete']],
    ['add without --jwks', ['add', '--name', 'X', '--kind', 'other']],
    ['an unknown option', ['list', '--all']],
  ])('exits with code 2 on %s', async (_case, args) => {
    const result = await partnerCli(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage:');
  });
});
