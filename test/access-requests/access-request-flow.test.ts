import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { superuserQuery, uploadSpecimen } from '../documents/document-api.js';
import { auditRows, devPartner, getAsPerson, partnerRequest, postJson, problemOf, tokenFor, type TestPartner } from '../grants/grant-api.js';
import { signIn, type SignedIn } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const CODE_PATTERN = /^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{2}$/;

let vault: TestVault;
let camille: SignedIn;
let dominique: SignedIn;
let cfa: TestPartner;
let cfaToken: string;
let capToken: string;

beforeAll(async () => {
  vault = await startTestVault();
  camille = await signIn(vault, 'camille');
  dominique = await signIn(vault, 'dominique');
  cfa = await devPartner(vault, 'cfa-des-essais');
  cfaToken = await tokenFor(vault, cfa);
  capToken = await tokenFor(vault, await devPartner(vault, 'cap-emploi-de-nulle-part'));
});

afterAll(async () => {
  await vault?.destroy();
});

async function newCode(session: SignedIn = camille): Promise<{ id: string; code: string; expiresAt: string }> {
  return (await postJson(vault, session, '/api/v1/sharing-codes').expect(201)).body;
}

function sendRequest(token: string, body: Record<string, unknown>) {
  return partnerRequest(vault, 'post', '/partner/v1/access-requests', token).set('Content-Type', 'application/json').send(JSON.stringify(body));
}

function json(response: { body: unknown }): any {
  return JSON.parse((response.body as Buffer).toString('utf8'));
}

// A code may carry several requests while it is valid, so the tests share one
// and stay under the creation limit of SHARING_CODES_PER_HOUR.
let sharedCode: string | null = null;

async function pendingRequest(overrides: Record<string, unknown> = {}): Promise<string> {
  sharedCode ??= (await newCode()).code;
  const code = sharedCode;
  const response = await sendRequest(cfaToken, { sharingCode: code, purpose: 'training_access', categories: ['decision_mdph'], requestedDurationDays: 30, ...overrides });
  if (response.status !== 201) throw new Error(`access request answered ${response.status}: ${(response.body as Buffer).toString()}`);
  return json(response).id;
}

