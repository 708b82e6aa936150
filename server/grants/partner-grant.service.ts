import {
  decidePartnerDocumentRead,
  decidePartnerGrantAccess,
  decidePartnerStanding,
  grantStatus,
  type GrantStatus,
  type Purpose,
} from '../../policies/index.js';
import type { AppContext } from '../context.js';
import { recordAudit } from './audit-record.js';
import { allowed, denialError, denied, settle } from './decision-outcome.js';
import { findCandidateDocuments } from './document-facts.repository.js';
import { findGrant, listGrantsOfPartner } from './grant.repository.js';
import type { StoredGrant } from './grant.types.js';
import { toPage, type PageQuery } from '../http/page-query.js';
import type { PartnerActor } from './partner-actor.js';
import { findPartner } from './partner-directory.repository.js';
import { personRefFor } from './person-ref.js';
import { parseUuid } from './uuid.js';

/** A grant in its partner's view: no name, no person id, only a pseudonym. */
export interface PartnerGrantView {
  id: string;
  purpose: Purpose;
  purposeText: string | null;
  startsAt: string;
  endsAt: string;
  status: GrantStatus;
  personRef: string;
}

/**
 * Returns a page of the grants made to the partner, in every state, after
 * deciding its standing from the database. The listing is recorded before
 * it is returned.
 */
export async function listPartnerGrants(ctx: AppContext, actor: PartnerActor, page: PageQuery): Promise<{ items: PartnerGrantView[]; nextCursor: string | null }> {
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const partner = await findPartner(trx, actor.partnerId);
    const decision = decidePartnerStanding({ partner: partner ?? null });
    const event = { action: 'partner.grant.list', resourceType: 'grant' as const, resourceId: null, subjectId: null, partnerId: actor.partnerId };
    if (decision.effect === 'deny') {
      await recordAudit(trx, actor.audit, { ...event, outcome: 'deny', reason: decision.reason });
      return denied<StoredGrant[]>(denialError(decision.reason));
    }
    const rows = await listGrantsOfPartner(trx, actor.partnerId, page);
    await recordAudit(trx, actor.audit, { ...event, outcome: 'allow', reason: null });
    return allowed(rows);
  });

  const { items, nextCursor } = toPage(settle(outcome), page.limit);
  const now = new Date();
  return {
    items: items.map((grant) => ({
      id: grant.id,
      purpose: grant.purpose,
      purposeText: grant.purposeText,
      startsAt: grant.startsAt.toISOString(),
      endsAt: grant.endsAt.toISOString(),
      status: grantStatus(grant, now),
      personRef: personRefFor(grant.partnerId, grant.personId),
    })),
    nextCursor,
  };
}

/**
 * Returns the ids of the documents that a grant covers at this instant: the
 * listed ones and those in its categories, each allowed by
 * decidePartnerDocumentRead. Deleted documents have no row, so they are
 * never listed. The decision and the listing commit with their audit entry.
 */
// NOTE: the list is not paginated. It contains one person's documents in
// the grant's scope, which are expected to stay in the tens.
export async function authorizeGrantDocuments(ctx: AppContext, actor: PartnerActor, rawGrantId: string): Promise<{ grant: StoredGrant; documentIds: string[] }> {
  const grantId = parseUuid(rawGrantId);
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const now = new Date();
    const partner = await findPartner(trx, actor.partnerId);
    const grant = grantId ? await findGrant(trx, grantId) : undefined;
    const decision = decidePartnerGrantAccess({ partner: partner ?? null, grant: grant ?? null, now });
    const event = {
      action: 'partner.documents.list',
      resourceType: 'grant' as const,
      resourceId: grant?.id ?? grantId,
      subjectId: grant?.personId ?? null,
      partnerId: actor.partnerId,
      grantId: grant?.id ?? grantId,
    };
    if (decision.effect === 'deny' || !grant) {
      const reason = decision.effect === 'deny' ? decision.reason : 'grant_not_found';
      await recordAudit(trx, actor.audit, { ...event, outcome: 'deny', reason });
      return denied<{ grant: StoredGrant; documentIds: string[] }>(denialError(reason));
    }

    const candidates = await findCandidateDocuments(trx, grant);
    const documentIds = candidates
      .filter((document) => decidePartnerDocumentRead({ partner: partner ?? null, grant, document, now }).effect === 'allow')
      .map((document) => document.id);
    await recordAudit(trx, actor.audit, { ...event, outcome: 'allow', reason: null });
    return allowed({ grant, documentIds });
  });
  return settle(outcome);
}
