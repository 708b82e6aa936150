import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { importJWK, SignJWT, type JWK, type JWTHeaderParameters } from 'jose';

/** A development partner as stored in its file in `COFFRE_DATA_DIR/dev-partners/`. */
export interface DevPartner {
  name: string;
  clientId: string;
  /** ES256 private JWK with `kid` and `alg`. */
  privateJwk: JWK;
}

export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Changes to a client assertion; a claim or header set to `undefined` is left out. */
export interface AssertionOverrides {
  claims?: Record<string, unknown>;
  header?: Partial<JWTHeaderParameters> & Record<string, unknown>;
  /** Signs with this private JWK instead of the partner's own key. */
  signingJwk?: JWK;
}

/** Reads the file that a development or test vault wrote for the partner `slug` (e.g. `cfa-des-essais`). */
export async function readDevPartner(vault: { dataDir: string }, slug: string): Promise<DevPartner> {
  const text = await readFile(path.join(vault.dataDir, 'dev-partners', `${slug}.json`), 'utf8');
  return JSON.parse(text) as DevPartner;
}

/**
 * Builds the claims of a valid client assertion for `partner`: `iss` = `sub` = client id, `aud`
 * the token endpoint, `iat` now, `exp` in one minute and a random `jti`, then `overrides`.
 */
export function assertionClaims(vault: { url: string }, partner: DevPartner, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: partner.clientId,
    sub: partner.clientId,
    aud: `${vault.url}/oauth/token`,
    iat: now,
    exp: now + 60,
    jti: randomUUID(),
    ...overrides,
  };
  return withoutUndefined(claims);
}

/** Signs a client assertion (private_key_jwt) for `partner` with jose, valid unless `overrides` changes it. */
export async function clientAssertion(vault: { url: string }, partner: DevPartner, overrides: AssertionOverrides = {}): Promise<string> {
  const jwk = overrides.signingJwk ?? partner.privateJwk;
  const alg = (overrides.header?.alg as string | undefined) ?? jwk.alg ?? 'ES256';
  const header = withoutUndefined({ alg, kid: partner.privateJwk.kid, typ: 'JWT', ...overrides.header }) as JWTHeaderParameters;
  const key = await importJWK(jwk, alg);
  return new SignJWT(assertionClaims(vault, partner, overrides.claims)).setProtectedHeader(header).sign(key);
}

/** Sends a token request with these form fields and returns the response. */
export async function requestToken(vault: { url: string }, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${vault.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

/** Builds the form of a client credentials request carrying `assertion`. */
export function tokenForm(assertion: string): Record<string, string> {
  return { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER_ASSERTION_TYPE, client_assertion: assertion };
}

/** Gets an access token for `partner` through the vault's real `/oauth/token`. Throws with the error when refused. */
export async function partnerToken(vault: { url: string }, partner: DevPartner): Promise<string> {
  const response = await requestToken(vault, tokenForm(await clientAssertion(vault, partner)));
  const body = (await response.json()) as { access_token?: string; error?: string; error_description?: string };
  if (response.status !== 200 || typeof body.access_token !== 'string') {
    throw new Error(`POST /oauth/token answered ${response.status}: ${body.error} (${body.error_description})`);
  }
  return body.access_token;
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}
