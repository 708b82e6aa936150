import { randomUUID } from 'node:crypto';

import express from 'express';
import { SignJWT, generateKeyPair } from 'jose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { problemErrorHandler } from '../../server/errors/problem-response.js';
import { requestContext } from '../../server/http/request-context.js';
import { issueAccessToken, signAccessToken } from '../../server/partners/oauth/access-token.js';
import { currentTokenSigningKey } from '../../server/partners/oauth/token-signing-key.js';
import { reactivatePartner, suspendPartner } from '../../server/partners/partner-admin.service.js';
import type { PartnerAdminActor } from '../../server/partners/partner-audit.js';
import { requirePartner } from '../../server/partners/partner-auth.middleware.js';
import { findPartnerByClientId } from '../../server/partners/partner.repository.js';
import type { PartnerPrincipal } from '../../server/partners/partner.types.js';
import { partnerToken, readDevPartner, type DevPartner } from '../support/partner-client.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';
import { auditRowsOf } from './partner-test-support.js';

const TEST_ACTOR: PartnerAdminActor = { actorType: 'system', actorId: null, requestId: null, sourceAddress: null };

let vault: TestVault;
let app: express.Express;
let capEmploi: DevPartner;
let capEmploiId: string;

// The partner API may not be mounted yet, so a small app puts requirePartner, with the
// vault's own context, in front of a route that returns the principal.
beforeAll(async () => {
  vault = await startTestVault();
  capEmploi = await readDevPartner(vault, 'cap-emploi-de-nulle-part');
  capEmploiId = (await findPartnerByClientId(vault.ctx.db, capEmploi.clientId))!.id;

  app = express();
  app.use(requestContext);
  app.get('/partner/v1/probe', requirePartner(vault.ctx), (_req, res) => {
    res.json(res.locals.partner);
  });
  app.use(problemErrorHandler);
});

afterAll(async () => {
  await vault?.destroy();
});

function probe(authorization?: string): request.Test {
  const test = request(app).get('/partner/v1/probe');
  return authorization === undefined ? test : test.set('Authorization', authorization);
}

/** Signs a token with the vault's own key and the given claims, as a forger holding that key could. */
async function signWithVaultKey(claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  const key = await currentTokenSigningKey(vault.ctx);
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'at+jwt', ...header }).sign(key.privateKey);
}

function validClaims(): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { iss: vault.url, aud: `${vault.url}/partner/v1`, sub: capEmploiId, client_id: capEmploi.clientId, jti: randomUUID(), iat: now, exp: now + 300 };
}

async function expectRejected(response: request.Response, reason: 'token_missing' | 'token_invalid' | 'token_expired'): Promise<void> {
  expect(response.status).toBe(401);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body.code).toBe('partner_token_invalid');
  expect(response.body.title).toBe('Jeton d\'accès invalide');
  expect(response.body.detail).toContain('/oauth/token');
  expect(response.headers['www-authenticate']).toMatch(/^Bearer /);
  if (reason === 'token_missing') expect(response.headers['www-authenticate']).not.toContain('error=');
  else expect(response.headers['www-authenticate']).toContain('error="invalid_token"');

  const rows = await auditRowsOf(vault.databaseUrl, response.headers['x-request-id']!);
  expect(rows).toEqual([
    expect.objectContaining({ action: 'partner.authenticate', outcome: 'deny', reason, actor_type: 'unknown', actor_id: null, partner_id: null }),
  ]);
}

describe('requirePartner accepts', () => {
  it('a token from the real token endpoint', async () => {
    const token = await partnerToken(vault, capEmploi);
    const response = await probe(`Bearer ${token}`);

    expect(response.status).toBe(200);
    const principal: PartnerPrincipal = { id: capEmploiId, clientId: capEmploi.clientId, name: 'Cap emploi de Nulle-Part', status: 'active' };
    expect(response.body).toEqual(principal);
  });

  it('a token from issueAccessToken', async () => {
    const { accessToken, expiresIn } = await issueAccessToken(vault.ctx, capEmploiId);
    expect(expiresIn).toBe(300);
    expect((await probe(`Bearer ${accessToken}`)).status).toBe(200);
  });

  it('a suspended partner, with its current status, for the route policy to refuse', async () => {
    const { accessToken } = await issueAccessToken(vault.ctx, capEmploiId);
    await suspendPartner(vault.ctx.db, TEST_ACTOR, capEmploiId);
    try {
      const response = await probe(`Bearer ${accessToken}`);
      expect(response.status).toBe(200);
      expect(response.body.status).toBe('suspended');
    } finally {
      await reactivatePartner(vault.ctx.db, TEST_ACTOR, capEmploiId);
    }
  });
});

