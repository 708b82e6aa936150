import type { AppContext } from '../context.js';
import { AppError } from '../errors/app-error.js';
import { recordAudit } from './audit-record.js';
import { allowed, denialError, denied, settle } from './decision-outcome.js';
import { findGrant, listGrantsOfPerson } from './grant.repository.js';
import type { StoredGrant } from './grant.types.js';
import { toPage, type PageQuery } from '../http/page-query.js';
import { decidePersonSharing, type PersonActor } from './person-actor.js';
import { parseUuid } from './uuid.js';

/**
 * Returns a page of the person's grants, active and ended, newest first.
 * The listing is recorded in the audit log before anything is returned.
 */
export async function listPersonGrants(ctx: AppContext, actor: PersonActor, page: PageQuery): Promise<{ items: StoredGrant[]; nextCursor: string | null }> {
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const standing = decidePersonSharing(actor);
    if (standing.effect === 'deny') {
      await recordAudit(trx, actor.audit, { action: 'grant.list', resourceType: 'grant', resourceId: null, subjectId: actor.accountId, outcome: 'deny', reason: standing.reason });
      return denied<StoredGrant[]>(denialError(standing.reason));
    }
    const rows = await listGrantsOfPerson(trx, actor.accountId, page);
    await recordAudit(trx, actor.audit, { action: 'grant.list', resourceType: 'grant', resourceId: null, subjectId: actor.accountId, outcome: 'allow', reason: null });
    return allowed(rows);
  });
  return toPage(settle(outcome), page.limit);
}

/**
 * Returns one of the person's grants. Another person's grant, an unknown id
 * and a malformed one all get `grant_not_found` (404), so ids reveal nothing.
 */
export async function readPersonGrant(ctx: AppContext, actor: PersonActor, rawGrantId: string): Promise<StoredGrant> {
  const grantId = parseUuid(rawGrantId);
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const standing = decidePersonSharing(actor);
    const grant = grantId && standing.effect === 'allow' ? await findGrant(trx, grantId) : undefined;
    // Ownership is the whole rule here: policies/ has no separate decision
    // for a person reading their own grant.
    let reason: string | null = null;
    if (standing.effect === 'deny') reason = standing.reason;
    else if (grant?.personId !== actor.accountId) reason = 'grant_not_found';
    await recordAudit(trx, actor.audit, {
      action: 'grant.read',
      resourceType: 'grant',
      resourceId: grant ? grant.id : grantId,
      subjectId: grant?.personId ?? actor.accountId,
      outcome: reason === null ? 'allow' : 'deny',
      reason,
      partnerId: grant?.partnerId ?? null,
      grantId: grant?.id ?? null,
    });
    if (reason !== null || !grant) return denied<StoredGrant>(reason === 'role_not_allowed' ? denialError(reason) : new AppError('grant_not_found'));
    return allowed(grant);
  });
  return settle(outcome);
}
