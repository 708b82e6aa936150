import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fixture, postParts, superuserQuery, uploadParts } from '../documents/document-api.js';
import { createGrant, devPartner, partnerRequest, postJson, tokenFor, type TestPartner } from '../grants/grant-api.js';
import { signIn, type SignedIn } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';

// Distinctive metadata that must never reach the DPO: the journal and the
// exports carry ids and codes only.
const SECRET_TITLE = 'Titre-Confidentiel-Journal-7391';
const SECRET_FILE_NAME = 'NomDeFichier-Secret-Journal-4821.pdf';

let vault: TestVault;
let dpo: SignedIn;
let admin: SignedIn;
let camille: SignedIn;
let dominique: SignedIn;
let capEmploi: TestPartner;
let camilleDocumentId: string;
/** Every body the DPO received in this file, searched for titles and file names at the end. */
const dpoBodies: string[] = [];

type JournalItem = {
  seq: number;
  time: string;
  actorType: string;
  actorId: string | null;
  subjectId: string | null;
  action: string;
  actionLabel: string;
  outcome: string;
  reason: string | null;
  reasonLabel: string | null;
  partnerId: string | null;
  grantId: string | null;
};

beforeAll(async () => {
  vault = await startTestVault();
  dpo = await signIn(vault, 'dpo');
  admin = await signIn(vault, 'admin');
  camille = await signIn(vault, 'camille');
  dominique = await signIn(vault, 'dominique');
  capEmploi = await devPartner(vault, 'cap-emploi-de-nulle-part');

  const upload = await postParts(vault, camille, uploadParts({ category: 'decision_mdph', fileName: SECRET_FILE_NAME, data: fixture('notification-rqth.pdf'), title: SECRET_TITLE }));
  expect(upload.status).toBe(201);
  camilleDocumentId = upload.body.id;
  const other = await postParts(vault, dominique, uploadParts({ category: 'medical', fileName: 'certificat.jpg', data: fixture('certificat-medical-scan.jpg') }));
  expect(other.status).toBe(201);

  // Cap emploi downloads the document, then is refused once the grant is revoked.
  const grant = await createGrant(vault, camille, { partnerId: capEmploi.id, purpose: 'employment_support', documentIds: [camilleDocumentId] });
  const token = await tokenFor(vault, capEmploi);
  const contentPath = `/partner/v1/grants/${grant.id}/documents/${camilleDocumentId}/content`;
  expect((await partnerRequest(vault, 'get', contentPath, token)).status).toBe(200);
  expect((await postJson(vault, camille, `/api/v1/grants/${grant.id}/revoke`)).status).toBe(200);
  expect((await partnerRequest(vault, 'get', contentPath, token)).status).toBe(403);
});

afterAll(async () => {
  await vault?.destroy();
});

/** GETs the journal as `session`, keeping every DPO body for the metadata check. */
async function journal(query: Record<string, string | string[]> = {}, session: SignedIn = dpo, headers: Record<string, string> = {}): Promise<request.Response> {
  const test = request(vault.url).get('/dpo/v1/audit/events').query(query).set('Cookie', session.cookie);
  for (const [name, value] of Object.entries(headers)) test.set(name, value);
  const response = await test;
  if (session === dpo) dpoBodies.push(response.text);
  return response;
}

async function items(query: Record<string, string> = {}): Promise<JournalItem[]> {
  const response = await journal({ limit: '200', ...query });
  expect(response.status).toBe(200);
  return response.body.items;
}

async function countEntries(action: string, outcome?: string): Promise<number> {
  const [row] = await superuserQuery<{ count: string }>(
    vault,
    'select count(*) as count from audit_events where action = $1 and ($2::text is null or outcome = $2)',
    [action, outcome ?? null],
  );
  return Number(row!.count);
}

/** GETs an export as the DPO, buffering the body as text whatever its media type. */
async function exportText(query: Record<string, string> = {}): Promise<request.Response & { text: string }> {
  const response = await request(vault.url)
    .get('/dpo/v1/audit/export')
    .query(query)
    .set('Cookie', dpo.cookie)
    .buffer(true)
    .parse((res, callback) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => callback(null, Buffer.concat(chunks).toString('utf8')));
    });
  const text = response.body as string;
  dpoBodies.push(text);
  return Object.assign(response, { text });
}

