import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fixture, getBytes, uploadSpecimen } from '../documents/document-api.js';
import { signIn, type SignedIn } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';
import { auditRows, createGrant, devPartner, partnerRequest, postJson, problemOf, tokenFor, type TestPartner } from './grant-api.js';

let vault: TestVault;
let camille: SignedIn;
let dominique: SignedIn;
let capEmploi: TestPartner;
let cfa: TestPartner;
let capToken: string;
let rqthId: string;
let grantId: string;

beforeAll(async () => {
  vault = await startTestVault();
  camille = await signIn(vault, 'camille');
  dominique = await signIn(vault, 'dominique');
  capEmploi = await devPartner(vault, 'cap-emploi-de-nulle-part');
  cfa = await devPartner(vault, 'cfa-des-essais');
  capToken = await tokenFor(vault, capEmploi);
  rqthId = (await uploadSpecimen(vault, camille, 'notification-rqth.pdf', 'decision_mdph', 'Notification RQTH 2027')).id;
  await uploadSpecimen(vault, camille, 'certificat-medical-scan.jpg', 'medical');
  grantId = (await createGrant(vault, camille, { partnerId: capEmploi.id, purpose: 'employment_support', categories: ['decision_mdph'] })).id;
});

afterAll(async () => {
  await vault?.destroy();
});

function json(response: request.Response): any {
  return JSON.parse((response.body as Buffer).toString('utf8'));
}

describe('GET /partner/v1/grants', () => {
  it('lists the partner grants with a pseudonym, never the person', async () => {
    await createGrant(vault, dominique, { partnerId: capEmploi.id, purpose: 'workplace_adjustment', categories: ['medical'] });
    await createGrant(vault, camille, { partnerId: cfa.id, purpose: 'training_access', categories: ['training'] });

    const response = await partnerRequest(vault, 'get', '/partner/v1/grants', capToken);
    expect(response.status).toBe(200);
    const { items, nextCursor } = json(response);
    expect(nextCursor).toBeNull();
    expect(items).toHaveLength(2);
    const mine = items.find((item: { id: string }) => item.id === grantId);
    expect(Object.keys(mine).sort()).toEqual(['endsAt', 'id', 'personRef', 'purpose', 'purposeText', 'startsAt', 'status']);
    expect(mine).toMatchObject({ purpose: 'employment_support', purposeText: null, status: 'active' });
    expect(mine.personRef).toMatch(/^[0-9a-f]{32}$/);

    const text = (response.body as Buffer).toString('utf8');
    for (const secret of [camille.accountId, dominique.accountId, 'Camille', 'EXEMPLE']) expect(text).not.toContain(secret);
    expect((await auditRows(vault, 'partner.grant.list')).at(-1)).toMatchObject({ actor_type: 'partner', actor_id: capEmploi.id, outcome: 'allow', partner_id: capEmploi.id });
  });

  it('keeps the pseudonym stable per person and distinct between partners', async () => {
    const second = await createGrant(vault, camille, { partnerId: capEmploi.id, purpose: 'training_access', categories: ['training'] });
    const capItems = json(await partnerRequest(vault, 'get', '/partner/v1/grants', capToken)).items as Array<{ id: string; personRef: string }>;
    const refOf = (id: string) => capItems.find((item) => item.id === id)!.personRef;
    expect(refOf(second.id)).toBe(refOf(grantId));

    const cfaItems = json(await partnerRequest(vault, 'get', '/partner/v1/grants', await tokenFor(vault, cfa))).items as Array<{ personRef: string }>;
    expect(cfaItems).toHaveLength(1);
    expect(cfaItems[0]!.personRef).not.toBe(refOf(grantId));
  });
});

