import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { verifyErasureCertificate, type ErasureCertificate } from '../../audit/erasure-certificate.js';
import { loadAuditKeySet } from '../../audit/checkpoint-signatures.js';
import { superuserQuery, uploadSpecimen } from '../documents/document-api.js';
import { auditRows, getAsPerson } from '../grants/grant-api.js';
import { signIn, type SignedIn } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';

// "Mon compte" over plain HTTP: the export link, and the erasure's
// confirmation, refusals and certificate.
describe('account pages', () => {
  let vault: TestVault;
  let camille: SignedIn;
  let dominique: SignedIn;

  beforeAll(async () => {
    vault = await startTestVault();
    camille = await signIn(vault, 'camille');
    dominique = await signIn(vault, 'dominique');
    await uploadSpecimen(vault, camille, 'notification-aah.pdf', 'decision_mdph');
  });

  afterAll(async () => {
    await vault?.destroy();
  });

  function postErasure(session: SignedIn, fields: Record<string, string>) {
    return request(vault.url).post('/compte/supprimer').set('Cookie', session.cookie).type('form').send(fields);
  }

  async function documentCount(session: SignedIn): Promise<number> {
    const response = await getAsPerson(vault, session, '/api/v1/documents');
    return (response.body.items as unknown[]).length;
  }

  it('account page links export and erasure', async () => {
    const response = await request(vault.url).get('/compte').set('Cookie', camille.cookie);
    expect(response.status).toBe(200);
    expect(response.text).toContain('<title>Mon compte – Coffre</title>');
    expect(response.text).toContain('href="/api/v1/export"');
    expect(response.text).toContain('href="/compte/supprimer"');
    expect(response.text).toContain('aria-current="page"');
  });

  it('signed-out visitor redirected to sign-in', async () => {
    const response = await request(vault.url).get('/compte/supprimer');
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(`/auth/login?returnTo=${encodeURIComponent('/compte/supprimer')}`);
  });

  it('erasure without CSRF token', async () => {
    const response = await postErasure(camille, { compris: 'oui' });
    expect(response.status).toBe(403);
    expect(await documentCount(camille)).toBe(1);
  });

  it('erasure without ticked box', async () => {
    const response = await postErasure(camille, { _csrf: camille.csrfToken });
    expect(response.status).toBe(400);
    expect(response.text).toContain('<title>Erreur – Supprimer mon compte – Coffre</title>');
    expect(response.text).toContain('<a href="#compris-0">Cochez la case');
    expect(response.text).toContain('aria-describedby="compris-message"');
    expect(await documentCount(camille)).toBe(1);
  });

  it('old sign-in offers reauthentication', async () => {
    await superuserQuery(vault, "update sessions set auth_time = now() - interval '6 minutes' where account_id = $1", [camille.accountId]);
    try {
      const page = await request(vault.url).get('/compte/supprimer').set('Cookie', camille.cookie);
      expect(page.status).toBe(200);
      expect(page.text).not.toContain('name="compris"');
      const reauth = `/auth/login?returnTo=${encodeURIComponent('/compte/supprimer')}&amp;reauth=1`;
      expect(page.text).toContain(`href="${reauth}"`);

      const rejected = await postErasure(camille, { _csrf: camille.csrfToken, compris: 'oui' });
      expect(rejected.status).toBe(403);
      expect(rejected.text).toContain('Identifiez-vous à nouveau pour confirmer');
      expect(await documentCount(camille)).toBe(1);
      expect((await auditRows(vault, 'account.erase')).at(-1)).toMatchObject({ actor_id: camille.accountId, outcome: 'deny', reason: 'reauthentication_required' });
    } finally {
      await superuserQuery(vault, 'update sessions set auth_time = now() where account_id = $1', [camille.accountId]);
    }
  });

  it('reauthentication sends prompt=login', async () => {
    const response = await request(vault.url).get('/auth/login').query({ returnTo: '/compte/supprimer', reauth: '1' });
    expect(response.status).toBe(303);
    const authorization = new URL(response.headers.location as string);
    expect(authorization.searchParams.get('prompt')).toBe('login');
    expect(authorization.searchParams.get('max_age')).toBe('0');

    const usual = await request(vault.url).get('/auth/login').query({ returnTo: '/compte' });
    expect(new URL(usual.headers.location as string).searchParams.get('prompt')).toBeNull();
  });

  it('erasure shows verifiable certificate', async () => {
    const response = await postErasure(dominique, { _csrf: dominique.csrfToken, compris: 'oui' });
    expect(response.status).toBe(200);
    expect(response.text).toContain('<title>Compte supprimé – Coffre</title>');
    expect(response.text).not.toContain('Se déconnecter');
    expect(String(response.headers['set-cookie'])).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/);

    const shown = /<pre class="coffre-certificate"[^>]*>([\s\S]*?)<\/pre>/.exec(response.text)?.[1];
    const certificate = JSON.parse(decodeEntities(shown!)) as ErasureCertificate;
    expect(certificate.personId).toBeDefined();
    const report = await verifyErasureCertificate(certificate, await loadAuditKeySet(vault.ctx.db, vault.ctx.keys));
    expect(report.valid).toBe(true);

    const after = await request(vault.url).get('/api/v1/documents').set('Cookie', dominique.cookie);
    expect(after.status).toBe(401);
  });
});

function decodeEntities(text: string): string {
  return text.replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}