describe('DPO routes role matrix', () => {
  const routes = ['/dpo/v1/audit/events', '/dpo/v1/audit/export'];

  it.each(routes)('%s rejects a request without session', async (route) => {
    const response = await request(vault.url).get(route);
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('unauthenticated');
  });

  it.each(routes)('%s forbids a person', async (route) => {
    const response = await request(vault.url).get(route).set('Cookie', camille.cookie);
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('forbidden');
  });

  it.each(routes)('%s forbids an administrator', async (route) => {
    const response = await request(vault.url).get(route).set('Cookie', admin.cookie);
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('forbidden');
  });

  it('accepts the DPO on the journal', async () => {
    expect((await journal()).status).toBe(200);
  });

  it('accepts the DPO on the export', async () => {
    expect((await exportText()).status).toBe(200);
  });

  it('records a refused access with its reason', async () => {
    const [row] = await superuserQuery<{ actor_type: string; reason: string }>(
      vault,
      "select actor_type, reason from audit_events where action = 'audit.search' and outcome = 'deny' and actor_id = $1",
      [camille.accountId],
    );
    expect(row).toEqual({ actor_type: 'person', reason: 'role_not_allowed' });
  });
});

describe('DPO journal filters', () => {
  it('narrows to one person', async () => {
    const found = await items({ personId: camille.accountId });
    expect(found.length).toBeGreaterThan(3);
    for (const item of found) expect(item.subjectId).toBe(camille.accountId);
    expect(found.some((item) => item.action === 'document.upload')).toBe(true);
  });

  it('keeps another person out of a person filter', async () => {
    const found = await items({ personId: dominique.accountId });
    expect(found.length).toBeGreaterThan(0);
    for (const item of found) expect(item.subjectId).toBe(dominique.accountId);
  });

  it('narrows to one actor', async () => {
    const found = await items({ actorId: capEmploi.id });
    expect(found.length).toBeGreaterThan(0);
    for (const item of found) expect(item.actorId).toBe(capEmploi.id);
  });

  it('narrows to one partner', async () => {
    const found = await items({ partnerId: capEmploi.id });
    expect(found.map((item) => item.action)).toEqual(expect.arrayContaining(['grant.create', 'grant.revoke', 'partner.document.download']));
    for (const item of found) expect(item.partnerId).toBe(capEmploi.id);
  });

  it('narrows to one action', async () => {
    const found = await items({ action: 'document.upload' });
    expect(found).toHaveLength(2);
    for (const item of found) expect(item.action).toBe('document.upload');
  });

  it('narrows to refusals', async () => {
    const found = await items({ outcome: 'deny' });
    for (const item of found) expect(item.outcome).toBe('deny');
    const revoked = found.find((item) => item.action === 'partner.document.download');
    expect(revoked?.reason).toBe('grant_revoked');
    expect(revoked?.reasonLabel).toBe('Partage révoqué');
  });

  it('narrows to a time range', async () => {
    const all = await items();
    const times = [...new Set(all.map((item) => item.time))].sort();
    expect(times.length).toBeGreaterThan(2);
    const middle = times[Math.floor(times.length / 2)]!;

    const after = await items({ from: middle });
    expect(after.length).toBeGreaterThan(0);
    for (const item of after) expect(item.time >= middle).toBe(true);

    const before = await items({ to: middle });
    expect(before.length).toBeGreaterThan(0);
    for (const item of before) expect(item.time < middle).toBe(true);
  });

  it('labels actions in French, English on request', async () => {
    const [french] = await items({ action: 'document.upload' });
    expect(french?.actionLabel).toBe('Dépôt d\'un document');
    const english = await journal({ action: 'document.upload' }, dpo, { 'Accept-Language': 'en' });
    expect(english.body.items[0].actionLabel).toBe('Document upload');
  });
});

