import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createDatabaseSignatureVerifier } from '../../audit/checkpoint-signatures.js';
import { verifyChain } from '../../audit/verify.js';
import { fixture, getBytes, postParts, superuserQuery, uploadParts, uploadSpecimen } from '../documents/document-api.js';
import { fetchWithJar, signIn, signInUntilCallback, type SignedIn } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';

// No access without its record: when the audit log cannot be written, or its
// chain lock stays taken past the timeout, each audited request fails with 503
// `audit_unavailable`, sends no content byte and changes nothing. Under
// concurrent load the chain stays gapless and valid.

// Each refusal test waits this long. The 50 parallel reads below queue on
// the chain lock, and at 500 ms some of them timed out (503) when the suite's
// browser tests loaded both cores at the same time.
const LOCK_TIMEOUT_MS = 2000;

let vault: TestVault;
let camille: SignedIn;
let documentId: string;

beforeAll(async () => {
  vault = await startTestVault({ COFFRE_AUDIT_LOCK_TIMEOUT_MS: String(LOCK_TIMEOUT_MS) });
  camille = await signIn(vault, 'camille');
  documentId = (await uploadSpecimen(vault, camille, 'certificat-medical-scan.jpg', 'medical')).id;
});

afterAll(async () => {
  await vault?.destroy();
});

/** Rows that any of the audited requests below could add, counted as the superuser. */
async function rowCounts(): Promise<Record<string, number>> {
  const [row] = await superuserQuery(
    vault,
    `select (select count(*) from documents) as documents, (select count(*) from document_chunks) as chunks,
            (select count(*) from sessions) as sessions, (select count(*) from accounts) as accounts,
            (select count(*) from audit_events) as audit_events`,
  );
  return Object.fromEntries(Object.entries(row!).map(([name, value]) => [name, Number(value)]));
}

function expectAuditUnavailable(response: { status: number; headers: Record<string, string | undefined> }, body: { code?: string; title?: string; detail?: string }): void {
  expect(response.status).toBe(503);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.headers['content-disposition']).toBeUndefined();
  expect(body.code).toBe('audit_unavailable');
  expect(body.title).toBe('Service momentanément indisponible');
  expect(body.detail).toMatch(/journal des accès/);
}

function problemOf(response: request.Response): { code?: string; title?: string; detail?: string } {
  return Buffer.isBuffer(response.body) ? JSON.parse(response.body.toString('utf8')) : response.body;
}

/** The audited requests that must fail closed, each checked for 503, no content and no change. */
function failClosedCases(): void {
  it('upload returns 503 and stores nothing', async () => {
    const before = await rowCounts();
    const response = await postParts(vault, camille, uploadParts({ category: 'decision_mdph', fileName: 'n.pdf', data: fixture('notification-rqth.pdf') }));
    expectAuditUnavailable(response, problemOf(response));
    expect(await rowCounts()).toEqual(before);
  });

  it('download returns 503 and sends no content byte', async () => {
    const before = await rowCounts();
    const response = await getBytes(vault, camille, `/api/v1/documents/${documentId}/content`);
    expectAuditUnavailable(response, problemOf(response));
    expect((response.body as Buffer).includes(fixture('certificat-medical-scan.jpg').subarray(0, 16))).toBe(false);
    expect(await rowCounts()).toEqual(before);
  });

  it('sign-in returns 503 and opens no session', async () => {
    const { callbackUrl, jar } = await signInUntilCallback(vault, 'camille');
    const before = await rowCounts();
    const response = await fetchWithJar(callbackUrl, jar, { headers: { accept: 'application/json' } });
    const body = (await response.json()) as { code?: string; title?: string; detail?: string };
    expectAuditUnavailable({ status: response.status, headers: { 'content-type': response.headers.get('content-type') ?? undefined } }, body);
    expect(response.headers.getSetCookie().some((line) => /coffre_session=[^;]+/.test(line))).toBe(false);
    expect(await rowCounts()).toEqual(before);
  });
}

describe('audit insert revoked from the runtime role', () => {
  beforeAll(async () => {
    await superuserQuery(vault, 'revoke insert on audit_events from coffre_runtime');
  });

  afterAll(async () => {
    await superuserQuery(vault, 'grant insert on audit_events to coffre_runtime');
  });

  failClosedCases();
});

describe('chain lock held past the timeout', () => {
  let holder: pg.Client;

  beforeAll(async () => {
    holder = new pg.Client({ connectionString: vault.databaseUrl });
    await holder.connect();
    // An append locks its chain's head row, so holding every head row in an
    // open transaction makes every append wait.
    await holder.query('begin');
    await holder.query('select chain from audit_chain_heads for update');
  });

  afterAll(async () => {
    await holder.query('rollback');
    await holder.end();
  });

  failClosedCases();

  it('gives up after the configured wait', async () => {
    const started = Date.now();
    const response = await request(vault.url).get(`/api/v1/documents/${documentId}`).set('Cookie', camille.cookie);
    const elapsed = Date.now() - started;
    expect(response.status).toBe(503);
    expect(elapsed).toBeGreaterThanOrEqual(LOCK_TIMEOUT_MS);
    // Generous bound against a slow machine; without the timeout it would wait forever.
    expect(elapsed).toBeLessThan(LOCK_TIMEOUT_MS + 10_000);
  });
});

describe('concurrent audited requests', () => {
  it('50 parallel reads leave a gapless valid chain', async () => {
    const before = await rowCounts();
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => request(vault.url).get(`/api/v1/documents/${documentId}`).set('Cookie', camille.cookie)),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));

    // Gapless within each chain: seqs 1 to n, n entries.
    const chains = await superuserQuery(vault, 'select chain, count(*) as count, min(seq) as first, max(seq) as last from audit_events group by chain');
    const total = chains.reduce((sum, chain) => sum + Number(chain.count), 0);
    expect(total).toBe(before.audit_events! + 50);
    for (const chain of chains) {
      expect(Number(chain.first)).toBe(1);
      expect(Number(chain.last)).toBe(Number(chain.count));
    }

    const report = await verifyChain(vault.ctx.db, { verifySignature: await createDatabaseSignatureVerifier(vault.ctx.db, vault.ctx.keys) });
    expect(report.valid).toBe(true);
    expect(report.entriesChecked).toBe(total);
  });
});
