import { randomUUID } from 'node:crypto';

import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { mapDatabaseError } from '../../server/grants/database-error.js';
import { AppError } from '../../server/errors/app-error.js';
import { superuserQuery, uploadSpecimen } from '../documents/document-api.js';
import { signIn, type SignedIn } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';
import { auditRows, devPartner, getAsPerson, postJson, setGrantWindow, type TestPartner } from './grant-api.js';

let vault: TestVault;
let camille: SignedIn;
let dominique: SignedIn;
let capEmploi: TestPartner;
let cfa: TestPartner;
let camilleDocument: string;
let dominiqueDocument: string;

const HOUR_MS = 60 * 60 * 1000;

beforeAll(async () => {
  vault = await startTestVault();
  camille = await signIn(vault, 'camille');
  dominique = await signIn(vault, 'dominique');
  capEmploi = await devPartner(vault, 'cap-emploi-de-nulle-part');
  cfa = await devPartner(vault, 'cfa-des-essais');
  camilleDocument = (await uploadSpecimen(vault, camille, 'notification-rqth.pdf', 'decision_mdph')).id;
  dominiqueDocument = (await uploadSpecimen(vault, dominique, 'notification-aah.pdf', 'decision_mdph')).id;
});

afterAll(async () => {
  await vault?.destroy();
});

