import type { AppContext } from '../../context.js';
import { findPartnerForShare } from '../partner.repository.js';
import { signAccessToken, type IssuedAccessToken } from './access-token.js';
import { consumeAssertionJti } from './assertion-jti.repository.js';
import type { VerifiedAssertion } from './client-assertion.js';
import { appendTokenAudit, type TokenRequestOrigin } from './token-audit.js';
import { TokenError } from './token-error.js';

/**
 * Issues an access token for a verified assertion, in one transaction. It locks the
 * partner's row against a concurrent suspension and reads it again, records the
 * assertion's jti (a jti already used throws `assertion_replayed`), signs the token and
 * appends the allow entry. The token leaves only after the commit, so no token exists
 * without its audit entry.
 */
export async function grantAccessToken(
  ctx: AppContext,
  assertion: VerifiedAssertion,
  origin: TokenRequestOrigin,
  now: Date,
): Promise<IssuedAccessToken> {
  const { partner } = assertion;
  return ctx.db.transaction().execute(async (trx) => {
    const current = await findPartnerForShare(trx, partner.id);
    if (current?.status !== 'active') throw new TokenError('partner_suspended', partner.id);

    const fresh = await consumeAssertionJti(trx, { clientId: partner.clientId, jti: assertion.jti, replayWindowEndsAt: assertion.replayWindowEndsAt }, now);
    if (!fresh) throw new TokenError('assertion_replayed', partner.id);

    const token = await signAccessToken(ctx, { partnerId: partner.id, clientId: partner.clientId }, now);
    await appendTokenAudit(trx, origin, { outcome: 'allow', partnerId: partner.id, reason: null, tokenId: token.jti });
    return { accessToken: token.accessToken, expiresIn: token.expiresIn };
  });
}