describe('sharing codes', () => {
  it('creates a readable code valid 24 hours, stored only as a hash', async () => {
    const created = await newCode();
    expect(created.code).toMatch(CODE_PATTERN);
    expect(Date.parse(created.expiresAt) - Date.now()).toBeGreaterThan(DAY_MS - 60_000);
    expect(Date.parse(created.expiresAt) - Date.now()).toBeLessThanOrEqual(DAY_MS);

    const [row] = await superuserQuery<Record<string, unknown>>(vault, 'select * from sharing_codes where id = $1', [created.id]);
    expect(JSON.stringify(row)).not.toContain(created.code.replaceAll('-', ''));
    expect((row!.code_hash as Buffer).length).toBe(32);
    expect((await auditRows(vault, 'sharing_code.create')).at(-1)).toMatchObject({ actor_id: camille.accountId, resource_id: created.id, outcome: 'allow' });
  });

  it('lists the codes without the code itself', async () => {
    const created = await newCode();
    const response = await getAsPerson(vault, camille, '/api/v1/sharing-codes');
    const listed = response.body.items.find((item: { id: string }) => item.id === created.id);
    expect(listed).toMatchObject({ id: created.id, status: 'active', revokedAt: null });
    expect(listed.code).toBeUndefined();
  });

  it('revokes a code, which then answers like a wrong one', async () => {
    const created = await newCode();
    const revoked = await postJson(vault, camille, `/api/v1/sharing-codes/${created.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.status).toBe('revoked');
    expect((await auditRows(vault, 'sharing_code.revoke')).at(-1)).toMatchObject({ resource_id: created.id, outcome: 'allow' });

    const response = await sendRequest(cfaToken, { sharingCode: created.code, purpose: 'training_access', categories: ['training'] });
    expect(response.status).toBe(404);
    expect(problemOf(response.body as Buffer).code).toBe('sharing_code_invalid');
  });

  it("answers another person's code with 404 sharing_code_not_found", async () => {
    const created = await newCode();
    const response = await postJson(vault, dominique, `/api/v1/sharing-codes/${created.id}/revoke`);
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('sharing_code_not_found');
  });
});

describe('POST /partner/v1/access-requests', () => {
  it('creates a pending request with a sealed message', async () => {
    const { code } = await newCode();
    const message = 'Bonjour Camille, votre conseillère Mme Essai a besoin de votre RQTH.';
    const response = await sendRequest(cfaToken, { sharingCode: ` ${code.toLowerCase()} `, purpose: 'training_access', categories: ['decision_mdph', 'training'], requestedDurationDays: 60, message });
    expect(response.status).toBe(201);
    const created = json(response);
    expect(response.headers.location).toBe(`/partner/v1/access-requests/${created.id}`);
    expect(created).toMatchObject({ status: 'pending', purpose: 'training_access', categories: ['decision_mdph', 'training'], grantId: null, answeredAt: null });
    expect(Date.parse(created.requestedEndsAt) - Date.now()).toBeGreaterThan(60 * DAY_MS - 60_000);

    const [row] = await superuserQuery<{ message_sealed: Buffer; person_id: string }>(vault, 'select message_sealed, person_id from access_requests where id = $1', [created.id]);
    expect(row!.person_id).toBe(camille.accountId);
    expect(row!.message_sealed.includes(Buffer.from('RQTH'))).toBe(false);
    expect((await auditRows(vault, 'access_request.create')).at(-1)).toMatchObject({ actor_type: 'partner', actor_id: cfa.id, subject_id: camille.accountId, resource_id: created.id, outcome: 'allow', partner_id: cfa.id });
  });

  it('answers a wrong, an expired and a revoked code exactly alike', async () => {
    const expired = await newCode();
    await superuserQuery(vault, "update sharing_codes set expires_at = now() - interval '1 second' where id = $1", [expired.id]);
    const revoked = await newCode();
    await postJson(vault, camille, `/api/v1/sharing-codes/${revoked.id}/revoke`).expect(200);

    const answers = [];
    for (const sharingCode of ['ZZZZ-ZZZZ-ZZ', expired.code, revoked.code, 'not even a code']) {
      const response = await sendRequest(capToken, { sharingCode, purpose: 'employment_support', categories: ['decision_mdph'] });
      const { requestId, ...problem } = json(response);
      answers.push({ status: response.status, contentType: response.headers['content-type'], problem });
      expect(typeof requestId).toBe('string');
    }
    expect(answers[0]).toMatchObject({ status: 404, problem: { code: 'sharing_code_invalid', title: 'Code de partage invalide' } });
    for (const answer of answers.slice(1)) expect(answer).toEqual(answers[0]);

    const denials = (await auditRows(vault, 'access_request.create')).slice(-4);
    expect(denials.map((entry) => [entry.outcome, entry.reason])).toEqual(Array(4).fill(['deny', 'sharing_code_invalid']));
  });

  const INVALID: Array<{ name: string; body: Record<string, unknown>; status: number; code: string }> = [
    { name: 'unknown purpose', body: { purpose: 'marketing', categories: ['training'] }, status: 422, code: 'purpose_unknown' },
    { name: 'no category', body: { purpose: 'training_access', categories: [] }, status: 422, code: 'scope_empty' },
    { name: 'unknown category', body: { purpose: 'training_access', categories: ['secret'] }, status: 422, code: 'category_unknown' },
    { name: 'other without text', body: { purpose: 'other', categories: ['training'] }, status: 422, code: 'purpose_text_required' },
    { name: 'zero days', body: { purpose: 'training_access', categories: ['training'], requestedDurationDays: 0 }, status: 400, code: 'validation_failed' },
    { name: 'more than a year', body: { purpose: 'training_access', categories: ['training'], requestedDurationDays: 366 }, status: 400, code: 'validation_failed' },
    { name: 'message too long', body: { purpose: 'training_access', categories: ['training'], message: 'é'.repeat(1001) }, status: 400, code: 'validation_failed' },
    { name: 'unknown field', body: { purpose: 'training_access', categories: ['training'], personId: randomUUID() }, status: 400, code: 'validation_failed' },
  ];

  it.each(INVALID)('refuses $name with $status $code', async ({ body, status, code }) => {
    sharedCode ??= (await newCode()).code;
    const response = await sendRequest(cfaToken, { sharingCode: sharedCode, ...body });
    expect(response.status).toBe(status);
    expect(problemOf(response.body as Buffer).code).toBe(code);
  });
});

describe('answering an access request', () => {
  it('lists pending requests for their person only', async () => {
    const id = await pendingRequest();
    const mine = await getAsPerson(vault, camille, '/api/v1/access-requests');
    expect(mine.body.items.map((item: { id: string }) => item.id)).toContain(id);
    const theirs = await getAsPerson(vault, dominique, '/api/v1/access-requests');
    expect(theirs.body.items.map((item: { id: string }) => item.id)).not.toContain(id);
  });

  it('refuses an end later than requested', async () => {
    const id = await pendingRequest({ requestedDurationDays: 10 });
    const response = await postJson(vault, camille, `/api/v1/access-requests/${id}/approve`, { endsAt: new Date(Date.now() + 20 * DAY_MS).toISOString() });
    expect(response.status).toBe(422);
    expect(response.body.code).toBe('approval_longer_than_requested');
    expect((await auditRows(vault, 'access_request.approve')).at(-1)).toMatchObject({ outcome: 'deny', reason: 'approval_longer_than_requested', resource_id: id });
  });

  it("refuses another person's document in the approval", async () => {
    const foreign = await uploadSpecimen(vault, dominique, 'notification-aah.pdf', 'decision_mdph');
    const id = await pendingRequest();
    const response = await postJson(vault, camille, `/api/v1/access-requests/${id}/approve`, { documentIds: [foreign.id] });
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('document_not_found');
  });

  it("answers another person's request with 404 access_request_not_found", async () => {
    const id = await pendingRequest();
    for (const action of ['approve', 'refuse']) {
      const response = await postJson(vault, dominique, `/api/v1/access-requests/${id}/${action}`);
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('access_request_not_found');
    }
  });

  it('approves with the requested end and adds documents, once', async () => {
    const extra = await uploadSpecimen(vault, camille, 'certificat-medical-scan.jpg', 'medical');
    const id = await pendingRequest();
    const approved = await postJson(vault, camille, `/api/v1/access-requests/${id}/approve`, { documentIds: [extra.id] });
    expect(approved.status).toBe(200);
    expect(approved.body.grant).toMatchObject({ endsAt: approved.body.request.requestedEndsAt, categories: [{ code: 'decision_mdph' }], documents: [{ id: extra.id }] });
    const grantCreated = (await auditRows(vault, 'grant.create')).at(-1);
    expect(grantCreated).toMatchObject({ outcome: 'allow', grant_id: approved.body.grant.id, partner_id: cfa.id });
    expect((await auditRows(vault, 'access_request.approve')).at(-1)).toMatchObject({ outcome: 'allow', resource_id: id, grant_id: approved.body.grant.id });

    const again = await postJson(vault, camille, `/api/v1/access-requests/${id}/approve`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('access_request_not_pending');
  });

  it('refuses a request, which the partner then sees without a grant', async () => {
    const id = await pendingRequest();
    const refused = await postJson(vault, camille, `/api/v1/access-requests/${id}/refuse`);
    expect(refused.status).toBe(200);
    expect(refused.body.status).toBe('refused');
    expect((await auditRows(vault, 'access_request.refuse')).at(-1)).toMatchObject({ outcome: 'allow', resource_id: id, partner_id: cfa.id });

    const seen = await partnerRequest(vault, 'get', `/partner/v1/access-requests/${id}`, cfaToken);
    expect(seen.status).toBe(200);
    expect(json(seen)).toMatchObject({ id, status: 'refused', grantId: null });
  });

  it('answers an expired request with 409 access_request_expired', async () => {
    const id = await pendingRequest();
    await superuserQuery(vault, "update access_requests set expires_at = now() - interval '1 second' where id = $1", [id]);
    const response = await postJson(vault, camille, `/api/v1/access-requests/${id}/approve`);
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('access_request_expired');
    const seen = json(await partnerRequest(vault, 'get', `/partner/v1/access-requests/${id}`, cfaToken));
    expect(seen.status).toBe('expired');
  });
});
