import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { signIn, type SignedIn } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';
import { auditRowsOf, queryAsSuperuser, signingKeyPair } from './partner-test-support.js';

let vault: TestVault;
let admin: SignedIn;
let dpo: SignedIn;
let camille: SignedIn;

beforeAll(async () => {
  vault = await startTestVault();
  admin = await signIn(vault, 'admin');
  dpo = await signIn(vault, 'dpo');
  camille = await signIn(vault, 'camille');
});

afterAll(async () => {
  await vault?.destroy();
});

async function registration(overrides: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const { publicJwk } = await signingKeyPair('ES256', 'cle-2025');
  return { name: 'Cap emploi du Test', kind: 'cap_emploi', jwks: { keys: [publicJwk] }, ...overrides };
}

function register(body: unknown, session: SignedIn = admin): request.Test {
  return request(vault.url).post('/admin/v1/partners').set('Cookie', session.cookie).set('X-CSRF-Token', session.csrfToken).send(body as object);
}

async function partnerCount(): Promise<number> {
  const [row] = await queryAsSuperuser<{ count: string }>(vault.databaseUrl, 'select count(*) as count from partners');
  return Number(row!.count);
}

describe('POST /admin/v1/partners', () => {
  it('registers a partner and answers 201 with its client id', async () => {
    const response = await register(await registration({ siret: '73282932000074' }));

    expect(response.status).toBe(201);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers.location).toBe(`/admin/v1/partners/${response.body.id}`);
    expect(response.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Cap emploi du Test',
      kind: 'cap_emploi',
      siret: '73282932000074',
      status: 'active',
      clientId: expect.stringMatching(/^partner-[0-9a-f]{32}$/),
      keys: [{ kid: 'cle-2025', alg: 'ES256' }],
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      suspendedAt: null,
    });
  });

  it('audits the registration with the administrator as actor', async () => {
    const response = await register(await registration());
    const rows = await auditRowsOf(vault.databaseUrl, response.headers['x-request-id']!);

    expect(rows).toEqual([
      expect.objectContaining({
        action: 'partner.register',
        outcome: 'allow',
        actor_type: 'admin',
        actor_id: admin.accountId,
        resource_type: 'partner',
        resource_id: response.body.id,
        partner_id: response.body.id,
      }),
    ]);
  });

  it('accepts a SIRET typed with spaces and an RS256 key', async () => {
    const { publicJwk } = await signingKeyPair('RS256', 'rsa-1');
    const response = await register(await registration({ siret: '732 829 320 00074', jwks: { keys: [publicJwk] } }));

    expect(response.status).toBe(201);
    expect(response.body.siret).toBe('73282932000074');
    expect(response.body.keys).toEqual([{ kid: 'rsa-1', alg: 'RS256' }]);
  });

  it.each([
    ['null', null],
    ['an empty string', ''],
    ['no field', undefined],
  ])('registers without a SIRET given as %s', async (_case, siret) => {
    const response = await register(await registration({ siret }));
    expect(response.status).toBe(201);
    expect(response.body.siret).toBeNull();
  });

  it('stores only the public members of the key', async () => {
    const { publicJwk } = await signingKeyPair('ES256', 'only-public');
    const response = await register(await registration({ jwks: { keys: [{ ...publicJwk, x5u: 'https://example.invalid/x' }] } }));
    const [stored] = await queryAsSuperuser<{ public_jwk: Record<string, unknown> }>(
      vault.databaseUrl,
      'select public_jwk from partner_keys where partner_id = $1',
      [response.body.id],
    );
    expect(Object.keys(stored!.public_jwk).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
  });

  describe('refusals', () => {
    it('rejects a SIRET whose check digit is wrong, naming the field', async () => {
      const before = await partnerCount();
      const response = await register(await registration({ siret: '73282932000075' }));

      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body.code).toBe('validation_failed');
      expect(response.body.title).toBe('Requête invalide');
      expect(response.body.detail).toContain('« siret »');
      expect(response.body.detail).toContain('Luhn');
      expect(await partnerCount()).toBe(before);
    });

    it('answers in English on request', async () => {
      const response = await register(await registration({ siret: '123' })).set('Accept-Language', 'en');
      expect(response.status).toBe(400);
      expect(response.body.title).toBe('Invalid request');
      expect(response.body.detail).toContain('"siret"');
    });

    it('rejects a private key in the JWK Set with a clear message', async () => {
      const before = await partnerCount();
      const { privateJwk } = await signingKeyPair('ES256');
      const response = await register(await registration({ jwks: { keys: [privateJwk] } }));

      expect(response.status).toBe(400);
      expect(response.body.code).toBe('validation_failed');
      expect(response.body.detail).toContain('« jwks.keys[0] »');
      expect(response.body.detail).toContain('partie privée');
      expect(response.body.detail).toContain('remplacez cette paire de clés');
      expect(await partnerCount()).toBe(before);
    });

    it('rejects an unknown kind', async () => {
      const response = await register(await registration({ kind: 'hospital' }));
      expect(response.status).toBe(400);
      expect(response.body.detail).toContain('« kind »');
      expect(response.body.detail).toContain('cap_emploi');
    });

    it.each([
      ['an empty name', { name: '  ' }, 'name'],
      ['a name of 201 characters', { name: 'x'.repeat(201) }, 'name'],
      ['a missing JWK Set', { jwks: undefined }, 'jwks'],
      ['an unknown field', { website: 'https://example.invalid' }, 'website'],
    ])('rejects %s', async (_case, overrides, field) => {
      const response = await register(await registration(overrides));
      expect(response.status).toBe(400);
      expect(response.body.detail).toContain(`« ${field} »`);
    });

    it('rejects a body that is not JSON', async () => {
      const response = await request(vault.url)
        .post('/admin/v1/partners')
        .set('Cookie', admin.cookie)
        .set('X-CSRF-Token', admin.csrfToken)
        .type('form')
        .send('name=x');
      expect(response.status).toBe(400);
      expect(response.body.detail).toContain('« body »');
    });

    it('rejects a request without the CSRF token and creates nothing', async () => {
      const before = await partnerCount();
      const response = await request(vault.url).post('/admin/v1/partners').set('Cookie', admin.cookie).send(await registration());

      expect(response.status).toBe(403);
      expect(response.body.code).toBe('csrf_failed');
      expect(await partnerCount()).toBe(before);
    });
  });
});

