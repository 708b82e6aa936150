import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fixture, postParts, superuserQuery, uploadParts } from '../documents/document-api.js';
import { createGrant, devPartner, partnerRequest, postJson, tokenFor, type TestPartner } from '../grants/grant-api.js';
import { signIn, type SignedIn } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';

const RQTH_TITLE = 'Notification RQTH, « historique » 2026';
const AAH_TITLE = '=Décision AAH à supprimer';

let vault: TestVault;
let camille: SignedIn;
let dominique: SignedIn;
let dpo: SignedIn;
let capEmploi: TestPartner;
let cfa: TestPartner;
let rqthId: string;
let aahId: string;
let grantId: string;

type HistoryItem = {
  time: string;
  kind: string;
  label: string;
  partner: { id: string; name: string } | null;
  purpose: string | null;
  purposeLabel: string | null;
  document: { id: string; title: string | null } | null;
  grantId: string | null;
  outcome: string;
  reason: string | null;
  reasonLabel: string | null;
};

async function upload(session: SignedIn, title: string): Promise<string> {
  const response = await postParts(vault, session, uploadParts({ category: 'decision_mdph', fileName: 'decision.pdf', data: fixture('notification-rqth.pdf'), title }));
  expect(response.status).toBe(201);
  return response.body.id;
}

beforeAll(async () => {
  vault = await startTestVault();
  camille = await signIn(vault, 'camille');
  dominique = await signIn(vault, 'dominique');
  dpo = await signIn(vault, 'dpo');
  capEmploi = await devPartner(vault, 'cap-emploi-de-nulle-part');
  cfa = await devPartner(vault, 'cfa-des-essais');

  rqthId = await upload(camille, RQTH_TITLE);
  aahId = await upload(camille, AAH_TITLE);
  await upload(dominique, 'Certificat de Dominique');

  const grant = await createGrant(vault, camille, { partnerId: capEmploi.id, purpose: 'employment_support', documentIds: [rqthId, aahId] });
  grantId = grant.id;

  // Cap emploi lists and reads both documents; the CFA tries the same grant and is refused.
  const capToken = await tokenFor(vault, capEmploi);
  expect((await partnerRequest(vault, 'get', `/partner/v1/grants/${grantId}/documents`, capToken)).status).toBe(200);
  for (const documentId of [rqthId, aahId]) {
    expect((await partnerRequest(vault, 'get', `/partner/v1/grants/${grantId}/documents/${documentId}/content`, capToken)).status).toBe(200);
  }
  const cfaToken = await tokenFor(vault, cfa);
  expect((await partnerRequest(vault, 'get', `/partner/v1/grants/${grantId}/documents/${rqthId}/content`, cfaToken)).status).toBe(404);

  // Camille deletes one document, then revokes the grant, and Cap emploi is refused after that.
  expect((await request(vault.url).delete(`/api/v1/documents/${aahId}`).set('Cookie', camille.cookie).set('X-CSRF-Token', camille.csrfToken)).status).toBe(204);
  expect((await postJson(vault, camille, `/api/v1/grants/${grantId}/revoke`)).status).toBe(200);
  expect((await partnerRequest(vault, 'get', `/partner/v1/grants/${grantId}/documents/${rqthId}/content`, capToken)).status).toBe(403);
});

afterAll(async () => {
  await vault?.destroy();
});

async function history(session: SignedIn, query: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<request.Response> {
  const test = request(vault.url).get('/api/v1/access-history').query(query).set('Cookie', session.cookie);
  for (const [name, value] of Object.entries(headers)) test.set(name, value);
  return test;
}

async function camilleItems(): Promise<HistoryItem[]> {
  const response = await history(camille, { limit: '200' });
  expect(response.status).toBe(200);
  return response.body.items;
}

function csvText(pathname: string, session: SignedIn): Promise<request.Response & { body: string }> {
  return request(vault.url)
    .get(pathname)
    .set('Cookie', session.cookie)
    .buffer(true)
    .parse((res, callback) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => callback(null, Buffer.concat(chunks).toString('utf8')));
    }) as Promise<request.Response & { body: string }>;
}

