import { randomUUID } from 'node:crypto';

import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { reactivatePartner, registerPartner, suspendPartner } from '../../server/partners/partner-admin.service.js';
import type { PartnerAdminActor } from '../../server/partners/partner-audit.js';
import { parsePartnerJwks } from '../../server/partners/partner-jwks.js';
import { findPartnerByClientId } from '../../server/partners/partner.repository.js';
import {
  JWT_BEARER_ASSERTION_TYPE,
  assertionClaims,
  clientAssertion,
  readDevPartner,
  requestToken,
  tokenForm,
  type DevPartner,
} from '../support/partner-client.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';
import { auditRowsOf, signingKeyPair, type AuditRow } from './partner-test-support.js';

const TEST_ACTOR: PartnerAdminActor = { actorType: 'system', actorId: null, requestId: null, sourceAddress: null };

// The vault allows 30 token requests a minute per client id, so the refusals use a
// partner of their own and leave the development partners' budget to the other tests.
let vault: TestVault;
let cfa: DevPartner;
let cfaId: string;
let other: DevPartner;
let otherId: string;

beforeAll(async () => {
  vault = await startTestVault();
  cfa = await readDevPartner(vault, 'cfa-des-essais');
  cfaId = (await findPartnerByClientId(vault.ctx.db, cfa.clientId))!.id;

  const { privateJwk, publicJwk } = await signingKeyPair('ES256', 'cle-des-refus');
  const registration = { name: 'Organisme des refus', kind: 'other' as const, siret: null, keys: await parsePartnerJwks({ keys: [publicJwk] }) };
  const registered = await registerPartner(vault.ctx.db, TEST_ACTOR, registration);
  other = { name: registered.name, clientId: registered.clientId, privateJwk };
  otherId = registered.id;
});

afterAll(async () => {
  await vault?.destroy();
});

interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
  audit: AuditRow[];
}

async function send(form: Record<string, string>, headers: Record<string, string> = {}): Promise<TokenAnswer> {
  const response = await requestToken(vault, form, headers);
  const body = (await response.json()) as Record<string, unknown>;
  const audit = await auditRowsOf(vault.databaseUrl, response.headers.get('x-request-id')!);
  return { status: response.status, body, headers: response.headers, audit };
}

/** Checks an RFC 6749 error response and its deny audit entry. */
function expectRefusal(answer: TokenAnswer, expected: { status: number; error: string; description: RegExp; reason: string; partnerId: string | null }): void {
  expect(answer.status).toBe(expected.status);
  expect(answer.body.error).toBe(expected.error);
  expect(answer.body.error_description).toMatch(expected.description);
  expect(answer.headers.get('cache-control')).toBe('no-store');
  expect(answer.body.access_token).toBeUndefined();
  expect(answer.audit).toEqual([
    expect.objectContaining({
      action: 'partner.token',
      outcome: 'deny',
      reason: expected.reason,
      actor_type: expected.partnerId ? 'partner' : 'unknown',
      actor_id: expected.partnerId,
      partner_id: expected.partnerId,
      source_address: expect.stringMatching(/127\.0\.0\.1$/),
    }),
  ]);
}

describe('POST /oauth/token with a valid assertion', () => {
  it('issues a short-lived access token signed by the vault', async () => {
    const answer = await send(tokenForm(await clientAssertion(vault, cfa)));

    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 300 });

    const token = answer.body.access_token as string;
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', typ: 'at+jwt', kid: expect.any(String) });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ iss: vault.url, aud: `${vault.url}/partner/v1`, sub: cfaId, client_id: cfa.clientId, jti: expect.any(String) });
    expect(claims.exp! - claims.iat!).toBe(300);
  });

  it('audits the issued token with the partner as actor', async () => {
    const answer = await send(tokenForm(await clientAssertion(vault, cfa)));
    const jti = decodeJwt(answer.body.access_token as string).jti;

    expect(answer.audit).toEqual([
      expect.objectContaining({ action: 'partner.token', outcome: 'allow', reason: null, actor_type: 'partner', actor_id: cfaId, partner_id: cfaId, resource_type: 'access_token', resource_id: jti }),
    ]);
  });

  it("accepts the vault's issuer URL as audience", async () => {
    const answer = await send(tokenForm(await clientAssertion(vault, cfa, { claims: { aud: vault.url } })));
    expect(answer.status).toBe(200);
  });

  it('accepts a matching client_id and ignores scope', async () => {
    const answer = await send({ ...tokenForm(await clientAssertion(vault, cfa)), client_id: cfa.clientId, scope: 'documents' });
    expect(answer.status).toBe(200);
  });

  it('accepts an assertion without iat', async () => {
    const answer = await send(tokenForm(await clientAssertion(vault, cfa, { claims: { iat: undefined } })));
    expect(answer.status).toBe(200);
  });
});

