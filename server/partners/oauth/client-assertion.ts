import { decodeJwt, decodeProtectedHeader, errors, importJWK, jwtVerify, type JWTPayload } from 'jose';

import type { AppContext } from '../../context.js';
import { findPartnerByClientId, findPartnerKey } from '../partner.repository.js';
import { PARTNER_KEY_ALGORITHMS, type Partner } from '../partner.types.js';
import { tokenEndpointUrl } from './oauth-urls.js';
import { TokenError, type TokenRefusalReason } from './token-error.js';
import type { TokenRequest } from './token-request.js';

/** Clock difference tolerated between the partner's server and the vault, in seconds. */
export const CLOCK_SKEW_SECONDS = 30;

/** Maximum time between now and an assertion's `exp`, in seconds, before the clock skew. */
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;

const MAX_JTI_LENGTH = 256;

/** A client assertion whose signature and claims passed, from an active partner. */
export interface VerifiedAssertion {
  partner: Partner;
  jti: string;
  /** When the jti may be forgotten: after this, the assertion is refused as expired. */
  replayWindowEndsAt: Date;
}

/**
 * Authenticates the client of a token request by its assertion (RFC 7523, section 3),
 * in this order:
 * 1. the header's `alg` is ES256, PS256 or RS256 (so `none` and HS256 never reach a key)
 *    and `kid` is present;
 * 2. the unverified `iss` names a registered partner, equal to `client_id` when sent;
 * 3. `kid` names one of that partner's keys, registered for that same `alg`;
 * 4. jwtVerify checks the signature with that key and algorithm only, then `iss` = `sub`
 *    = client id, `aud`, `exp` (required, within the clock skew) and `nbf`;
 * 5. `aud` is a single value, `exp` is at most 5 minutes ahead, `iat` is not in the
 *    future, and `jti` is present;
 * 6. the partner is active.
 * Single use of the jti is checked later, in the transaction that issues the token.
 * Throws TokenError; its `partnerId` is set for failures after the signature passed.
 */
export async function verifyClientAssertion(ctx: Pick<AppContext, 'config' | 'db'>, request: TokenRequest, now: Date): Promise<VerifiedAssertion> {
  const { header, unverifiedIssuer } = readUnverified(request.clientAssertion);
  if (typeof header.alg !== 'string' || !(PARTNER_KEY_ALGORITHMS as readonly string[]).includes(header.alg)) {
    throw new TokenError('assertion_algorithm_not_allowed');
  }
  if (typeof header.kid !== 'string' || header.kid.length === 0 || header.kid.length > 128) throw new TokenError('assertion_kid_missing');
  if (unverifiedIssuer === null) throw new TokenError('assertion_issuer_invalid');
  if (request.clientId !== null && request.clientId !== unverifiedIssuer) throw new TokenError('client_id_mismatch');

  const partner = await findPartnerByClientId(ctx.db, unverifiedIssuer);
  if (!partner) throw new TokenError('client_unknown');
  const key = await findPartnerKey(ctx.db, partner.id, header.kid);
  if (!key) throw new TokenError('assertion_key_unknown');
  if (key.alg !== header.alg) throw new TokenError('assertion_algorithm_not_allowed');

  const claims = await verifySignatureAndClaims(ctx, request.clientAssertion, partner, key, now);
  const identified = (reason: TokenRefusalReason) => new TokenError(reason, partner.id);

  // RFC 7523 lets `aud` hold several values. The update in draft-ietf-oauth-rfc7523bis
  // requires a single value, because an assertion naming other audiences could be replayed
  // by one of them ("audience injection").
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (audiences.length !== 1) throw identified('assertion_audience_invalid');

  const nowSeconds = Math.floor(now.getTime() / 1000);
  const exp = claims.exp as number;
  if (exp > nowSeconds + MAX_ASSERTION_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS) throw identified('assertion_lifetime_too_long');
  if (claims.iat !== undefined && claims.iat > nowSeconds + CLOCK_SKEW_SECONDS) throw identified('assertion_not_yet_valid');
  if (typeof claims.jti !== 'string' || claims.jti.length === 0 || claims.jti.length > MAX_JTI_LENGTH) throw identified('assertion_jti_missing');

  if (partner.status !== 'active') throw identified('partner_suspended');
  return { partner, jti: claims.jti, replayWindowEndsAt: new Date((exp + CLOCK_SKEW_SECONDS) * 1000) };
}

/**
 * Returns the accepted `aud` values: the token endpoint URL, which RFC 7523 (section 3) names,
 * and the vault's issuer URL, which draft-ietf-oauth-rfc7523bis recommends instead.
 */
export function acceptedAssertionAudiences(config: AppContext['config']): string[] {
  return [tokenEndpointUrl(config), config.publicUrl];
}

function readUnverified(assertion: string): { header: Record<string, unknown>; unverifiedIssuer: string | null } {
  try {
    const header = decodeProtectedHeader(assertion) as Record<string, unknown>;
    const payload = decodeJwt(assertion);
    return { header, unverifiedIssuer: typeof payload.iss === 'string' && payload.iss.length > 0 ? payload.iss : null };
  } catch (error) {
    throw new TokenError('assertion_malformed', null, { cause: error });
  }
}

async function verifySignatureAndClaims(
  ctx: Pick<AppContext, 'config'>,
  assertion: string,
  partner: Partner,
  key: { alg: string; publicJwk: Parameters<typeof importJWK>[0] },
  now: Date,
): Promise<JWTPayload> {
  const publicKey = await importJWK(key.publicJwk, key.alg);
  try {
    const { payload } = await jwtVerify(assertion, publicKey, {
      algorithms: [key.alg],
      issuer: partner.clientId,
      subject: partner.clientId,
      audience: acceptedAssertionAudiences(ctx.config),
      requiredClaims: ['exp', 'jti'],
      clockTolerance: CLOCK_SKEW_SECONDS,
      currentDate: now,
    });
    return payload;
  } catch (error) {
    throw new TokenError(...refusalFor(error, partner.id), { cause: error });
  }
}

// jwtVerify checks the signature before any claim, so a claim failure comes from the
// partner's own key and identifies the partner.
function refusalFor(error: unknown, partnerId: string): [TokenRefusalReason, string | null] {
  if (error instanceof errors.JWSSignatureVerificationFailed) return ['assertion_signature_invalid', null];
  if (error instanceof errors.JOSEAlgNotAllowed) return ['assertion_algorithm_not_allowed', null];
  if (error instanceof errors.JWTExpired) return ['assertion_expired', partnerId];
  if (error instanceof errors.JWTClaimValidationFailed) {
    // A claim of the wrong type, such as a string `iat`.
    if (error.reason === 'invalid') return ['assertion_malformed', partnerId];
    switch (error.claim) {
      case 'iss':
      case 'sub':
        return ['assertion_issuer_invalid', partnerId];
      case 'aud':
        return ['assertion_audience_invalid', partnerId];
      case 'exp':
        return ['assertion_exp_missing', partnerId];
      case 'jti':
        return ['assertion_jti_missing', partnerId];
      case 'nbf':
      case 'iat':
        return ['assertion_not_yet_valid', partnerId];
      default:
        return ['assertion_malformed', partnerId];
    }
  }
  if (error instanceof errors.JOSEError) return ['assertion_malformed', null];
  throw error;
}