describe('requirePartner rejects with 401 partner_token_invalid', () => {
  it('a request without Authorization', async () => {
    await expectRejected(await probe(), 'token_missing');
  });

  it.each([
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['a scheme without token', 'Bearer'],
    ['characters outside b64token', 'Bearer abc def'],
    ['a string that is not a JWT', 'Bearer abc.def.ghi'],
  ])('%s', async (_case, authorization) => {
    await expectRejected(await probe(authorization), 'token_invalid');
  });

  it('an expired token', async () => {
    const { accessToken } = await issueAccessToken(vault.ctx, capEmploiId, { now: new Date(Date.now() - 10 * 60_000) });
    await expectRejected(await probe(`Bearer ${accessToken}`), 'token_expired');
  });

  it('a token with one signature character changed', async () => {
    const { accessToken } = await issueAccessToken(vault.ctx, capEmploiId);
    const position = accessToken.lastIndexOf('.') + 10;
    const replacement = accessToken[position] === 'A' ? 'B' : 'A';
    const tampered = `${accessToken.slice(0, position)}${replacement}${accessToken.slice(position + 1)}`;
    await expectRejected(await probe(`Bearer ${tampered}`), 'token_invalid');
  });

  it('a token whose payload names another partner', async () => {
    const { accessToken } = await issueAccessToken(vault.ctx, capEmploiId);
    const [header, , signature] = accessToken.split('.');
    const payload = Buffer.from(JSON.stringify({ ...validClaims(), sub: randomUUID() })).toString('base64url');
    await expectRejected(await probe(`Bearer ${header}.${payload}.${signature}`), 'token_invalid');
  });

  it('a token signed by another ES256 key with the same claims and kid', async () => {
    const { kid } = await currentTokenSigningKey(vault.ctx);
    const { privateKey } = await generateKeyPair('ES256');
    const foreign = await new SignJWT(validClaims()).setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' }).sign(privateKey);
    await expectRejected(await probe(`Bearer ${foreign}`), 'token_invalid');
  });

  it('a token under an unknown kid', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const foreign = await new SignJWT(validClaims()).setProtectedHeader({ alg: 'ES256', kid: 'unknown-kid', typ: 'at+jwt' }).sign(privateKey);
    await expectRejected(await probe(`Bearer ${foreign}`), 'token_invalid');
  });

  it('an unsigned token (alg none)', async () => {
    const { kid } = await currentTokenSigningKey(vault.ctx);
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    await expectRejected(await probe(`Bearer ${encode({ alg: 'none', kid, typ: 'at+jwt' })}.${encode(validClaims())}.`), 'token_invalid');
  });

  it.each([
    ['the token endpoint as audience', { aud: 'TOKEN_ENDPOINT' }],
    ['another issuer', { iss: 'https://autre-coffre.example' }],
    ['no client_id', { client_id: undefined }],
    ['the client id of another partner', { client_id: 'partner-00000000000000000000000000000000' }],
    ['a partner that does not exist', { sub: '00000000-0000-4000-8000-000000000000' }],
  ])('a token signed by the vault with %s', async (_case, changes: Record<string, unknown>) => {
    const claims: Record<string, unknown> = { ...validClaims(), ...changes };
    if (claims.aud === 'TOKEN_ENDPOINT') claims.aud = `${vault.url}/oauth/token`;
    for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
    await expectRejected(await probe(`Bearer ${await signWithVaultKey(claims)}`), 'token_invalid');
  });

  it('a vault-signed JWT that is not an access token (typ)', async () => {
    await expectRejected(await probe(`Bearer ${await signWithVaultKey(validClaims(), { typ: 'JWT' })}`), 'token_invalid');
  });

  it('a token for a partner id from signAccessToken that no partner has', async () => {
    const { accessToken } = await signAccessToken(vault.ctx, { partnerId: randomUUID(), clientId: capEmploi.clientId });
    await expectRejected(await probe(`Bearer ${accessToken}`), 'token_invalid');
  });
});
