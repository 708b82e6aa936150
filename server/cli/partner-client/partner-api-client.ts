import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';

import { SignJWT, importJWK, type JWK } from 'jose';

/** A partner key file, as the vault writes it in `dev-partners/` or a partner keeps its own. */
export interface PartnerKeyFile {
  name: string;
  clientId: string;
  privateJwk: JWK;
}

/** A problem detail returned by the vault, or an OAuth error from its token endpoint. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

// An assertion lives one minute: long enough for a slow link, far below the vault's five-minute maximum.
const ASSERTION_LIFETIME = '60s';

/** Reads and checks a partner key file. Throws an Error naming the file and what is missing. */
export async function readPartnerKeyFile(file: string): Promise<PartnerKeyFile> {
  let contents: Partial<PartnerKeyFile>;
  try {
    contents = JSON.parse(await readFile(file, 'utf8')) as Partial<PartnerKeyFile>;
  } catch (error) {
    throw new Error(`cannot read the key file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'not valid JSON'}`);
  }
  const jwk = contents.privateJwk;
  if (typeof contents.clientId !== 'string' || typeof jwk !== 'object' || jwk === null || typeof jwk.kid !== 'string' || typeof jwk.d !== 'string') {
    throw new Error(`${file} must hold { name, clientId, privateJwk } with a private JWK that has "kid"`);
  }
  return { name: String(contents.name ?? ''), clientId: contents.clientId, privateJwk: jwk };
}

/**
 * A client of the partner API: gets an access token with a private_key_jwt
 * client assertion (RFC 7523) signed by the partner's key, then calls the
 * API with it. The token is fetched once, on the first call.
 */
export class PartnerApiClient {
  private token: string | null = null;

  constructor(
    private readonly baseUrl: string,
    private readonly key: PartnerKeyFile,
  ) {}

  /** Sends an authenticated request; a problem detail becomes an ApiError. */
  async request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Response> {
    const token = await this.accessToken();
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, 'accept-language': 'fr' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(new URL(path, this.baseUrl), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!response.ok) throw await apiErrorOf(response);
    return response;
  }

  /** Sends an authenticated request and parses the JSON response. */
  async json<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    return (await (await this.request(method, path, body)).json()) as T;
  }

  private async accessToken(): Promise<string> {
    if (this.token !== null) return this.token;
    const tokenUrl = new URL('/oauth/token', this.baseUrl).toString();
    const alg = this.key.privateJwk.alg ?? 'ES256';
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg, kid: this.key.privateJwk.kid, typ: 'JWT' })
      .setIssuer(this.key.clientId)
      .setSubject(this.key.clientId)
      .setAudience(tokenUrl)
      .setIssuedAt()
      .setExpirationTime(ASSERTION_LIFETIME)
      .setJti(randomUUID())
      .sign(await importJWK(this.key.privateJwk, alg));

    const response = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'fr' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
        client_id: this.key.clientId,
      }),
    });
    if (!response.ok) throw await apiErrorOf(response);
    const { access_token: accessToken } = (await response.json()) as { access_token?: unknown };
    if (typeof accessToken !== 'string') throw new ApiError(response.status, 'token_missing', 'the token endpoint returned no access_token');
    this.token = accessToken;
    return accessToken;
  }
}

// Problem details carry code, title and detail. The token endpoint returns
// OAuth errors (RFC 6749, section 5.2) with error and error_description.
async function apiErrorOf(response: Response): Promise<ApiError> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const code = String(body.code ?? body.error ?? 'unknown');
    const title = typeof body.title === 'string' ? body.title : '';
    const detail = typeof body.detail === 'string' ? body.detail : typeof body.error_description === 'string' ? body.error_description : '';
    return new ApiError(response.status, code, [title, detail].filter((part) => part !== '').join('. '));
  } catch {
    return new ApiError(response.status, 'unknown', `réponse inattendue du coffre (HTTP ${response.status})`);
  }
}