describe('POST /api/v1/grants', () => {
  it('creates a category grant with defaults', async () => {
    const response = await postJson(vault, camille, '/api/v1/grants', { partnerId: capEmploi.id, purpose: 'employment_support', categories: ['decision_mdph'] });
    expect(response.status).toBe(201);
    expect(response.headers.location).toBe(`/api/v1/grants/${response.body.id}`);
    expect(response.body).toMatchObject({
      partner: { id: capEmploi.id, name: 'Cap emploi de Nulle-Part' },
      purpose: 'employment_support',
      purposeLabel: 'Accompagnement vers l\'emploi ou maintien dans l\'emploi',
      purposeText: null,
      documents: [],
      categories: [{ code: 'decision_mdph', label: 'Décisions de la MDPH (RQTH, AAH, PCH, CMI, orientation)' }],
      revokedAt: null,
      status: 'active',
      consentVersion: '2026-12-v1',
    });
    // Default length: three calendar months in UTC.
    const startsAt = new Date(response.body.startsAt);
    const endsAt = new Date(response.body.endsAt);
    const expectedEnd = new Date(startsAt);
    expectedEnd.setUTCMonth(expectedEnd.getUTCMonth() + 3);
    expect(Math.abs(endsAt.getTime() - expectedEnd.getTime())).toBeLessThanOrEqual(3 * 24 * HOUR_MS);

    const entry = (await auditRows(vault, 'grant.create')).at(-1);
    expect(entry).toMatchObject({ actor_type: 'person', actor_id: camille.accountId, subject_id: camille.accountId, resource_id: response.body.id, outcome: 'allow', reason: null, partner_id: capEmploi.id, grant_id: response.body.id });
  });

  it('creates a document grant with the document title', async () => {
    const response = await postJson(vault, camille, '/api/v1/grants', {
      partnerId: cfa.id,
      purpose: 'other',
      purposeText: '  Inscription en BTS en alternance  ',
      documentIds: [camilleDocument.toUpperCase()],
      endsAt: new Date(Date.now() + 30 * 24 * HOUR_MS).toISOString(),
    });
    expect(response.status).toBe(201);
    expect(response.body.purposeText).toBe('Inscription en BTS en alternance');
    expect(response.body.documents).toEqual([{ id: camilleDocument, category: 'decision_mdph', title: 'notification-rqth' }]);
  });

  const past = () => new Date(Date.now() - HOUR_MS).toISOString();
  const inDays = (days: number) => new Date(Date.now() + days * 24 * HOUR_MS).toISOString();
  const DENIALS: Array<{ name: string; body: () => Record<string, unknown>; status: number; code: string }> = [
    { name: 'unknown partner', body: () => ({ partnerId: randomUUID(), purpose: 'employment_support', categories: ['medical'] }), status: 404, code: 'partner_not_found' },
    { name: 'malformed partner id', body: () => ({ partnerId: 'cap-emploi', purpose: 'employment_support', categories: ['medical'] }), status: 404, code: 'partner_not_found' },
    { name: 'another person document', body: () => ({ partnerId: capEmploi.id, purpose: 'employment_support', documentIds: [dominiqueDocument] }), status: 404, code: 'document_not_found' },
    { name: 'unknown document', body: () => ({ partnerId: capEmploi.id, purpose: 'employment_support', documentIds: [randomUUID()] }), status: 404, code: 'document_not_found' },
    { name: 'malformed document id', body: () => ({ partnerId: capEmploi.id, purpose: 'employment_support', documentIds: ['x'] }), status: 404, code: 'document_not_found' },
    { name: 'unknown category', body: () => ({ partnerId: capEmploi.id, purpose: 'employment_support', categories: ['secret'] }), status: 422, code: 'category_unknown' },
    { name: 'empty scope', body: () => ({ partnerId: capEmploi.id, purpose: 'employment_support' }), status: 422, code: 'scope_empty' },
    { name: 'unknown purpose', body: () => ({ partnerId: capEmploi.id, purpose: 'marketing', categories: ['medical'] }), status: 422, code: 'purpose_unknown' },
    { name: 'other without text', body: () => ({ partnerId: capEmploi.id, purpose: 'other', categories: ['medical'] }), status: 422, code: 'purpose_text_required' },
    { name: 'text with a fixed purpose', body: () => ({ partnerId: capEmploi.id, purpose: 'training_access', purposeText: 'BTS', categories: ['medical'] }), status: 422, code: 'purpose_text_not_allowed' },
    { name: 'end before start', body: () => ({ partnerId: capEmploi.id, purpose: 'training_access', categories: ['medical'], startsAt: inDays(10), endsAt: inDays(5) }), status: 422, code: 'grant_window_invalid' },
    { name: 'start in the past', body: () => ({ partnerId: capEmploi.id, purpose: 'training_access', categories: ['medical'], startsAt: past() }), status: 422, code: 'grant_start_in_past' },
    { name: 'longer than a year', body: () => ({ partnerId: capEmploi.id, purpose: 'training_access', categories: ['medical'], endsAt: inDays(367) }), status: 422, code: 'grant_too_long' },
    { name: 'outdated consent text', body: () => ({ partnerId: capEmploi.id, purpose: 'training_access', categories: ['medical'], consentVersion: '2020-01-v1' }), status: 409, code: 'consent_version_outdated' },
  ];

  it.each(DENIALS)('$name answers $status $code', async ({ body, status, code }) => {
    const before = await superuserQuery<{ count: string }>(vault, 'select count(*) from grants');
    const response = await postJson(vault, camille, '/api/v1/grants', body());
    expect(response.status).toBe(status);
    expect(response.body.code).toBe(code);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(typeof response.body.title).toBe('string');

    const after = await superuserQuery<{ count: string }>(vault, 'select count(*) from grants');
    expect(after[0]!.count).toBe(before[0]!.count);
    const entry = (await auditRows(vault, 'grant.create')).at(-1);
    expect(entry).toMatchObject({ actor_id: camille.accountId, outcome: 'deny', reason: code, resource_id: null });
  });

  it('refuses a suspended partner with partner_not_active', async () => {
    await superuserQuery(vault, "update partners set status = 'suspended', suspended_at = now() where id = $1", [cfa.id]);
    try {
      const response = await postJson(vault, camille, '/api/v1/grants', { partnerId: cfa.id, purpose: 'training_access', categories: ['training'] });
      expect(response.status).toBe(422);
      expect(response.body.code).toBe('partner_not_active');
      expect((await auditRows(vault, 'grant.create')).at(-1)).toMatchObject({ outcome: 'deny', reason: 'partner_not_active', partner_id: cfa.id });
    } finally {
      await superuserQuery(vault, "update partners set status = 'active', suspended_at = null where id = $1", [cfa.id]);
    }
  });

  it('refuses staff with forbidden', async () => {
    const dpo = await signIn(vault, 'dpo');
    const response = await postJson(vault, dpo, '/api/v1/grants', { partnerId: capEmploi.id, purpose: 'employment_support', categories: ['medical'] });
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('forbidden');
    expect((await auditRows(vault, 'grant.create')).at(-1)).toMatchObject({ actor_type: 'dpo', outcome: 'deny', reason: 'role_not_allowed' });
  });

  it('rejects an unknown field with validation_failed', async () => {
    const response = await postJson(vault, camille, '/api/v1/grants', { partnerId: capEmploi.id, purpose: 'employment_support', categories: ['medical'], personId: dominique.accountId });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('validation_failed');
    expect(response.body.detail).toContain('personId');
  });

  it('rejects a malformed date with validation_failed', async () => {
    const response = await postJson(vault, camille, '/api/v1/grants', { partnerId: capEmploi.id, purpose: 'employment_support', categories: ['medical'], endsAt: '31/12/2027' });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('validation_failed');
  });

  it('needs the CSRF token', async () => {
    const response = await request(vault.url).post('/api/v1/grants').set('Cookie', camille.cookie).send({ partnerId: capEmploi.id, purpose: 'employment_support', categories: ['medical'] });
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('csrf_failed');
  });

  it('needs a session', async () => {
    const response = await request(vault.url).post('/api/v1/grants').send({});
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('unauthenticated');
  });
});

