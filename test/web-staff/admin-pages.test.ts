import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { superuserQuery } from '../documents/document-api.js';
import { signingKeyPair } from '../partners/partner-test-support.js';
import { signIn, type SignedIn } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';
import { countAudit, getPage, pageTitle, partnerIdByName, postForm } from './staff-pages.js';

let vault: TestVault;
let admin: SignedIn;
let publicJwks: string;

beforeAll(async () => {
  vault = await startTestVault();
  admin = await signIn(vault, 'admin');
  const { publicJwk } = await signingKeyPair('ES256', 'cle-essai-1');
  publicJwks = JSON.stringify({ keys: [publicJwk] });
});

afterAll(async () => {
  await vault?.destroy();
});

async function partnerCount(): Promise<number> {
  const [row] = await superuserQuery<{ count: string }>(vault, 'select count(*) as count from partners');
  return Number(row!.count);
}

describe('partner list page', () => {
  it('lists the registered partners', async () => {
    const response = await getPage(vault, admin, '/admin/partenaires');
    expect(response.status).toBe(200);
    expect(response.text).toContain('Cap emploi de Nulle-Part</a>');
    expect(response.text).toContain('<td>Organisme de formation</td>');
    expect(response.text).toContain('aria-label="Suspendre CFA des Essais">Suspendre</a>');
  });

  it('shows an HTML error for a forged cursor', async () => {
    const response = await getPage(vault, admin, '/admin/partenaires?cursor=%21%21');
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.text).toContain('<h1>Requête invalide</h1>');
  });

  it('shows a French 404 for an unknown partner', async () => {
    const response = await getPage(vault, admin, '/admin/partenaires/00000000-0000-4000-8000-000000000000');
    expect(response.status).toBe(404);
    expect(response.text).toContain('<h1>Partenaire introuvable</h1>');
  });
});

describe('partner registration form', () => {
  it('registers a partner and shows its client id', async () => {
    const before = await countAudit(vault, 'partner.register');
    const response = await postForm(vault, admin, '/admin/partenaires/nouveau', {
      name: 'Mission locale des Tests',
      kind: 'mission_locale',
      siret: '732 829 320 00074',
      jwks: publicJwks,
    });
    expect(response.status).toBe(303);
    const id = await partnerIdByName(vault, 'Mission locale des Tests');
    expect(response.headers.location).toBe(`/admin/partenaires/${id}?fait=enregistre`);
    expect(await countAudit(vault, 'partner.register')).toBe(before + 1);

    const page = await getPage(vault, admin, response.headers.location!);
    expect(page.status).toBe(200);
    // Long values may wrap at <wbr>, which adds no text.
    const text = page.text.replaceAll('<wbr>', '');
    expect(text).toContain('Partenaire enregistré');
    expect(text).toContain('<dd>73282932000074</dd>');
    expect(text).toContain('<code>cle-essai-1</code>');
    const [row] = await superuserQuery<{ client_id: string }>(vault, 'select client_id from partners where id = $1', [id]);
    expect(text).toContain(`<code>${row!.client_id}</code>`);
  });

  it('shows every invalid field and registers nothing', async () => {
    const before = await partnerCount();
    const response = await postForm(vault, admin, '/admin/partenaires/nouveau', { name: '  ', kind: 'banque', siret: '12345678901234', jwks: '{"keys": [' });
    expect(response.status).toBe(400);
    expect(pageTitle(response.text)).toBe('Erreur – Enregistrer un partenaire – Coffre');
    for (const [id, message] of [
      ['partenaire-nom', 'Saisissez le nom du partenaire'],
      ['partenaire-type', 'Choisissez le type de partenaire dans la liste.'],
      ['partenaire-siret', 'Le numéro SIRET est invalide : numéro SIRET invalide : 14 chiffres attendus'],
      ['partenaire-jwks', 'Le jeu de clés n&#39;est pas du JSON valide'],
    ]) {
      expect(response.text, id).toContain(`<li><a href="#${id}">${message}`);
      expect(response.text, id).toContain(`<p class="fr-error-text" id="${id}-message">${message}`);
      expect(response.text, id).toMatch(new RegExp(`id="${id}"[^>]*aria-describedby="[^"]*${id}-message"`));
    }
    // What was typed is shown again, so nothing has to be retyped.
    expect(response.text).toContain('value="12345678901234"');
    expect(response.text).toContain('{&quot;keys&quot;: [</textarea>');
    expect(await partnerCount()).toBe(before);
  });

  it.each([
    ['a private key', async () => ({ keys: [(await signingKeyPair('ES256')).privateJwk] }), 'cette clé contient une partie privée'],
    ['an empty set', async () => ({ keys: [] }), '(jwks.keys) : de 1 à 10 clés publiques attendues'],
    ['a symmetric key', async () => ({ keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'k', alg: 'HS256' }] }), 'clé symétrique refusée'],
  ])('rejects a JWKS with %s', async (_name, jwks, message) => {
    const before = await partnerCount();
    const response = await postForm(vault, admin, '/admin/partenaires/nouveau', { name: 'Refusé', kind: 'other', jwks: JSON.stringify(await jwks()) });
    expect(response.status).toBe(400);
    expect(response.text).toContain('<li><a href="#partenaire-jwks">Le jeu de clés est refusé');
    expect(response.text).toContain(message);
    expect(await partnerCount()).toBe(before);
  });

  it('rejects a name with a line break', async () => {
    const response = await postForm(vault, admin, '/admin/partenaires/nouveau', { name: 'Deux\nlignes', kind: 'other', jwks: publicJwks });
    expect(response.status).toBe(400);
    expect(response.text).toContain('<li><a href="#partenaire-nom">Le nom contient un caractère invisible');
  });
});

