import { randomUUID } from 'node:crypto';

import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { issueAccessToken } from '../../server/partners/oauth/access-token.js';
import { superuserQuery, uploadSpecimen } from '../documents/document-api.js';
import { signIn, type SignedIn } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';
import {
  AUDIT_AFTER_HEADS,
  auditHead,
  createGrant,
  devPartner,
  partnerRequest,
  postJson,
  problemOf,
  setGrantWindow,
  tokenFor,
  type TestPartner,
} from './grant-api.js';

// Every partner route against every actor and state that must not pass.
// Each row asserts the exact status and code, that the body is a problem
// detail and no content, and that a deny audit entry with the reason was
// appended by that very request.

const DAY_MS = 24 * 60 * 60 * 1000;

let vault: TestVault;
let camille: SignedIn;
let dominique: SignedIn;
let capEmploi: TestPartner;
let cfa: TestPartner;
let capToken: string;
let cfaToken: string;
let expiredToken: string;

const ids = {
  activeGrant: '',
  revokedGrant: '',
  expiredGrant: '',
  notStartedGrant: '',
  cfaGrant: '',
  decision: '',
  medical: '',
  deleted: '',
  dominiqueDocument: '',
  capRequest: '',
};

beforeAll(async () => {
  vault = await startTestVault();
  camille = await signIn(vault, 'camille');
  dominique = await signIn(vault, 'dominique');
  capEmploi = await devPartner(vault, 'cap-emploi-de-nulle-part');
  cfa = await devPartner(vault, 'cfa-des-essais');
  capToken = await tokenFor(vault, capEmploi);
  cfaToken = await tokenFor(vault, cfa);
  expiredToken = (await issueAccessToken(vault.ctx, capEmploi.id, { now: new Date(Date.now() - DAY_MS) })).accessToken;

  ids.decision = (await uploadSpecimen(vault, camille, 'notification-rqth.pdf', 'decision_mdph')).id;
  ids.medical = (await uploadSpecimen(vault, camille, 'certificat-medical-scan.jpg', 'medical')).id;
  ids.deleted = (await uploadSpecimen(vault, camille, 'notification-pch.pdf', 'decision_mdph')).id;
  ids.dominiqueDocument = (await uploadSpecimen(vault, dominique, 'notification-aah.pdf', 'decision_mdph')).id;

  const share = { partnerId: capEmploi.id, purpose: 'employment_support', categories: ['decision_mdph'] };
  ids.activeGrant = (await createGrant(vault, camille, share)).id;
  ids.revokedGrant = (await createGrant(vault, camille, share)).id;
  await postJson(vault, camille, `/api/v1/grants/${ids.revokedGrant}/revoke`).expect(200);
  ids.expiredGrant = (await createGrant(vault, camille, share)).id;
  await setGrantWindow(vault, ids.expiredGrant, { startsAt: new Date(Date.now() - 2 * DAY_MS), endsAt: new Date(Date.now() - DAY_MS) });
  ids.notStartedGrant = (await createGrant(vault, camille, { ...share, startsAt: new Date(Date.now() + DAY_MS).toISOString() })).id;
  ids.cfaGrant = (await createGrant(vault, camille, { ...share, partnerId: cfa.id, purpose: 'training_access' })).id;

  // The deleted document was in the active grant's category when it was removed.
  await request(vault.url).delete(`/api/v1/documents/${ids.deleted}`).set('Cookie', camille.cookie).set('X-CSRF-Token', camille.csrfToken).expect(204);

  const code = (await postJson(vault, camille, '/api/v1/sharing-codes').expect(201)).body.code as string;
  const created = await partnerRequest(vault, 'post', '/partner/v1/access-requests', capToken)
    .set('Content-Type', 'application/json')
    .send(JSON.stringify({ sharingCode: code, purpose: 'employment_support', categories: ['decision_mdph'] }));
  if (created.status !== 201) throw new Error(`access request answered ${created.status}: ${created.body.toString()}`);
  ids.capRequest = (JSON.parse((created.body as Buffer).toString('utf8')) as { id: string }).id;
});

