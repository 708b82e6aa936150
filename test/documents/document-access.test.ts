import { randomUUID } from 'node:crypto';

import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { signIn, type SignedIn } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';
import { auditEntries, countStoredRows, getBytes, multipartBody, uploadParts, uploadSpecimen } from './document-api.js';

let vault: TestVault;
let camille: SignedIn;
let dominique: SignedIn;
let camilleDocument: string;

beforeAll(async () => {
  vault = await startTestVault();
  camille = await signIn(vault, 'camille');
  dominique = await signIn(vault, 'dominique');
  camilleDocument = (await uploadSpecimen(vault, camille, 'notification-aah.pdf', 'decision_mdph')).id;
});

afterAll(async () => {
  await vault?.destroy();
});

function send(method: 'get' | 'delete', path: string, session: SignedIn | null): request.Test {
  const test = request(vault.url)[method](path);
  if (session) test.set('Cookie', session.cookie).set('X-CSRF-Token', session.csrfToken);
  return test;
}

const ROUTES = [
  { method: 'get', suffix: '', action: 'document.read' },
  { method: 'get', suffix: '/content', action: 'document.download' },
  { method: 'delete', suffix: '', action: 'document.delete' },
] as const;

describe("another person's document", () => {
  it.each(ROUTES)('$method $suffix answers 404 not_found', async ({ method, suffix, action }) => {
    const response = await send(method, `/api/v1/documents/${camilleDocument}${suffix}`, dominique);
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('not_found');
    expect(response.body.title).toBe('Introuvable');
    expect(response.headers['content-disposition']).toBeUndefined();

    const denial = (await auditEntries(vault, action)).filter((entry) => entry.actor_id === dominique.accountId).at(-1);
    expect(denial).toEqual({ actor_id: dominique.accountId, subject_id: camille.accountId, resource_id: camilleDocument, outcome: 'deny', reason: 'not_found' });
  });

  it('is still there for its owner', async () => {
    expect(await countStoredRows(vault)).toMatchObject({ documents: 1 });
    await send('get', `/api/v1/documents/${camilleDocument}`, camille).expect(200);
  });

  it('is missing from the other person list', async () => {
    const response = await send('get', '/api/v1/documents', dominique);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ items: [], nextCursor: null });
  });
});

describe('unknown and malformed ids', () => {
  const IDS = [randomUUID(), 'not-a-uuid', '1', `${randomUUID()}x`, "' or 1=1 --"];
  const CASES = ROUTES.flatMap((route) => IDS.map((id) => ({ ...route, id })));

  it.each(CASES)('$method $suffix with $id answers 404', async ({ method, suffix, id }) => {
    const response = await send(method, `/api/v1/documents/${encodeURIComponent(id)}${suffix}`, camille);
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('not_found');
  });
});

describe('without a session', () => {
  it.each([
    ['get', '/api/v1/documents'],
    ['get', `/api/v1/documents/{id}`],
    ['get', `/api/v1/documents/{id}/content`],
    ['delete', `/api/v1/documents/{id}`],
    ['post', '/api/v1/documents'],
  ] as const)('%s %s answers 401', async (method, path) => {
    const response = await request(vault.url)[method](path.replace('{id}', camilleDocument));
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('unauthenticated');
    expect(response.body.title).toBe('Connexion requise');
  });
});

describe('without the CSRF token', () => {
  it('POST answers 403 csrf_failed and stores nothing', async () => {
    const before = await countStoredRows(vault);
    const { body, contentType } = multipartBody(uploadParts({ category: 'medical', fileName: 'a.pdf', data: Buffer.from('%PDF-1.7\n') }));
    const response = await request(vault.url).post('/api/v1/documents').set('Cookie', camille.cookie).set('Content-Type', contentType).send(body);
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('csrf_failed');
    expect(await countStoredRows(vault)).toEqual(before);
  });

  it('DELETE answers 403 csrf_failed and deletes nothing', async () => {
    const response = await request(vault.url).delete(`/api/v1/documents/${camilleDocument}`).set('Cookie', camille.cookie).set('X-CSRF-Token', 'wrong');
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('csrf_failed');
    await send('get', `/api/v1/documents/${camilleDocument}`, camille).expect(200);
  });
});

describe('staff sessions', () => {
  it.each([['dpo'], ['admin']] as const)('%s gets 403 on list and content', async (role) => {
    const staff = await signIn(vault, role);
    const list = await send('get', '/api/v1/documents', staff);
    expect(list.status).toBe(403);
    expect(list.body.code).toBe('forbidden');

    const content = await send('get', `/api/v1/documents/${camilleDocument}/content`, staff);
    expect(content.status).toBe(403);
    expect(content.headers['content-disposition']).toBeUndefined();
  });
});

describe('deletion', () => {
  it('removes the document, its chunks and its key', async () => {
    const created = await uploadSpecimen(vault, camille, 'dossier-mdph-complet.pdf', 'decision_mdph');
    const before = await countStoredRows(vault);

    const response = await send('delete', `/api/v1/documents/${created.id}`, camille);
    expect(response.status).toBe(204);
    expect(response.text).toBe('');

    const after = await countStoredRows(vault);
    expect(after.documents).toBe(before.documents - 1);
    // The bundle is 6.2 MB: about 96 chunks of 64 KiB went with it.
    expect(before.chunks - after.chunks).toBe(Math.ceil(6241330 / 65536));
    await send('get', `/api/v1/documents/${created.id}`, camille).expect(404);
    await getBytes(vault, camille, `/api/v1/documents/${created.id}/content`).expect(404);

    const deletion = (await auditEntries(vault, 'document.delete')).filter((entry) => entry.resource_id === created.id);
    expect(deletion).toEqual([{ actor_id: camille.accountId, subject_id: camille.accountId, resource_id: created.id, outcome: 'allow', reason: null }]);
  });
});
