import { decodeProtectedHeader } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { signIn } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';

// The development provider configured like FranceConnect+: ES256 signatures, ID token
// and userinfo encrypted (ECDH-ES, A256GCM) to the keys that the vault publishes. Staff
// roles come from a claim that only the encrypted userinfo carries.

let vault: TestVault;

beforeAll(async () => {
  vault = await startTestVault({
    COFFRE_DEV_IDP_PROFILE: 'franceconnect-plus',
    COFFRE_ROLES_CLAIM: 'coffre_roles',
    COFFRE_OIDC_SCOPES: 'openid coffre_roles',
  });
});

afterAll(async () => {
  await vault?.destroy();
});

afterEach(() => {
  vi.restoreAllMocks();
});

/**
 * Records the bodies of the responses that the vault and the provider receive from each
 * other. Both run in this test's process and use the global fetch, so the spy records the
 * real traffic without changing it.
 */
function recordTraffic(): Map<string, { contentType: string | null; body: string }> {
  const seen = new Map<string, { contentType: string | null; body: string }>();
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const response = await realFetch(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    seen.set(url.pathname, { contentType: response.headers.get('content-type'), body: await response.clone().text() });
    return response;
  });
  return seen;
}

describe('FranceConnect+ profile', () => {
  it('publishes only public encryption keys', async () => {
    const response = await fetch(`${vault.url}/.well-known/coffre/oidc-encryption-keys`);
    const jwks = (await response.json()) as { keys: Array<Record<string, unknown>> };

    expect(response.status).toBe(200);
    expect(jwks.keys.map((key) => key.alg).sort()).toEqual(['ECDH-ES', 'RSA-OAEP']);
    for (const key of jwks.keys) {
      expect(key.use).toBe('enc');
      expect(key).not.toHaveProperty('d');
      expect(key).not.toHaveProperty('p');
    }
  });

  it('advertises ES256 and encryption at the provider', async () => {
    const response = await fetch(`${vault.url}/dev-idp/.well-known/openid-configuration`);
    const metadata = (await response.json()) as Record<string, string[]>;

    expect(metadata.id_token_signing_alg_values_supported).toContain('ES256');
    expect(metadata.id_token_encryption_alg_values_supported).toContain('ECDH-ES');
    expect(metadata.id_token_encryption_enc_values_supported).toContain('A256GCM');
    expect(metadata.acr_values_supported).toEqual(['eidas1', 'eidas2', 'eidas3']);
  });

  it('signs a person in with an encrypted ES256 ID token', async () => {
    const traffic = recordTraffic();

    const session = await signIn(vault, 'camille');

    const me = await fetch(`${vault.url}/api/v1/me`, { headers: { cookie: session.cookie } });
    expect(await me.json()).toMatchObject({ id: session.accountId, roles: ['person'] });

    const tokenResponse = traffic.get('/dev-idp/token');
    expect(tokenResponse).toBeDefined();
    const idToken = (JSON.parse(tokenResponse!.body) as { id_token: string }).id_token;
    expect(idToken.split('.')).toHaveLength(5);
    expect(decodeProtectedHeader(idToken)).toMatchObject({ alg: 'ECDH-ES', enc: 'A256GCM' });
    // First sign-in of this vault: the provider fetched the vault's public keys.
    expect(traffic.has('/.well-known/coffre/oidc-encryption-keys')).toBe(true);
  });

  it('reads a staff role from encrypted userinfo', async () => {
    const traffic = recordTraffic();

    const session = await signIn(vault, 'dpo');

    const me = await fetch(`${vault.url}/api/v1/me`, { headers: { cookie: session.cookie } });
    expect(await me.json()).toMatchObject({ roles: ['dpo'] });

    const userinfo = traffic.get('/dev-idp/me');
    expect(userinfo?.contentType).toMatch(/^application\/jwt/);
    expect(userinfo!.body.split('.')).toHaveLength(5);
    expect(decodeProtectedHeader(userinfo!.body)).toMatchObject({ alg: 'ECDH-ES', enc: 'A256GCM' });
  });

  it('keeps the inner ES256 token as the logout hint', async () => {
    const session = await signIn(vault, 'admin');

    const response = await fetch(`${vault.url}/auth/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken },
    });
    const location = new URL(response.headers.get('location')!);
    const hint = location.searchParams.get('id_token_hint')!;

    expect(response.status).toBe(303);
    expect(hint.split('.')).toHaveLength(3);
    expect(decodeProtectedHeader(hint)).toMatchObject({ alg: 'ES256' });
  });
});