describe('POST /oauth/token refuses', () => {
  const now = () => Math.floor(Date.now() / 1000);

  it('alg none', async () => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${encode({ alg: 'none', kid: other.privateJwk.kid })}.${encode(assertionClaims(vault, other))}.`;
    expectRefusal(await send(tokenForm(unsigned)), {
      status: 401, error: 'invalid_client', description: /algorithme de signature/, reason: 'assertion_algorithm_not_allowed', partnerId: null,
    });
  });

  it("HS256 signed with the partner's public key as secret", async () => {
    const { d: _private, ...publicJwk } = other.privateJwk;
    for (const secret of [JSON.stringify(publicJwk), `${publicJwk.x}${publicJwk.y}`]) {
      const forged = await new SignJWT(assertionClaims(vault, other))
        .setProtectedHeader({ alg: 'HS256', kid: other.privateJwk.kid })
        .sign(new TextEncoder().encode(secret));
      expectRefusal(await send(tokenForm(forged)), {
        status: 401, error: 'invalid_client', description: /algorithme de signature/, reason: 'assertion_algorithm_not_allowed', partnerId: null,
      });
    }
  });

  it('an alg other than the registered one', async () => {
    const { privateJwk } = await signingKeyPair('RS256', other.privateJwk.kid);
    const assertion = await clientAssertion(vault, other, { signingJwk: privateJwk });
    expectRefusal(await send(tokenForm(assertion)), {
      status: 401, error: 'invalid_client', description: /algorithme de signature/, reason: 'assertion_algorithm_not_allowed', partnerId: null,
    });
  });

  it('an expired assertion', async () => {
    const assertion = await clientAssertion(vault, other, { claims: { iat: now() - 600, exp: now() - 120 } });
    expectRefusal(await send(tokenForm(assertion)), {
      status: 401, error: 'invalid_client', description: /a expiré/, reason: 'assertion_expired', partnerId: otherId,
    });
  });

  it('exp more than 5 minutes ahead', async () => {
    const assertion = await clientAssertion(vault, other, { claims: { exp: now() + 600 } });
    expectRefusal(await send(tokenForm(assertion)), {
      status: 401, error: 'invalid_client', description: /au plus 5 minutes/, reason: 'assertion_lifetime_too_long', partnerId: otherId,
    });
  });

  it('a missing exp', async () => {
    const assertion = await clientAssertion(vault, other, { claims: { exp: undefined } });
    expectRefusal(await send(tokenForm(assertion)), {
      status: 401, error: 'invalid_client', description: /date d'expiration/, reason: 'assertion_exp_missing', partnerId: otherId,
    });
  });

  it('iat in the future beyond the clock skew', async () => {
    const assertion = await clientAssertion(vault, other, { claims: { iat: now() + 120, exp: now() + 180 } });
    expectRefusal(await send(tokenForm(assertion)), {
      status: 401, error: 'invalid_client', description: /datée dans le futur/, reason: 'assertion_not_yet_valid', partnerId: otherId,
    });
  });

  it.each([
    ['another server', 'https://autre-coffre.example/oauth/token'],
    ['the partner API', 'PARTNER_API'],
  ])('an audience of %s', async (_case, audience) => {
    const aud = audience === 'PARTNER_API' ? `${vault.url}/partner/v1` : audience;
    const assertion = await clientAssertion(vault, other, { claims: { aud } });
    expectRefusal(await send(tokenForm(assertion)), {
      status: 401, error: 'invalid_client', description: /aud/, reason: 'assertion_audience_invalid', partnerId: otherId,
    });
  });

  it('an audience with several values', async () => {
    const assertion = await clientAssertion(vault, other, { claims: { aud: [`${vault.url}/oauth/token`, 'https://autre.example'] } });
    expectRefusal(await send(tokenForm(assertion)), {
      status: 401, error: 'invalid_client', description: /une seule valeur/, reason: 'assertion_audience_invalid', partnerId: otherId,
    });
  });

  it('a replayed jti', async () => {
    const assertion = await clientAssertion(vault, other);
    expect((await send(tokenForm(assertion))).status).toBe(200);

    expectRefusal(await send(tokenForm(assertion)), {
      status: 400, error: 'invalid_grant', description: /déjà été utilisée/, reason: 'assertion_replayed', partnerId: otherId,
    });
  });

  it('a missing jti', async () => {
    const assertion = await clientAssertion(vault, other, { claims: { jti: undefined } });
    expectRefusal(await send(tokenForm(assertion)), {
      status: 401, error: 'invalid_client', description: /identifiant unique \(jti\)/, reason: 'assertion_jti_missing', partnerId: otherId,
    });
  });

  it('an unknown kid', async () => {
    const assertion = await clientAssertion(vault, other, { header: { kid: 'cle-inconnue' } });
    expectRefusal(await send(tokenForm(assertion)), {
      status: 401, error: 'invalid_client', description: /Aucune clé enregistrée/, reason: 'assertion_key_unknown', partnerId: null,
    });
  });

  it('a missing kid', async () => {
    const assertion = await clientAssertion(vault, other, { header: { kid: undefined } });
    expectRefusal(await send(tokenForm(assertion)), {
      status: 401, error: 'invalid_client', description: /kid/, reason: 'assertion_kid_missing', partnerId: null,
    });
  });

  it('a signature by another key under the registered kid', async () => {
    const { privateJwk } = await signingKeyPair('ES256', other.privateJwk.kid);
    const assertion = await clientAssertion(vault, other, { signingJwk: privateJwk });
    expectRefusal(await send(tokenForm(assertion)), {
      status: 401, error: 'invalid_client', description: /signature/, reason: 'assertion_signature_invalid', partnerId: null,
    });
  });

  it('an unknown client id', async () => {
    const stranger = { ...other, clientId: 'partner-00000000000000000000000000000000' };
    const assertion = await clientAssertion(vault, stranger);
    expectRefusal(await send(tokenForm(assertion)), {
      status: 401, error: 'invalid_client', description: /Aucun partenaire/, reason: 'client_unknown', partnerId: null,
    });
  });

  it('sub different from iss', async () => {
    const assertion = await clientAssertion(vault, other, { claims: { sub: 'partner-someone-else' } });
    expectRefusal(await send(tokenForm(assertion)), {
      status: 401, error: 'invalid_client', description: /iss et sub/, reason: 'assertion_issuer_invalid', partnerId: otherId,
    });
  });

  it('a client_id parameter that differs from iss', async () => {
    const answer = await send({ ...tokenForm(await clientAssertion(vault, other)), client_id: 'partner-other' });
    expectRefusal(answer, { status: 401, error: 'invalid_client', description: /client_id/, reason: 'client_id_mismatch', partnerId: null });
  });

  it('an assertion that is not a JWT', async () => {
    expectRefusal(await send(tokenForm('not.a.jwt')), {
      status: 401, error: 'invalid_client', description: /JWT signé lisible/, reason: 'assertion_malformed', partnerId: null,
    });
  });

  it('a suspended partner, saying so in French', async () => {
    await suspendPartner(vault.ctx.db, TEST_ACTOR, otherId);
    try {
      const answer = await send(tokenForm(await clientAssertion(vault, other)));
      expectRefusal(answer, { status: 401, error: 'invalid_client', description: /partenaire est suspendu/, reason: 'partner_suspended', partnerId: otherId });
    } finally {
      await reactivatePartner(vault.ctx.db, TEST_ACTOR, otherId);
    }
  });

  it('a grant type other than client_credentials', async () => {
    const answer = await send({ ...tokenForm(await clientAssertion(vault, other)), grant_type: 'authorization_code' });
    expectRefusal(answer, { status: 400, error: 'unsupported_grant_type', description: /client_credentials/, reason: 'grant_type_unsupported', partnerId: null });
  });

  it('a missing grant type', async () => {
    const { grant_type: _grantType, ...form } = tokenForm(await clientAssertion(vault, other));
    expectRefusal(await send(form), { status: 400, error: 'invalid_request', description: /grant_type est manquant/, reason: 'grant_type_missing', partnerId: null });
  });

  it('a missing client_assertion_type', async () => {
    const { client_assertion_type: _type, ...form } = tokenForm(await clientAssertion(vault, other));
    expectRefusal(await send(form), {
      status: 400, error: 'invalid_request', description: /client_assertion_type est manquant/, reason: 'client_assertion_type_missing', partnerId: null,
    });
  });

  it('another client_assertion_type', async () => {
    const answer = await send({ ...tokenForm(await clientAssertion(vault, other)), client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer' });
    expectRefusal(answer, { status: 401, error: 'invalid_client', description: /mode d'authentification/, reason: 'client_assertion_type_unsupported', partnerId: null });
  });

  it('a missing client_assertion', async () => {
    const answer = await send({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER_ASSERTION_TYPE });
    expectRefusal(answer, { status: 400, error: 'invalid_request', description: /client_assertion est manquant/, reason: 'client_assertion_missing', partnerId: null });
  });

  it('a repeated parameter', async () => {
    const assertion = await clientAssertion(vault, other);
    const body = `${new URLSearchParams(tokenForm(assertion)).toString()}&grant_type=client_credentials`;
    const response = await fetch(`${vault.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    const answer: TokenAnswer = {
      status: response.status,
      body: (await response.json()) as Record<string, unknown>,
      headers: response.headers,
      audit: await auditRowsOf(vault.databaseUrl, response.headers.get('x-request-id')!),
    };
    expectRefusal(answer, { status: 400, error: 'invalid_request', description: /répété/, reason: 'parameter_repeated', partnerId: null });
  });

  it('a JSON body', async () => {
    const response = await fetch(`${vault.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(tokenForm(await clientAssertion(vault, other))),
    });
    const answer: TokenAnswer = {
      status: response.status,
      body: (await response.json()) as Record<string, unknown>,
      headers: response.headers,
      audit: await auditRowsOf(vault.databaseUrl, response.headers.get('x-request-id')!),
    };
    expectRefusal(answer, { status: 400, error: 'invalid_request', description: /x-www-form-urlencoded/, reason: 'request_not_form', partnerId: null });
  });

  it('a form longer than 16 KiB', async () => {
    const form = { ...tokenForm(await clientAssertion(vault, other)), padding: 'x'.repeat(20_000) };
    expectRefusal(await send(form), { status: 400, error: 'invalid_request', description: /16 Kio/, reason: 'request_not_form', partnerId: null });
  });

  it('in English when the client asks for it', async () => {
    const answer = await send({ ...tokenForm(await clientAssertion(vault, other)), grant_type: 'password' }, { 'accept-language': 'en' });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: 'unsupported_grant_type', error_description: 'This grant type is not supported; only grant_type=client_credentials is.' });
  });
});

describe('POST /oauth/token rate limit', () => {
  it('answers 429 after 30 requests a minute naming one client id', async () => {
    const form = { grant_type: 'client_credentials', client_id: `partner-rate-${randomUUID()}` };
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 31; attempt += 1) statuses.push((await requestToken(vault, form)).status);

    expect(statuses.slice(0, 30).every((status) => status === 400)).toBe(true);
    expect(statuses[30]).toBe(429);
    // Another client from the same address still gets a token.
    const capEmploi = await readDevPartner(vault, 'cap-emploi-de-nulle-part');
    expect((await send(tokenForm(await clientAssertion(vault, capEmploi)))).status).toBe(200);
  });
});
