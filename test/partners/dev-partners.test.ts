import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig } from '../../server/config/config.js';
import { startVault, type RunningVault } from '../../server/vault.js';
import { createEmptyDatabase, runtimeUrlFor } from '../support/empty-database.js';
import { freePort } from '../support/free-port.js';
import { partnerToken, readDevPartner } from '../support/partner-client.js';
import { expectNoClientCheckedOut } from '../support/test-vault.js';
import { queryAsSuperuser } from './partner-test-support.js';

const SLUGS = ['cap-emploi-de-nulle-part', 'cfa-des-essais'] as const;

let dataDir: string;
const databases: Array<Awaited<ReturnType<typeof createEmptyDatabase>>> = [];

beforeAll(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'coffre-dev-partners-'));
});

afterAll(async () => {
  for (const database of databases) await database.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts a vault on `dataDir` and `databaseUrl`, runs `check`, and stops it. */
async function withVault(databaseUrl: string, check: (vault: RunningVault & { dataDir: string }) => Promise<void>): Promise<void> {
  const port = String(await freePort());
  const vault = await startVault(
    loadConfig({
      NODE_ENV: 'test',
      PORT: port,
      COFFRE_PUBLIC_URL: `http://127.0.0.1:${port}`,
      COFFRE_DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      COFFRE_RUNTIME_DATABASE_URL: runtimeUrlFor(databaseUrl),
      LOG_LEVEL: 'error',
    }),
  );
  try {
    await check({ ...vault, dataDir });
  } finally {
    await expectNoClientCheckedOut(vault);
    await vault.stop();
  }
}

async function newDatabase(): Promise<string> {
  const database = await createEmptyDatabase();
  databases.push(database);
  return database.url;
}

async function storedPartners(databaseUrl: string): Promise<Array<{ name: string; kind: string; client_id: string; status: string; kids: string[] }>> {
  return queryAsSuperuser(
    databaseUrl,
    `select p.name, p.kind, p.client_id, p.status, array_agg(k.kid order by k.kid) as kids
       from partners p join partner_keys k on k.partner_id = p.id group by p.id order by p.name`,
  );
}

describe('development partners', () => {
  let firstDatabase: string;
  const clientIds: Record<string, string> = {};

  it('get private files on first start', async () => {
    firstDatabase = await newDatabase();
    await withVault(firstDatabase, async (vault) => {
      expect(statSync(path.join(dataDir, 'dev-partners')).mode & 0o777).toBe(0o700);
      for (const slug of SLUGS) {
        expect(statSync(path.join(dataDir, 'dev-partners', `${slug}.json`)).mode & 0o777).toBe(0o600);
        const partner = await readDevPartner(vault, slug);
        expect(partner.clientId).toMatch(/^partner-[0-9a-f]{32}$/);
        expect(partner.privateJwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', kid: expect.any(String), d: expect.any(String) });
        clientIds[slug] = partner.clientId;
      }
      expect((await readDevPartner(vault, 'cap-emploi-de-nulle-part')).name).toBe('Cap emploi de Nulle-Part');
      expect((await readDevPartner(vault, 'cfa-des-essais')).name).toBe('CFA des Essais');
    });
  });

  it('are registered with their public key and audited as seeded by the system', async () => {
    const cap = await readDevPartner({ dataDir }, 'cap-emploi-de-nulle-part');
    const cfa = await readDevPartner({ dataDir }, 'cfa-des-essais');
    expect(await storedPartners(firstDatabase)).toEqual([
      { name: 'CFA des Essais', kind: 'training_centre', client_id: cfa.clientId, status: 'active', kids: [cfa.privateJwk.kid] },
      { name: 'Cap emploi de Nulle-Part', kind: 'cap_emploi', client_id: cap.clientId, status: 'active', kids: [cap.privateJwk.kid] },
    ]);

    const [stored] = await queryAsSuperuser<{ public_jwk: Record<string, unknown> }>(firstDatabase, 'select public_jwk from partner_keys limit 1');
    expect(stored!.public_jwk.d).toBeUndefined();

    const audit = await queryAsSuperuser(firstDatabase, "select actor_type, actor_id, reason from audit_events where action = 'partner.register'");
    expect(audit).toEqual([
      { actor_type: 'system', actor_id: null, reason: 'dev_seed' },
      { actor_type: 'system', actor_id: null, reason: 'dev_seed' },
    ]);
  });

  it('keep their client ids and rows across a restart', async () => {
    await withVault(firstDatabase, async (vault) => {
      for (const slug of SLUGS) expect((await readDevPartner(vault, slug)).clientId).toBe(clientIds[slug]);
      expect(await storedPartners(firstDatabase)).toHaveLength(2);
      expect(await partnerToken(vault, await readDevPartner(vault, 'cfa-des-essais'))).toEqual(expect.any(String));
    });
  });

  it('are registered again from their files in a new database', async () => {
    const secondDatabase = await newDatabase();
    await withVault(secondDatabase, async (vault) => {
      const stored = await storedPartners(secondDatabase);
      expect(stored.map((partner) => partner.client_id).sort()).toEqual(Object.values(clientIds).sort());
      expect(await partnerToken(vault, await readDevPartner(vault, 'cap-emploi-de-nulle-part'))).toEqual(expect.any(String));
    });
  });
});