describe('reading and listing', () => {
  let partnerId: string;

  beforeAll(async () => {
    partnerId = (await register(await registration({ name: 'Mission locale de Lecture', kind: 'mission_locale' }))).body.id;
  });

  it('reads one partner with its keys', async () => {
    const response = await request(vault.url).get(`/admin/v1/partners/${partnerId}`).set('Cookie', admin.cookie);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: partnerId, name: 'Mission locale de Lecture', kind: 'mission_locale', keys: [{ kid: 'cle-2025', alg: 'ES256' }] });
  });

  it.each([
    ['an unknown id', '00000000-0000-4000-8000-000000000000'],
    ['a malformed id', 'not-a-uuid'],
  ])('answers 404 for %s', async (_case, id) => {
    const response = await request(vault.url).get(`/admin/v1/partners/${id}`).set('Cookie', admin.cookie);
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('partner_not_found');
  });

  it('lists partners newest first, page by page', async () => {
    const total = await partnerCount();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: Record<string, string> = cursor ? { limit: '2', cursor } : { limit: '2' };
      const response = await request(vault.url).get('/admin/v1/partners').query(query).set('Cookie', admin.cookie);
      expect(response.status).toBe(200);
      expect(response.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...response.body.items.map((item: { id: string }) => item.id));
      cursor = response.body.nextCursor;
    } while (cursor !== null);

    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect(seen[0]).toBe(partnerId);
  });

  it.each([
    ['limit=0', { limit: '0' }, 'limit'],
    ['limit=201', { limit: '201' }, 'limit'],
    ['a forged cursor', { cursor: 'abc' }, 'cursor'],
    ['an unknown status', { status: 'deleted' }, 'status'],
    ['an unknown parameter', { sort: 'name' }, 'sort'],
  ])('rejects %s', async (_case, query, field) => {
    const response = await request(vault.url).get('/admin/v1/partners').query(query).set('Cookie', admin.cookie);
    expect(response.status).toBe(400);
    expect(response.body.detail).toContain(`« ${field} »`);
  });
});