describe('DPO journal pagination', () => {
  it('walks the log newest first by cursor', async () => {
    // Not a person filter: each search narrowed to a person adds an entry about that person.
    const filter = { actorId: camille.accountId };
    const whole = await items(filter);
    const walked: number[] = [];
    let cursor: string | null = null;
    do {
      const response: request.Response = await journal({ ...filter, limit: '2', ...(cursor ? { cursor } : {}) });
      expect(response.status).toBe(200);
      expect(response.body.items.length).toBeLessThanOrEqual(2);
      walked.push(...response.body.items.map((item: JournalItem) => item.seq));
      cursor = response.body.nextCursor;
    } while (cursor !== null);

    expect(walked).toEqual(whole.map((item) => item.seq));
    expect([...walked].sort((a, b) => b - a)).toEqual(walked);
  });

  it('defaults to 50 items', async () => {
    for (let index = 0; index < 50; index += 1) {
      expect((await request(vault.url).get('/api/v1/documents').set('Cookie', camille.cookie)).status).toBe(200);
    }
    const response = await journal();
    expect(response.body.items.length).toBe(50);
    expect(response.body.nextCursor).toEqual(expect.any(String));
  });
});

describe('DPO journal validation', () => {
  const cases: Array<[string, Record<string, string | string[]>, string]> = [
    ['limit zero', { limit: '0' }, 'limit'],
    ['limit above 200', { limit: '201' }, 'limit'],
    ['unknown outcome', { outcome: 'maybe' }, 'outcome'],
    ['time without zone', { from: '2026-01-31T09:30:00' }, 'from'],
    ['time as words', { to: 'yesterday' }, 'to'],
    ['repeated person', { personId: ['a', 'b'] }, 'personId'],
    ['id with spaces', { actorId: 'un titre' }, 'actorId'],
    ['action not a code', { action: 'Document Upload' }, 'action'],
    ['forged cursor', { cursor: 'bm90LWEtY3Vyc29y' }, 'cursor'],
    ['unknown parameter', { title: 'x' }, 'title'],
    ['range reversed', { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'to'],
  ];

  it.each(cases)('rejects %s', async (_name, query, field) => {
    const response = await journal(query);
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('validation_failed');
    expect(response.body.detail).toContain(`« ${field} »`);
  });
});

describe('DPO journal audit', () => {
  it('records each search after its query', async () => {
    const before = await countEntries('audit.search');
    const response = await journal({ action: 'audit.search', limit: '200' });
    expect(await countEntries('audit.search')).toBe(before + 1);

    // The search ran before its own entry was appended.
    expect(response.body.items).toHaveLength(before);
    const [latest] = await superuserQuery<{ actor_type: string; actor_id: string }>(
      vault,
      "select actor_type, actor_id from audit_events where action = 'audit.search' order by time desc, chain desc, seq desc limit 1",
    );
    expect(latest).toEqual({ actor_type: 'dpo', actor_id: dpo.accountId });
  });

  it('records a search narrowed to a person with that subject', async () => {
    await journal({ personId: dominique.accountId });
    const [latest] = await superuserQuery<{ subject_id: string }>(vault, "select subject_id from audit_events where action = 'audit.search' order by time desc, chain desc, seq desc limit 1");
    expect(latest?.subject_id).toBe(dominique.accountId);
  });

  it('records each export before its bytes', async () => {
    const before = await countEntries('audit.export', 'allow');
    // The longest chain, so that the range contains entries 2 to 5.
    const [longest] = await superuserQuery<{ chain: number }>(vault, 'select chain from audit_events group by chain order by count(*) desc limit 1');
    const response = await exportText({ format: 'csv', chain: String(longest!.chain), fromSeq: '2', toSeq: '5' });
    expect(response.status).toBe(200);
    expect(await countEntries('audit.export', 'allow')).toBe(before + 1);
    const [latest] = await superuserQuery<{ actor_type: string; actor_id: string; resource_id: string }>(
      vault,
      "select actor_type, actor_id, resource_id from audit_events where action = 'audit.export' order by time desc, chain desc, seq desc limit 1",
    );
    expect(latest).toEqual({ actor_type: 'dpo', actor_id: dpo.accountId, resource_id: `chain-${longest!.chain}-seq-2-5` });
  });
});

describe('DPO responses', () => {
  it('never contain a title or file name', async () => {
    const exported = await exportText();
    expect(exported.text).toContain('"type":"entry"');
    expect(dpoBodies.length).toBeGreaterThan(20);
    for (const body of dpoBodies) {
      expect(body).not.toContain(SECRET_TITLE);
      expect(body).not.toContain(SECRET_FILE_NAME);
      expect(body).not.toContain('NomDeFichier');
    }
  });
});
