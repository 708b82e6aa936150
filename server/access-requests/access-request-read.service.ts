import { decidePartnerStanding } from '../../policies/index.js';
import type { AppContext } from '../context.js';
import { recordAudit } from '../grants/audit-record.js';
import { allowed, denialError, denied, settle } from '../grants/decision-outcome.js';
import { toPage, type PageQuery } from '../http/page-query.js';
import type { PartnerActor } from '../grants/partner-actor.js';
import { findPartner } from '../grants/partner-directory.repository.js';
import { decidePersonSharing, type PersonActor } from '../grants/person-actor.js';
import { parseUuid } from '../grants/uuid.js';
import { findAccessRequest, listAccessRequestsOfPerson } from './access-request.repository.js';
import type { StoredAccessRequest } from './access-request.types.js';

/** Returns a page of the access requests sent to the person, pending and answered, newest first. */
export async function listPersonAccessRequests(ctx: AppContext, actor: PersonActor, page: PageQuery): Promise<{ items: StoredAccessRequest[]; nextCursor: string | null }> {
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const standing = decidePersonSharing(actor);
    const event = { action: 'access_request.list', resourceType: 'access_request' as const, resourceId: null, subjectId: actor.accountId };
    if (standing.effect === 'deny') {
      await recordAudit(trx, actor.audit, { ...event, outcome: 'deny', reason: standing.reason });
      return denied<StoredAccessRequest[]>(denialError(standing.reason));
    }
    const rows = await listAccessRequestsOfPerson(trx, actor.accountId, page);
    await recordAudit(trx, actor.audit, { ...event, outcome: 'allow', reason: null });
    return allowed(rows);
  });
  return toPage(settle(outcome), page.limit);
}

/**
 * Returns one of the partner's own access requests, after deciding its
 * standing. Another partner's request, an unknown id and a malformed one
 * all get `access_request_not_found` (404).
 */
export async function readPartnerAccessRequest(ctx: AppContext, actor: PartnerActor, rawId: string): Promise<StoredAccessRequest> {
  const id = parseUuid(rawId);
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const partner = await findPartner(trx, actor.partnerId);
    const standing = decidePartnerStanding({ partner: partner ?? null });
    const request = id && standing.effect === 'allow' ? await findAccessRequest(trx, id) : undefined;
    // Ownership by the partner is the whole rule: policies/ has no decision for it.
    let reason: 'partner_unknown' | 'partner_suspended' | 'access_request_not_found' | null = null;
    if (standing.effect === 'deny') reason = standing.reason;
    else if (request?.partnerId !== actor.partnerId) reason = 'access_request_not_found';
    await recordAudit(trx, actor.audit, {
      action: 'partner.access_request.read',
      resourceType: 'access_request',
      resourceId: request?.id ?? id,
      subjectId: request?.personId ?? null,
      outcome: reason === null ? 'allow' : 'deny',
      reason,
      partnerId: actor.partnerId,
      grantId: request?.grantId ?? null,
    });
    if (reason !== null || !request) {
      return denied<StoredAccessRequest>(denialError(reason ?? 'access_request_not_found'));
    }
    return allowed(request);
  });
  return settle(outcome);
}
