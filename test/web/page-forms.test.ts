import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { countStoredRows, fixture, multipartBody, uploadParts, uploadSpecimen } from '../documents/document-api.js';
import { auditRows, createGrant, devPartner, getAsPerson } from '../grants/grant-api.js';
import { signIn, type SignedIn } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';

// The page forms over plain HTTP: every unsafe request needs the session's
// CSRF token, staff and other people get nothing, and values are escaped.
describe('person page forms', () => {
  let vault: TestVault;
  let camille: SignedIn;
  let dominique: SignedIn;
  let dpo: SignedIn;

  beforeAll(async () => {
    vault = await startTestVault();
    camille = await signIn(vault, 'camille');
    dominique = await signIn(vault, 'dominique');
    dpo = await signIn(vault, 'dpo');
  });

  afterAll(async () => {
    await vault?.destroy();
  });

  function postForm(session: SignedIn, path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
    return request(vault.url).post(path).set('Cookie', session.cookie).set(headers).type('form').send(fields);
  }

  it('delete without CSRF token is refused', async () => {
    const document = await uploadSpecimen(vault, camille, 'notification-aah.pdf', 'decision_mdph');

    const missing = await postForm(camille, `/documents/${document.id}/supprimer`, {});
    expect(missing.status).toBe(403);
    expect(missing.type).toBe('text/html');
    expect(missing.text).toContain('<title>Requête refusée – Coffre</title>');
    const wrong = await postForm(camille, `/documents/${document.id}/supprimer`, { _csrf: 'x'.repeat(43) });
    expect(wrong.status).toBe(403);
    const otherSite = await postForm(camille, `/documents/${document.id}/supprimer`, { _csrf: camille.csrfToken }, { Origin: 'http://attacker.example' });
    expect(otherSite.status).toBe(403);
    expect((await getAsPerson(vault, camille, `/api/v1/documents/${document.id}`)).status).toBe(200);

    const nullOriginWithoutToken = await postForm(camille, `/documents/${document.id}/supprimer`, {}, { Origin: 'null' });
    expect(nullOriginWithoutToken.status).toBe(403);
    expect((await getAsPerson(vault, camille, `/api/v1/documents/${document.id}`)).status).toBe(200);

    // Chromium sends Origin: null with a form under Referrer-Policy: no-referrer.
    const done = await postForm(camille, `/documents/${document.id}/supprimer`, { _csrf: camille.csrfToken }, { Origin: 'null' });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/documents?fait=supprime');
    expect((await getAsPerson(vault, camille, `/api/v1/documents/${document.id}`)).status).toBe(404);
  });

  it('upload without CSRF token stores nothing', async () => {
    const before = await countStoredRows(vault);
    const { body, contentType } = multipartBody(uploadParts({ category: 'medical', fileName: 'scan.jpg', data: fixture('certificat-medical-scan.jpg') }));
    for (const path of ['/documents/ajouter', '/documents/ajouter?_csrf=wrong']) {
      const response = await request(vault.url).post(path).set('Cookie', camille.cookie).set('Content-Type', contentType).send(body);
      expect(response.status, path).toBe(403);
    }
    expect(await countStoredRows(vault)).toEqual(before);

    const accepted = await request(vault.url)
      .post(`/documents/ajouter?_csrf=${encodeURIComponent(camille.csrfToken)}`)
      .set('Cookie', camille.cookie)
      .set('Content-Type', contentType)
      .send(body);
    expect(accepted.status).toBe(303);
    expect((await countStoredRows(vault)).documents).toBe(before.documents + 1);
  });

  it('refused file type keeps the title', async () => {
    const { body, contentType } = multipartBody([
      { name: 'title', value: 'Mon <script>' },
      ...uploadParts({ category: 'medical', fileName: 'page.png', data: fixture('refused/html-as-image.png') }),
    ]);
    const response = await request(vault.url)
      .post(`/documents/ajouter?_csrf=${encodeURIComponent(camille.csrfToken)}`)
      .set('Cookie', camille.cookie)
      .set('Content-Type', contentType)
      .send(body);
    expect(response.status).toBe(415);
    expect(response.text).toContain('value="Mon &lt;script&gt;"');
    expect(response.text).toContain('<option value="medical" selected>');
    expect(response.text).toContain('id="file-message"');
    expect(response.text).not.toContain('<script>');
  });

  it('another person\'s document and grant are not found', async () => {
    const document = await uploadSpecimen(vault, camille, 'notification-pch.pdf', 'decision_mdph', 'PCH de Camille');
    const partner = await devPartner(vault, 'cap-emploi-de-nulle-part');
    const grant = await createGrant(vault, camille, { partnerId: partner.id, purpose: 'employment_support', documentIds: [document.id] });

    const page = await request(vault.url).get(`/documents/${document.id}/supprimer`).set('Cookie', dominique.cookie);
    expect(page.status).toBe(404);
    expect(page.text).not.toContain('PCH de Camille');
    const deletion = await postForm(dominique, `/documents/${document.id}/supprimer`, { _csrf: dominique.csrfToken });
    expect(deletion.status).toBe(404);
    const revocation = await postForm(dominique, `/partages/${grant.id}/revoquer`, { _csrf: dominique.csrfToken });
    expect(revocation.status).toBe(404);
    expect((await getAsPerson(vault, camille, `/api/v1/grants/${grant.id}`)).body.status).toBe('active');
    const revokeDenials = (await auditRows(vault, 'grant.revoke')).filter((row) => row.outcome === 'deny');
    expect(revokeDenials).toHaveLength(1);
  });

  it('staff roles get no person page', async () => {
    for (const path of ['/documents', '/partager', '/partages', '/demandes', '/historique']) {
      const response = await request(vault.url).get(path).set('Cookie', dpo.cookie);
      expect(response.status, path).toBe(403);
      expect(response.text, path).toContain('<h1>');
    }
  });

  it('signed-out page goes to sign-in', async () => {
    const response = await request(vault.url).get('/documents');
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/auth/login?returnTo=%2Fdocuments');
  });

  it('assets are served with cache headers', async () => {
    const script = await request(vault.url).get('/assets/coffre.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect(script.headers['cache-control']).toBe('public, max-age=3600');
    const missing = await request(vault.url).get('/assets/none.js');
    expect(missing.status).toBe(404);
  });
});
