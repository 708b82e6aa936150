import { randomUUID } from 'node:crypto';

import { SignJWT } from 'jose';

import type { AppContext } from '../../context.js';
import { findPartner } from '../partner.repository.js';
import { partnerApiAudience } from './oauth-urls.js';
import { ACCESS_TOKEN_ALGORITHM, currentTokenSigningKey } from './token-signing-key.js';

/** Lifetime of an access token: short, because a token cannot be revoked before it expires. */
export const ACCESS_TOKEN_LIFETIME_SECONDS = 300;

/** `typ` header of access tokens (RFC 9068), so no other JWT of the vault passes for one. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

/** A signed access token and its lifetime in seconds, as the token endpoint returns them. */
export interface IssuedAccessToken {
  accessToken: string;
  expiresIn: number;
}

/**
 * Signs an access token for a partner with the vault's key: `iss` is the public URL,
 * `aud` the partner API, `sub` the partner id, with `client_id`, a random `jti` and an
 * `exp` five minutes after `now`. It checks nothing about the partner: the token endpoint
 * authenticates the client first, and the partner API reads the partner's status on
 * every request.
 */
export async function signAccessToken(
  ctx: Pick<AppContext, 'config' | 'db' | 'keys'>,
  subject: { partnerId: string; clientId: string },
  now: Date = new Date(),
): Promise<IssuedAccessToken & { jti: string }> {
  const key = await currentTokenSigningKey(ctx);
  const issuedAt = Math.floor(now.getTime() / 1000);
  const jti = randomUUID();
  const accessToken = await new SignJWT({ client_id: subject.clientId })
    .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid: key.kid, typ: ACCESS_TOKEN_TYPE })
    .setIssuer(ctx.config.publicUrl)
    .setAudience(partnerApiAudience(ctx.config))
    .setSubject(subject.partnerId)
    .setJti(jti)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ACCESS_TOKEN_LIFETIME_SECONDS)
    .sign(key.privateKey);
  return { accessToken, expiresIn: ACCESS_TOKEN_LIFETIME_SECONDS, jti };
}

/**
 * Issues an access token for a registered partner, whatever its status, without a client
 * assertion and without an audit entry. The token endpoint uses `signAccessToken` after
 * authenticating the client. Tests use this function to get tokens directly, and an
 * `options.now` in the past gives an already expired token.
 *
 * @example const { accessToken } = await issueAccessToken(vault.ctx, partnerId);
 */
export async function issueAccessToken(
  ctx: AppContext,
  partnerId: string,
  options: { now?: Date } = {},
): Promise<IssuedAccessToken> {
  const partner = await findPartner(ctx.db, partnerId);
  if (!partner) throw new Error(`issueAccessToken: no partner has the id ${partnerId}`);
  const { accessToken, expiresIn } = await signAccessToken(ctx, { partnerId: partner.id, clientId: partner.clientId }, options.now);
  return { accessToken, expiresIn };
}
