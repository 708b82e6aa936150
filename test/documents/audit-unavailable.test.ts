import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { signIn, type SignedIn } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';
import { countStoredRows, fixture, getBytes, postParts, superuserQuery, uploadParts, uploadSpecimen } from './document-api.js';

// The runtime role loses INSERT on audit_events, so every append fails the
// way it would with the audit table unreachable: each request must fail
// closed with 503, change nothing and send no content.

let vault: TestVault;
let camille: SignedIn;
let documentId: string;

beforeAll(async () => {
  vault = await startTestVault();
  camille = await signIn(vault, 'camille');
  documentId = (await uploadSpecimen(vault, camille, 'certificat-medical-scan.jpg', 'medical')).id;
  await superuserQuery(vault, 'revoke insert on audit_events from coffre_runtime');
});

afterEach(async () => {
  expect(await countStoredRows(vault)).toMatchObject({ documents: 1 });
});

afterAll(async () => {
  await vault?.destroy();
});

function expectAuditUnavailable(response: request.Response): void {
  expect(response.status).toBe(503);
  expect(response.body.code ?? JSON.parse(response.body.toString()).code).toBe('audit_unavailable');
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.headers['content-disposition']).toBeUndefined();
}

describe('audit log that cannot be written', () => {
  it('upload answers 503 and stores nothing', async () => {
    const before = await countStoredRows(vault);
    const response = await postParts(vault, camille, uploadParts({ category: 'decision_mdph', fileName: 'n.pdf', data: fixture('notification-rqth.pdf') }));
    expectAuditUnavailable(response);
    expect(response.body.title).toBe('Service momentanément indisponible');
    expect(await countStoredRows(vault)).toEqual(before);
  });

  it('download answers 503 and sends no content byte', async () => {
    const response = await getBytes(vault, camille, `/api/v1/documents/${documentId}/content`);
    expectAuditUnavailable(response);
    expect(response.body.includes(fixture('certificat-medical-scan.jpg').subarray(0, 16))).toBe(false);
  });

  it('metadata answers 503', async () => {
    expectAuditUnavailable(await request(vault.url).get(`/api/v1/documents/${documentId}`).set('Cookie', camille.cookie));
  });

  it('list answers 503', async () => {
    expectAuditUnavailable(await request(vault.url).get('/api/v1/documents').set('Cookie', camille.cookie));
  });

  it('deletion answers 503 and deletes nothing', async () => {
    const before = await countStoredRows(vault);
    const response = await request(vault.url).delete(`/api/v1/documents/${documentId}`).set('Cookie', camille.cookie).set('X-CSRF-Token', camille.csrfToken);
    expectAuditUnavailable(response);
    expect(await countStoredRows(vault)).toEqual(before);
  });

  it('refusal answers 503 instead of its own error', async () => {
    const response = await postParts(vault, camille, uploadParts({ category: 'medical', fileName: 'x.svg', data: fixture('refused/image.svg') }));
    expectAuditUnavailable(response);
  });
});