describe('page forms CSRF protection', () => {
  it.each([
    ['a missing token', { csrf: null }],
    ['a wrong token', { csrf: 'pas-le-bon-jeton' }],
  ])('refuses a registration with %s', async (_name, options) => {
    const before = await partnerCount();
    const response = await postForm(vault, admin, '/admin/partenaires/nouveau', { name: 'Sans jeton', kind: 'other', jwks: publicJwks }, options);
    expect(response.status).toBe(403);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.text).toContain('<h1>Requête refusée</h1>');
    expect(await partnerCount()).toBe(before);
  });

  it('refuses a form from another origin', async () => {
    const before = await countAudit(vault, 'partner.suspend');
    const id = await partnerIdByName(vault, 'Cap emploi de Nulle-Part');
    const response = await postForm(vault, admin, `/admin/partenaires/${id}/suspendre`, {}, { origin: 'http://evil.example' });
    expect(response.status).toBe(403);
    expect(response.text).toContain('La requête ne provient pas du site du coffre.');
    expect(await countAudit(vault, 'partner.suspend')).toBe(before);
  });

  it('refuses a suspension without token', async () => {
    const id = await partnerIdByName(vault, 'Cap emploi de Nulle-Part');
    const response = await postForm(vault, admin, `/admin/partenaires/${id}/suspendre`, {}, { csrf: null });
    expect(response.status).toBe(403);
    const [row] = await superuserQuery<{ status: string }>(vault, 'select status from partners where id = $1', [id]);
    expect(row!.status).toBe('active');
  });
});

describe('partner suspension and reactivation', () => {
  it('confirms, suspends and reactivates', async () => {
    const id = await partnerIdByName(vault, 'CFA des Essais');
    const confirmation = await getPage(vault, admin, `/admin/partenaires/${id}/suspendre`);
    expect(confirmation.status).toBe(200);
    expect(confirmation.text).toContain('<h1>Suspendre CFA des Essais ?</h1>');
    expect(confirmation.text).toContain(`<form method="post" action="/admin/partenaires/${id}/suspendre">`);
    expect(confirmation.text).toContain(`<input type="hidden" name="_csrf" value="${admin.csrfToken}">`);

    const suspended = await postForm(vault, admin, `/admin/partenaires/${id}/suspendre`);
    expect(suspended.status).toBe(303);
    expect(suspended.headers.location).toBe(`/admin/partenaires/${id}?fait=suspendu`);
    const [entry] = await superuserQuery<{ actor_type: string; actor_id: string; partner_id: string }>(
      vault,
      "select actor_type, actor_id, partner_id from audit_events where action = 'partner.suspend' order by seq desc limit 1",
    );
    expect(entry).toEqual({ actor_type: 'admin', actor_id: admin.accountId, partner_id: id });
    const page = await getPage(vault, admin, suspended.headers.location!);
    expect(page.text).toContain('Partenaire suspendu</h2>');
    expect(page.text).toContain('Réactiver ce partenaire');

    // Nothing to confirm any more: the suspension page leads to the partner's page.
    const again = await getPage(vault, admin, `/admin/partenaires/${id}/suspendre`);
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe(`/admin/partenaires/${id}`);

    const reactivated = await postForm(vault, admin, `/admin/partenaires/${id}/reactiver`);
    expect(reactivated.status).toBe(303);
    expect(reactivated.headers.location).toBe(`/admin/partenaires/${id}?fait=reactive`);
    const [row] = await superuserQuery<{ status: string }>(vault, 'select status from partners where id = $1', [id]);
    expect(row!.status).toBe('active');
  });

  it('explains a suspension that another administrator made first', async () => {
    const id = await partnerIdByName(vault, 'CFA des Essais');
    expect((await postForm(vault, admin, `/admin/partenaires/${id}/suspendre`)).status).toBe(303);
    const before = await countAudit(vault, 'partner.suspend');
    const response = await postForm(vault, admin, `/admin/partenaires/${id}/suspendre`);
    expect(response.status).toBe(409);
    expect(response.text).toContain('Partenaire déjà suspendu');
    expect(await countAudit(vault, 'partner.suspend')).toBe(before);
    expect((await postForm(vault, admin, `/admin/partenaires/${id}/reactiver`)).status).toBe(303);
  });
});
