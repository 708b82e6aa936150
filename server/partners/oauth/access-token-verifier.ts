import { errors, jwtVerify, type JWTHeaderParameters } from 'jose';

import type { AppContext } from '../../context.js';
import { ACCESS_TOKEN_TYPE } from './access-token.js';
import { partnerApiAudience } from './oauth-urls.js';
import { ACCESS_TOKEN_ALGORITHM, tokenVerificationKey } from './token-signing-key.js';

/** Reason code of a rejected access token, as the audit entry records it. */
export type AccessTokenRejection = 'token_invalid' | 'token_expired';

/** An access token that failed verification. */
export class AccessTokenRejected extends Error {
  constructor(
    readonly reason: AccessTokenRejection,
    options?: { cause?: unknown },
  ) {
    super(`access token rejected: ${reason}`, options);
    this.name = 'AccessTokenRejected';
  }
}

/** The claims of a verified access token that the partner API uses. */
export interface AccessTokenClaims {
  /** The partner's id (`sub`). */
  partnerId: string;
  clientId: string;
  jti: string;
}

// Small differences between the clocks of the vault's instances.
const CLOCK_TOLERANCE_SECONDS = 5;

/**
 * Verifies an access token: ES256 only, signed by one of the vault's token keys (chosen
 * by `kid`), `typ` at+jwt, `iss` the public URL, `aud` the partner API, not expired, with
 * `sub`, `client_id` and `jti`. Throws AccessTokenRejected with `token_expired` for an
 * expired token and `token_invalid` for every other failure.
 */
export async function verifyAccessToken(ctx: Pick<AppContext, 'config' | 'db'>, token: string, now: Date = new Date()): Promise<AccessTokenClaims> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, (header: JWTHeaderParameters) => verificationKeyFor(ctx, header), {
      algorithms: [ACCESS_TOKEN_ALGORITHM],
      typ: ACCESS_TOKEN_TYPE,
      issuer: ctx.config.publicUrl,
      audience: partnerApiAudience(ctx.config),
      requiredClaims: ['sub', 'jti', 'exp', 'iat'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: now,
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new AccessTokenRejected('token_expired', { cause: error });
    if (error instanceof errors.JOSEError) throw new AccessTokenRejected('token_invalid', { cause: error });
    throw error;
  }

  const { sub, client_id: clientId, jti } = payload;
  if (typeof sub !== 'string' || typeof clientId !== 'string' || typeof jti !== 'string') {
    throw new AccessTokenRejected('token_invalid');
  }
  return { partnerId: sub, clientId, jti };
}

// jwtVerify checks `alg` against the allow-list before it calls this resolver.
async function verificationKeyFor(ctx: Pick<AppContext, 'db'>, header: JWTHeaderParameters) {
  if (typeof header.kid !== 'string' || header.kid.length > 128) throw new errors.JWKSNoMatchingKey();
  const key = await tokenVerificationKey(ctx, header.kid);
  if (!key) throw new errors.JWKSNoMatchingKey();
  return key;
}