describe('access history of Camille', () => {
  it('shows each partner download with the partner, purpose and title', async () => {
    const downloads = (await camilleItems()).filter((item) => item.kind === 'document_download' && item.outcome === 'allow');
    expect(downloads).toHaveLength(2);
    const rqth = downloads.find((item) => item.document?.id === rqthId);
    expect(rqth).toMatchObject({
      label: 'Un partenaire a téléchargé un de vos documents',
      partner: { id: capEmploi.id, name: capEmploi.name },
      purpose: 'employment_support',
      purposeLabel: 'Accompagnement vers l\'emploi ou maintien dans l\'emploi',
      document: { id: rqthId, title: RQTH_TITLE },
      grantId,
      reason: null,
      reasonLabel: null,
    });
  });

  it('shows a deleted document without its title', async () => {
    const aah = (await camilleItems()).find((item) => item.kind === 'document_download' && item.document?.id === aahId);
    expect(aah?.document).toEqual({ id: aahId, title: null });
  });

  it('shows the partner listing the shared documents', async () => {
    const listing = (await camilleItems()).find((item) => item.kind === 'document_list');
    expect(listing).toMatchObject({ partner: { id: capEmploi.id, name: capEmploi.name }, outcome: 'allow', document: null, grantId });
  });

  it('shows refused partner attempts with their reason', async () => {
    const refused = (await camilleItems()).filter((item) => item.outcome === 'deny');
    const byCfa = refused.find((item) => item.partner?.id === cfa.id);
    expect(byCfa).toMatchObject({ kind: 'document_download', reason: 'grant_not_found', label: 'Tentative refusée : un partenaire a téléchargé un de vos documents' });
    // The grant and the document are Camille's own, so her history names them.
    expect(byCfa?.document).toEqual({ id: rqthId, title: RQTH_TITLE });

    const afterRevocation = refused.find((item) => item.partner?.id === capEmploi.id);
    expect(afterRevocation).toMatchObject({ kind: 'document_download', reason: 'grant_revoked', reasonLabel: 'Partage révoqué' });
  });

  it('shows the grant created and revoked', async () => {
    const kinds = (await camilleItems()).filter((item) => item.grantId === grantId).map((item) => item.kind);
    expect(kinds).toContain('grant_created');
    expect(kinds).toContain('grant_revoked');
  });

  it('lists newest first, without her own reads', async () => {
    const items = await camilleItems();
    const times = items.map((item) => item.time);
    expect([...times].sort().reverse()).toEqual(times);
    expect(items[0]).toMatchObject({ kind: 'document_download', outcome: 'deny', reason: 'grant_revoked' });
    // Her own reads of documents and of this history are not partner accesses.
    expect(items.every((item) => item.partner !== null)).toBe(true);
  });

  it('pages by cursor', async () => {
    const whole = await camilleItems();
    const walked: HistoryItem[] = [];
    let cursor: string | null = null;
    do {
      const response: request.Response = await history(camille, { limit: '2', ...(cursor ? { cursor } : {}) });
      expect(response.status).toBe(200);
      expect(response.body.items.length).toBeLessThanOrEqual(2);
      walked.push(...response.body.items);
      cursor = response.body.nextCursor;
    } while (cursor !== null);
    expect(walked).toEqual(whole);
  });

  it('speaks English on request', async () => {
    const response = await history(camille, {}, { 'Accept-Language': 'en' });
    const revoked = (response.body.items as HistoryItem[]).find((item) => item.kind === 'grant_revoked');
    expect(revoked?.label).toBe('Grant revoked');
  });

  it('records each read of the history', async () => {
    const count = async () => Number((await superuserQuery<{ count: string }>(vault, "select count(*) as count from audit_events where action = 'access_history.read' and actor_id = $1 and outcome = 'allow'", [camille.accountId]))[0]!.count);
    const before = await count();
    await history(camille);
    expect(await count()).toBe(before + 1);
  });
});

describe('access history of another person', () => {
  it('shows none of Camille\'s events to Dominique', async () => {
    const response = await history(dominique, { limit: '200' });
    expect(response.status).toBe(200);
    expect(response.body.items).toEqual([]);
    expect(response.text).not.toContain(grantId);
    expect(response.text).not.toContain(rqthId);
    expect(response.text).not.toContain('RQTH');
  });
});

describe('access history CSV', () => {
  it.each(['/api/v1/access-history.csv', '/api/v1/access-history?format=csv'])('%s has the BOM and French columns', async (pathname) => {
    const response = await csvText(pathname, camille);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="?historique-des-acces\.csv"?$/);

    const text = response.body;
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const rows = text.slice(1).split('\r\n').filter(Boolean);
    expect(rows[0]).toBe('Date,Événement,Partenaire,Finalité,Document,Identifiant du document,Résultat,Motif,Identifiant du partage');
    expect(rows.length).toBe((await camilleItems()).length + 1);
    expect(text).toContain('"Notification RQTH, « historique » 2026"');
    expect(text).toContain(capEmploi.name);
    expect(text).toContain('Document supprimé');
    expect(text).toContain('Refusé');
  });

  it('is empty but for the header for Dominique', async () => {
    const response = await csvText('/api/v1/access-history.csv', dominique);
    expect(response.body.slice(1).split('\r\n').filter(Boolean)).toHaveLength(1);
  });
});

describe('access history refusals', () => {
  it.each(['/api/v1/access-history', '/api/v1/access-history.csv'])('%s rejects a request without session', async (pathname) => {
    const response = await request(vault.url).get(pathname);
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('unauthenticated');
  });

  it.each(['/api/v1/access-history', '/api/v1/access-history.csv'])('%s forbids the DPO', async (pathname) => {
    const response = await request(vault.url).get(pathname).set('Cookie', dpo.cookie);
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('forbidden');
  });

  const cases: Array<[string, Record<string, string | string[]>, string]> = [
    ['limit zero', { limit: '0' }, 'limit'],
    ['repeated limit', { limit: ['1', '2'] }, 'limit'],
    ['unknown format', { format: 'pdf' }, 'format'],
    ['forged cursor', { cursor: 'xyz' }, 'cursor'],
    ['unknown parameter', { personId: 'x' }, 'personId'],
  ];

  it.each(cases)('rejects %s', async (_name, query, field) => {
    const response = await request(vault.url).get('/api/v1/access-history').query(query).set('Cookie', camille.cookie);
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('validation_failed');
    expect(response.body.detail).toContain(`« ${field} »`);
  });
});