describe('documents of a grant', () => {
  it('lists the category documents with title and file name', async () => {
    const response = await partnerRequest(vault, 'get', `/partner/v1/grants/${grantId}/documents`, capToken);
    expect(response.status).toBe(200);
    expect(json(response).items).toEqual([
      expect.objectContaining({ id: rqthId, category: 'decision_mdph', title: 'Notification RQTH 2027', fileName: 'notification-rqth.pdf', mediaType: 'application/pdf', sizeBytes: fixture('notification-rqth.pdf').length }),
    ]);
    expect((await auditRows(vault, 'partner.documents.list')).at(-1)).toMatchObject({ outcome: 'allow', grant_id: grantId, partner_id: capEmploi.id, subject_id: camille.accountId });
  });

  it('streams the content with the owner download headers', async () => {
    const partner = await partnerRequest(vault, 'get', `/partner/v1/grants/${grantId}/documents/${rqthId}/content`, capToken);
    const owner = await getBytes(vault, camille, `/api/v1/documents/${rqthId}/content`);
    expect(partner.status).toBe(200);
    expect(Buffer.compare(partner.body as Buffer, fixture('notification-rqth.pdf'))).toBe(0);
    for (const header of ['content-type', 'content-disposition', 'content-length', 'cache-control', 'x-content-type-options']) {
      expect(partner.headers[header], header).toBe(owner.headers[header]);
    }
    expect(partner.headers.etag).toBeUndefined();
    expect((await auditRows(vault, 'partner.document.download')).at(-1)).toMatchObject({ actor_type: 'partner', outcome: 'allow', resource_id: rqthId, grant_id: grantId, subject_id: camille.accountId });
  });

  it('covers a document uploaded to the category later', async () => {
    const later = await uploadSpecimen(vault, camille, 'notification-aah.pdf', 'decision_mdph');
    const listed = json(await partnerRequest(vault, 'get', `/partner/v1/grants/${grantId}/documents`, capToken)).items.map((item: { id: string }) => item.id);
    expect(listed).toContain(later.id);
    const content = await partnerRequest(vault, 'get', `/partner/v1/grants/${grantId}/documents/${later.id}/content`, capToken);
    expect(content.status).toBe(200);
    expect(Buffer.compare(content.body as Buffer, fixture('notification-aah.pdf'))).toBe(0);
  });

  it('stops serving a deleted document at once', async () => {
    const doomed = await uploadSpecimen(vault, camille, 'notification-pch.pdf', 'decision_mdph');
    const listedGrant = await createGrant(vault, camille, { partnerId: capEmploi.id, purpose: 'employment_support', documentIds: [doomed.id] });
    await partnerRequest(vault, 'get', `/partner/v1/grants/${listedGrant.id}/documents/${doomed.id}/content`, capToken).expect(200);

    await request(vault.url).delete(`/api/v1/documents/${doomed.id}`).set('Cookie', camille.cookie).set('X-CSRF-Token', camille.csrfToken).expect(204);

    for (const grant of [grantId, listedGrant.id]) {
      const content = await partnerRequest(vault, 'get', `/partner/v1/grants/${grant}/documents/${doomed.id}/content`, capToken);
      expect(content.status).toBe(404);
      expect(problemOf(content.body as Buffer).code).toBe('document_not_found');
      const listed = json(await partnerRequest(vault, 'get', `/partner/v1/grants/${grant}/documents`, capToken)).items.map((item: { id: string }) => item.id);
      expect(listed).not.toContain(doomed.id);
    }
  });

  it('applies a revocation on the very next request', async () => {
    const grant = await createGrant(vault, camille, { partnerId: capEmploi.id, purpose: 'employment_support', documentIds: [rqthId] });
    const path = `/partner/v1/grants/${grant.id}/documents/${rqthId}/content`;
    await partnerRequest(vault, 'get', path, capToken).expect(200);

    await postJson(vault, camille, `/api/v1/grants/${grant.id}/revoke`).expect(200);

    const refused = await partnerRequest(vault, 'get', path, capToken);
    expect(refused.status).toBe(403);
    const problem = problemOf(refused.body as Buffer);
    expect(problem.code).toBe('grant_revoked');
    expect(problem.detail).toBe('Ce partage a été révoqué par la personne : ses documents ne sont plus accessibles.');
    const listed = await partnerRequest(vault, 'get', `/partner/v1/grants/${grant.id}/documents`, capToken);
    expect(listed.status).toBe(403);
    const status = json(await partnerRequest(vault, 'get', '/partner/v1/grants', capToken)).items.find((item: { id: string }) => item.id === grant.id).status;
    expect(status).toBe('revoked');
  });
});