afterAll(async () => {
  await vault?.destroy();
});

type Route = 'grants' | 'documents' | 'content' | 'create-request' | 'read-request';

interface Row {
  name: string;
  route: Route;
  token: () => string | null;
  grant?: () => string;
  document?: () => string;
  status: number;
  code: string;
  /** Audit action and reason of the deny entry. */
  action: string;
  reason: string;
}

const ROUTE_ACTIONS: Record<Route, string> = {
  grants: 'partner.grant.list',
  documents: 'partner.documents.list',
  content: 'partner.document.download',
  'create-request': 'access_request.create',
  'read-request': 'partner.access_request.read',
};

function send(row: Row): request.Test {
  const token = row.token();
  const grant = row.grant?.() ?? ids.activeGrant;
  const document = row.document?.() ?? ids.decision;
  switch (row.route) {
    case 'grants':
      return partnerRequest(vault, 'get', '/partner/v1/grants', token);
    case 'documents':
      return partnerRequest(vault, 'get', `/partner/v1/grants/${grant}/documents`, token);
    case 'content':
      return partnerRequest(vault, 'get', `/partner/v1/grants/${grant}/documents/${document}/content`, token);
    case 'create-request':
      return partnerRequest(vault, 'post', '/partner/v1/access-requests', token)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ sharingCode: 'AAAA-BBBB-CC', purpose: 'employment_support', categories: ['decision_mdph'] }));
    case 'read-request':
      return partnerRequest(vault, 'get', `/partner/v1/access-requests/${ids.capRequest}`, token);
  }
}

const ALL_ROUTES: Route[] = ['grants', 'documents', 'content', 'create-request', 'read-request'];
const GRANT_ROUTES: Route[] = ['documents', 'content'];

function tokenRows(): Row[] {
  return ALL_ROUTES.flatMap((route) => [
    { name: `${route}: no token`, route, token: () => null, status: 401, code: 'partner_token_invalid', action: 'partner.authenticate', reason: 'token_missing' },
    { name: `${route}: expired token`, route, token: () => expiredToken, status: 401, code: 'partner_token_invalid', action: 'partner.authenticate', reason: 'token_expired' },
  ]);
}

function grantStateRows(): Row[] {
  return GRANT_ROUTES.flatMap((route) => [
    { name: `${route}: another partner's grant`, route, token: () => capToken, grant: () => ids.cfaGrant, status: 404, code: 'grant_not_found', action: ROUTE_ACTIONS[route], reason: 'grant_not_found' },
    { name: `${route}: unknown grant`, route, token: () => capToken, grant: () => randomUUID(), status: 404, code: 'grant_not_found', action: ROUTE_ACTIONS[route], reason: 'grant_not_found' },
    { name: `${route}: malformed grant id`, route, token: () => capToken, grant: () => 'grant-1', status: 404, code: 'grant_not_found', action: ROUTE_ACTIONS[route], reason: 'grant_not_found' },
    { name: `${route}: revoked grant`, route, token: () => capToken, grant: () => ids.revokedGrant, status: 403, code: 'grant_revoked', action: ROUTE_ACTIONS[route], reason: 'grant_revoked' },
    { name: `${route}: expired grant`, route, token: () => capToken, grant: () => ids.expiredGrant, status: 403, code: 'grant_expired', action: ROUTE_ACTIONS[route], reason: 'grant_expired' },
    { name: `${route}: grant not started`, route, token: () => capToken, grant: () => ids.notStartedGrant, status: 403, code: 'grant_not_started', action: ROUTE_ACTIONS[route], reason: 'grant_not_started' },
  ]);
}