describe('suspension', () => {
  let partnerId: string;

  beforeAll(async () => {
    partnerId = (await register(await registration({ name: 'Employeur suspendu', kind: 'employer' }))).body.id;
  });

  function post(path: string, session: SignedIn = admin): request.Test {
    return request(vault.url).post(path).set('Cookie', session.cookie).set('X-CSRF-Token', session.csrfToken);
  }

  it('suspends an active partner and audits it', async () => {
    const response = await post(`/admin/v1/partners/${partnerId}/suspend`);

    expect(response.status).toBe(200);
    expect(response.body.status).toBe('suspended');
    expect(Date.parse(response.body.suspendedAt)).not.toBeNaN();
    const rows = await auditRowsOf(vault.databaseUrl, response.headers['x-request-id']!);
    expect(rows).toEqual([expect.objectContaining({ action: 'partner.suspend', outcome: 'allow', actor_type: 'admin', actor_id: admin.accountId, resource_id: partnerId })]);
  });

  it('answers 409 when the partner is already suspended', async () => {
    const response = await post(`/admin/v1/partners/${partnerId}/suspend`);
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('partner_already_suspended');
    expect(await auditRowsOf(vault.databaseUrl, response.headers['x-request-id']!)).toEqual([]);
  });

  it('lists suspended partners apart', async () => {
    const response = await request(vault.url).get('/admin/v1/partners').query({ status: 'suspended' }).set('Cookie', admin.cookie);
    expect(response.body.items.map((item: { id: string }) => item.id)).toEqual([partnerId]);
  });

  it('leaves suspended partners out of the directory that people see', async () => {
    const response = await request(vault.url).get('/api/v1/partners').set('Cookie', camille.cookie);

    expect(response.status).toBe(200);
    const ids = response.body.items.map((item: { id: string }) => item.id);
    expect(ids).not.toContain(partnerId);
    expect(ids.length).toBeGreaterThan(0);
    for (const item of response.body.items) expect(Object.keys(item).sort()).toEqual(['id', 'kind', 'name']);
  });

  it('reactivates the partner and audits it', async () => {
    const response = await post(`/admin/v1/partners/${partnerId}/reactivate`);

    expect(response.status).toBe(200);
    expect(response.body.status).toBe('active');
    expect(response.body.suspendedAt).toBeNull();
    const rows = await auditRowsOf(vault.databaseUrl, response.headers['x-request-id']!);
    expect(rows).toEqual([expect.objectContaining({ action: 'partner.reactivate', outcome: 'allow', actor_id: admin.accountId, resource_id: partnerId })]);
  });

  it('answers 409 when the partner is already active', async () => {
    const response = await post(`/admin/v1/partners/${partnerId}/reactivate`);
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('partner_already_active');
  });

  it('answers 404 for an unknown partner', async () => {
    const response = await post('/admin/v1/partners/00000000-0000-4000-8000-000000000000/suspend');
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('partner_not_found');
  });

  it('shows the reactivated partner in the directory again, in French alphabetical order', async () => {
    const response = await request(vault.url).get('/api/v1/partners').set('Cookie', camille.cookie);
    const names: string[] = response.body.items.map((item: { name: string }) => item.name);

    expect(names).toContain('Employeur suspendu');
    expect(names).toEqual([...names].sort(new Intl.Collator('fr', { sensitivity: 'base', numeric: true }).compare));
  });
});

describe('who may call the admin API', () => {
  const someId = '00000000-0000-4000-8000-000000000000';
  const ROUTES = [
    { method: 'post', path: '/admin/v1/partners' },
    { method: 'get', path: '/admin/v1/partners' },
    { method: 'get', path: `/admin/v1/partners/${someId}` },
    { method: 'post', path: `/admin/v1/partners/${someId}/suspend` },
    { method: 'post', path: `/admin/v1/partners/${someId}/reactivate` },
  ] as const;

  function send(route: (typeof ROUTES)[number], session: SignedIn | null): request.Test {
    const test = request(vault.url)[route.method](route.path);
    if (session) test.set('Cookie', session.cookie).set('X-CSRF-Token', session.csrfToken);
    return route.method === 'post' ? test.send({}) : test;
  }

  it.each(ROUTES)('$method $path refuses the DPO with 403 forbidden', async (route) => {
    const response = await send(route, dpo);
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('forbidden');
  });

  it.each(ROUTES)('$method $path refuses a person with 403 forbidden', async (route) => {
    const response = await send(route, camille);
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('forbidden');
  });

  it.each(ROUTES)('$method $path refuses a request without session with 401', async (route) => {
    const response = await send(route, null);
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('unauthenticated');
  });

  it('keeps the directory for people', async () => {
    expect((await request(vault.url).get('/api/v1/partners').set('Cookie', admin.cookie)).body.code).toBe('forbidden');
    expect((await request(vault.url).get('/api/v1/partners').set('Cookie', dpo.cookie)).body.code).toBe('forbidden');
    expect((await request(vault.url).get('/api/v1/partners')).status).toBe(401);
  });
});