describe('Idempotency-Key', () => {
  const body = () => ({ partnerId: capEmploi.id, purpose: 'workplace_adjustment', categories: ['medical', 'employment'] });

  it('returns the first grant for the same key and body', async () => {
    const key = randomUUID();
    const first = await postJson(vault, camille, '/api/v1/grants', body(), { 'Idempotency-Key': key });
    // The same body with its list in another order is the same request.
    const second = await postJson(vault, camille, '/api/v1/grants', { ...body(), categories: ['employment', 'medical'] }, { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);

    const rows = await superuserQuery(vault, 'select id from grants where id = $1', [first.body.id]);
    expect(rows).toHaveLength(1);
    const creations = (await auditRows(vault, 'grant.create')).filter((entry) => entry.grant_id === first.body.id);
    expect(creations).toHaveLength(1);
  });

  it('refuses the same key with another body', async () => {
    const key = randomUUID();
    await postJson(vault, camille, '/api/v1/grants', body(), { 'Idempotency-Key': key }).expect(201);
    const response = await postJson(vault, camille, '/api/v1/grants', { ...body(), purpose: 'training_access' }, { 'Idempotency-Key': key });
    expect(response.status).toBe(422);
    expect(response.body.code).toBe('idempotency_key_reused');
    expect(response.body.title).toBe('Clé d\'idempotence déjà utilisée');
    expect((await auditRows(vault, 'grant.create')).at(-1)).toMatchObject({ outcome: 'deny', reason: 'idempotency_key_reused' });
  });

  it('creates one grant for concurrent requests with one key', async () => {
    const key = randomUUID();
    const [left, right] = await Promise.all([
      postJson(vault, camille, '/api/v1/grants', body(), { 'Idempotency-Key': key }),
      postJson(vault, camille, '/api/v1/grants', body(), { 'Idempotency-Key': key }),
    ]);
    expect([left.status, right.status].sort()).toEqual([200, 201]);
    expect(left.body.id).toBe(right.body.id);
  });

  it('keeps keys apart between people', async () => {
    const key = randomUUID();
    const mine = await postJson(vault, camille, '/api/v1/grants', body(), { 'Idempotency-Key': key });
    const theirs = await postJson(vault, dominique, '/api/v1/grants', body(), { 'Idempotency-Key': key });
    expect(mine.status).toBe(201);
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(mine.body.id);
  });

  it('rejects a malformed key with validation_failed', async () => {
    const response = await postJson(vault, camille, '/api/v1/grants', body(), { 'Idempotency-Key': 'a key with spaces' });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('validation_failed');
  });
});

describe('reading and revoking', () => {
  let grantId: string;

  beforeAll(async () => {
    const response = await postJson(vault, camille, '/api/v1/grants', { partnerId: cfa.id, purpose: 'training_access', categories: ['training'] });
    grantId = response.body.id;
  });

  it('lists active and ended grants with their status', async () => {
    const ended = await postJson(vault, camille, '/api/v1/grants', { partnerId: cfa.id, purpose: 'training_access', categories: ['identity'] });
    await setGrantWindow(vault, ended.body.id, { startsAt: new Date(Date.now() - 2 * HOUR_MS), endsAt: new Date(Date.now() - HOUR_MS) });

    const response = await getAsPerson(vault, camille, '/api/v1/grants?limit=200');
    expect(response.status).toBe(200);
    const byId = new Map<string, { status: string; partner: { name: string } }>(response.body.items.map((item: { id: string }) => [item.id, item]));
    expect(byId.get(grantId)).toMatchObject({ status: 'active', partner: { name: 'CFA des Essais' } });
    expect(byId.get(ended.body.id)).toMatchObject({ status: 'expired' });
    expect(response.body.nextCursor).toBeNull();
  });

  it('pages the list with a cursor', async () => {
    const first = await getAsPerson(vault, camille, '/api/v1/grants?limit=1');
    expect(first.body.items).toHaveLength(1);
    const second = await getAsPerson(vault, camille, `/api/v1/grants?limit=1&cursor=${first.body.nextCursor}`);
    expect(second.status).toBe(200);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
  });

  it('leaves other people grants out of the list', async () => {
    const response = await getAsPerson(vault, dominique, '/api/v1/grants');
    expect(response.body.items.map((item: { id: string }) => item.id)).not.toContain(grantId);
  });

  it('answers another person grant with 404 grant_not_found', async () => {
    const read = await getAsPerson(vault, dominique, `/api/v1/grants/${grantId}`);
    expect(read.status).toBe(404);
    expect(read.body.code).toBe('grant_not_found');
    const revoke = await postJson(vault, dominique, `/api/v1/grants/${grantId}/revoke`);
    expect(revoke.status).toBe(404);
    expect(revoke.body.code).toBe('grant_not_found');
    expect((await auditRows(vault, 'grant.revoke')).at(-1)).toMatchObject({ actor_id: dominique.accountId, subject_id: camille.accountId, outcome: 'deny', reason: 'grant_not_found' });
  });

  it('answers a malformed id with 404 grant_not_found', async () => {
    const response = await getAsPerson(vault, camille, '/api/v1/grants/not-a-uuid');
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('grant_not_found');
  });

  it('revokes once, then answers grant_already_revoked', async () => {
    const revoked = await postJson(vault, camille, `/api/v1/grants/${grantId}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.status).toBe('revoked');
    expect(Date.parse(revoked.body.revokedAt)).toBeLessThanOrEqual(Date.now());
    expect((await auditRows(vault, 'grant.revoke')).at(-1)).toMatchObject({ actor_id: camille.accountId, outcome: 'allow', grant_id: grantId, partner_id: cfa.id, subject_id: camille.accountId });

    const again = await postJson(vault, camille, `/api/v1/grants/${grantId}/revoke`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('grant_already_revoked');

    const read = await getAsPerson(vault, camille, `/api/v1/grants/${grantId}`);
    expect(read.body.revokedAt).toBe(revoked.body.revokedAt);
  });

  it('answers an ended grant with grant_already_expired', async () => {
    const grant = await postJson(vault, camille, '/api/v1/grants', { partnerId: cfa.id, purpose: 'training_access', categories: ['other'] });
    await setGrantWindow(vault, grant.body.id, { startsAt: new Date(Date.now() - 2 * HOUR_MS), endsAt: new Date(Date.now() - HOUR_MS) });
    const response = await postJson(vault, camille, `/api/v1/grants/${grant.body.id}/revoke`);
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('grant_already_expired');
  });
});

describe('GET /api/v1/consent-text', () => {
  it('returns the current French text with its placeholders', async () => {
    const response = await request(vault.url).get('/api/v1/consent-text');
    expect(response.status).toBe(200);
    expect(response.body.version).toBe('2026-12-v1');
    expect(response.body.locale).toBe('fr');
    for (const placeholder of ['{partner}', '{purpose}', '{documents}', '{startsAt}', '{endsAt}']) expect(response.body.text).toContain(placeholder);
    expect(response.body.text).toContain('révoquer');
  });

  it('returns English on request and 404 for an unknown version', async () => {
    const english = await request(vault.url).get('/api/v1/consent-text').set('Accept-Language', 'en');
    expect(english.body.text).toContain('I allow {partner}');
    const unknown = await request(vault.url).get('/api/v1/consent-text?version=1999-01-v1');
    expect(unknown.status).toBe(404);
  });
});

describe('mapDatabaseError', () => {
  it('maps a deleted listed document to document_not_found', () => {
    const mapped = mapDatabaseError(Object.assign(new Error('fk'), { code: '23503', constraint: 'grant_documents_document_id_fkey' }), null);
    expect(mapped).toBeInstanceOf(AppError);
    expect((mapped as AppError).code).toBe('document_not_found');
  });

  it('maps other integrity and concurrency errors to request_conflict', () => {
    for (const code of ['23505', '23514', '40001', '40P01']) {
      expect((mapDatabaseError(Object.assign(new Error('db'), { code }), null) as AppError).code).toBe('request_conflict');
    }
  });

  it('leaves other errors unchanged', () => {
    const error = new Error('connection lost');
    expect(mapDatabaseError(error, null)).toBe(error);
  });
});