const DOCUMENT_ROWS: Row[] = [
  { name: 'content: document outside the grant', route: 'content', token: () => capToken, document: () => ids.medical, status: 404, code: 'document_not_in_scope', action: 'partner.document.download', reason: 'document_not_in_scope' },
  { name: 'content: deleted document', route: 'content', token: () => capToken, document: () => ids.deleted, status: 404, code: 'document_not_found', action: 'partner.document.download', reason: 'document_not_found' },
  { name: "content: another person's document", route: 'content', token: () => capToken, document: () => ids.dominiqueDocument, status: 404, code: 'document_not_found', action: 'partner.document.download', reason: 'document_not_found' },
  { name: 'content: unknown document', route: 'content', token: () => capToken, document: () => randomUUID(), status: 404, code: 'document_not_found', action: 'partner.document.download', reason: 'document_not_found' },
];

const REQUEST_ROWS: Row[] = [
  { name: 'create-request: wrong sharing code', route: 'create-request', token: () => capToken, status: 404, code: 'sharing_code_invalid', action: 'access_request.create', reason: 'sharing_code_invalid' },
  { name: "read-request: another partner's request", route: 'read-request', token: () => cfaToken, status: 404, code: 'access_request_not_found', action: 'partner.access_request.read', reason: 'access_request_not_found' },
];

async function expectRefused(row: Row): Promise<void> {
  const head = await auditHead(vault);
  const response = await send(row);
  const body = response.body as Buffer;

  expect(response.status).toBe(row.status);
  expect(response.headers['content-type']).toContain('application/problem+json');
  expect(response.headers['content-disposition']).toBeUndefined();
  // No content byte: the whole body is the problem detail, and no PDF or JPEG signature appears in it.
  expect(body.includes(Buffer.from('%PDF'))).toBe(false);
  expect(body.includes(Buffer.from([0xff, 0xd8, 0xff]))).toBe(false);
  const problem = problemOf(body);
  expect(problem.code).toBe(row.code);
  expect(problem.status).toBe(row.status);

  const appended = await superuserQuery<{ action: string; outcome: string; reason: string }>(
    vault,
    `select action, outcome, reason from audit_events where ${AUDIT_AFTER_HEADS} order by time, chain, seq`,
    [head],
  );
  expect(appended).toContainEqual({ action: row.action, outcome: 'deny', reason: row.reason });
  expect(appended.filter((entry) => entry.outcome === 'allow')).toEqual([]);
}

describe('partner routes refuse', () => {
  it.each([...tokenRows(), ...grantStateRows(), ...DOCUMENT_ROWS, ...REQUEST_ROWS])('$name: $status $code', expectRefused);
});

describe('a suspended partner', () => {
  beforeAll(async () => {
    await superuserQuery(vault, "update partners set status = 'suspended', suspended_at = now() where id = $1", [cfa.id]);
  });

  afterAll(async () => {
    await superuserQuery(vault, "update partners set status = 'active', suspended_at = null where id = $1", [cfa.id]);
  });

  const rows: Row[] = ALL_ROUTES.map((route) => ({
    name: `${route}: suspended partner`,
    route,
    token: () => cfaToken,
    grant: () => ids.cfaGrant,
    status: 403,
    code: 'partner_suspended',
    action: ROUTE_ACTIONS[route],
    reason: 'partner_suspended',
  }));

  it.each(rows)('$name: $status $code', expectRefused);
});

describe('the same routes with the right actor', () => {
  it('serve the active grant', async () => {
    const listed = await partnerRequest(vault, 'get', `/partner/v1/grants/${ids.activeGrant}/documents`, capToken);
    expect(listed.status).toBe(200);
    const content = await partnerRequest(vault, 'get', `/partner/v1/grants/${ids.activeGrant}/documents/${ids.decision}/content`, capToken);
    expect(content.status).toBe(200);
    expect((content.body as Buffer).subarray(0, 4).toString('latin1')).toBe('%PDF');
  });

  it('serve the suspended partner again once reactivated', async () => {
    const response = await partnerRequest(vault, 'get', `/partner/v1/grants/${ids.cfaGrant}/documents`, cfaToken);
    expect(response.status).toBe(200);
  });
});
