import { decideGrantRevocation } from '../../policies/index.js';
import type { AppContext } from '../context.js';
import { recordAudit } from './audit-record.js';
import { mapDatabaseError } from './database-error.js';
import { allowed, denialError, denied, settle } from './decision-outcome.js';
import { findGrant, revokeGrant } from './grant.repository.js';
import type { StoredGrant } from './grant.types.js';
import { decidePersonSharing, type PersonActor } from './person-actor.js';
import { parseUuid } from './uuid.js';

/**
 * Revokes one of the person's grants, with effect on the partner's very next
 * request, since every partner request reads the grant from the database.
 * The grant row is locked while deciding, so two revocations cannot both
 * pass. Returns the grant with `revokedAt` set.
 */
export async function revokePersonGrant(ctx: AppContext, actor: PersonActor, rawGrantId: string): Promise<StoredGrant> {
  const grantId = parseUuid(rawGrantId);
  try {
    const outcome = await ctx.db.transaction().execute(async (trx) => {
      const now = new Date();
      const standing = decidePersonSharing(actor);
      const grant = grantId && standing.effect === 'allow' ? await findGrant(trx, grantId, { forUpdate: true }) : undefined;
      const decision = standing.effect === 'deny' ? standing : decideGrantRevocation({ actor: { accountId: actor.accountId }, grant: grant ?? null, now });

      // Another person's grant is recorded under its own subject, for that person's history.
      const event = {
        action: 'grant.revoke',
        resourceType: 'grant' as const,
        resourceId: grant?.id ?? grantId,
        subjectId: grant?.personId ?? actor.accountId,
        partnerId: grant?.partnerId ?? null,
        grantId: grant?.id ?? null,
      };
      if (decision.effect === 'deny' || !grant) {
        const reason = decision.effect === 'deny' ? decision.reason : 'grant_not_found';
        await recordAudit(trx, actor.audit, { ...event, outcome: 'deny', reason });
        return denied<StoredGrant>(denialError(reason));
      }

      await revokeGrant(trx, grant.id, now);
      await recordAudit(trx, actor.audit, { ...event, outcome: 'allow', reason: null });
      return allowed({ ...grant, revokedAt: now });
    });
    return settle(outcome);
  } catch (error) {
    throw mapDatabaseError(error, actor.requestId);
  }
}
