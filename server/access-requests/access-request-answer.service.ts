import type { Transaction } from 'kysely';

import { decideAccessRequestAnswer, decideApprovalDuration, type AccessRequestAnswerReason, type Decision } from '../../policies/index.js';
import type { AppContext } from '../context.js';
import type { Database } from '../db/schema.js';
import { AppError } from '../errors/app-error.js';
import { recordAudit } from '../grants/audit-record.js';
import { mapDatabaseError } from '../grants/database-error.js';
import { allowed, denialError, denied, settle, type Outcome } from '../grants/decision-outcome.js';
import { decideAndInsertGrant, grantCreationError } from '../grants/grant-insert.js';
import type { StoredGrant } from '../grants/grant.types.js';
import { decidePersonSharing, type PersonActor } from '../grants/person-actor.js';
import { parseUuid } from '../grants/uuid.js';
import type { ApprovalBody } from './access-request-body.js';
import { findAccessRequest, recordAnswer } from './access-request.repository.js';
import type { StoredAccessRequest } from './access-request.types.js';

type AnswerAction = 'access_request.approve' | 'access_request.refuse';

/** What the person's answer checks found: the locked request, or the outcome to return at once. */
type AnswerCheck = { request: StoredAccessRequest } | { outcome: Outcome<never> };

/**
 * Approves an access request: creates the requested grant, over the
 * requested categories and any documents the person adds, until the
 * requested end or an earlier one the person chose. The request is locked
 * while deciding, so it is answered once. The grant, the answer and both
 * audit entries (`grant.create`, `access_request.approve`) commit together.
 */
export async function approveAccessRequest(ctx: AppContext, actor: PersonActor, rawId: string, approval: ApprovalBody): Promise<{ request: StoredAccessRequest; grant: StoredGrant }> {
  try {
    const outcome = await ctx.db.transaction().execute(async (trx) => {
      const now = new Date();
      const checked = await checkAnswer(trx, actor, 'access_request.approve', rawId, now);
      if ('outcome' in checked) return checked.outcome;
      const { request } = checked;
      const deny = (reason: string, error: AppError) => denyAnswer(trx, actor, 'access_request.approve', request, reason, error);

      const approvedEndsAt = approval.endsAt ?? request.requestedEndsAt;
      const duration = decideApprovalDuration({ requestedEndsAt: request.requestedEndsAt, approvedEndsAt, startsAt: now });
      if (duration.effect === 'deny') return deny(duration.reason, denialError(duration.reason));

      const creation = {
        personId: actor.accountId,
        partnerId: request.partnerId,
        purpose: request.purpose,
        purposeText: request.purposeText,
        documentIds: approval.documentIds,
        categories: request.categories,
        startsAt: null,
        endsAt: approvedEndsAt,
      };
      const result = await decideAndInsertGrant(trx, creation, now);
      if (result.effect === 'deny') return deny(result.reason, grantCreationError(result, creation));

      const { grant } = result;
      await recordAnswer(trx, request.id, { status: 'approved', grantId: grant.id, at: now });
      await recordAudit(trx, actor.audit, { action: 'grant.create', resourceType: 'grant', resourceId: grant.id, subjectId: actor.accountId, outcome: 'allow', reason: null, partnerId: grant.partnerId, grantId: grant.id });
      await recordAudit(trx, actor.audit, { action: 'access_request.approve', resourceType: 'access_request', resourceId: request.id, subjectId: actor.accountId, outcome: 'allow', reason: null, partnerId: request.partnerId, grantId: grant.id });
      return allowed({ request: { ...request, status: 'approved' as const, answeredAt: now, grantId: grant.id }, grant });
    });
    return settle(outcome);
  } catch (error) {
    throw mapDatabaseError(error, actor.requestId);
  }
}

/** Refuses an access request. The partner then reads the status `refused` and gets no grant. */
export async function refuseAccessRequest(ctx: AppContext, actor: PersonActor, rawId: string): Promise<StoredAccessRequest> {
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const now = new Date();
    const checked = await checkAnswer(trx, actor, 'access_request.refuse', rawId, now);
    if ('outcome' in checked) return checked.outcome;
    const { request } = checked;

    await recordAnswer(trx, request.id, { status: 'refused', at: now });
    await recordAudit(trx, actor.audit, { action: 'access_request.refuse', resourceType: 'access_request', resourceId: request.id, subjectId: actor.accountId, outcome: 'allow', reason: null, partnerId: request.partnerId });
    return allowed({ ...request, status: 'refused' as const, answeredAt: now });
  });
  return settle(outcome);
}

// Role, then decideAccessRequestAnswer on the locked row: another person's
// request, an unknown id and a malformed one all deny access_request_not_found.
async function checkAnswer(trx: Transaction<Database>, actor: PersonActor, action: AnswerAction, rawId: string, now: Date): Promise<AnswerCheck> {
  const id = parseUuid(rawId);
  const standing = decidePersonSharing(actor);
  const request = id && standing.effect === 'allow' ? await findAccessRequest(trx, id, { forUpdate: true }) : undefined;
  const decision: Decision<'role_not_allowed' | AccessRequestAnswerReason> = standing.effect === 'deny'
    ? standing
    : decideAccessRequestAnswer({ actor: { accountId: actor.accountId }, request: request ?? null, now });
  if (decision.effect === 'allow' && request) return { request };

  const reason = decision.effect === 'deny' ? decision.reason : 'access_request_not_found';
  await recordAudit(trx, actor.audit, {
    action,
    resourceType: 'access_request',
    resourceId: request?.id ?? id,
    subjectId: request?.personId ?? actor.accountId,
    outcome: 'deny',
    reason,
    partnerId: request?.partnerId ?? null,
  });
  return { outcome: denied(denialError(reason)) };
}

async function denyAnswer(trx: Transaction<Database>, actor: PersonActor, action: AnswerAction, request: StoredAccessRequest, reason: string, error: AppError): Promise<Outcome<never>> {
  await recordAudit(trx, actor.audit, { action, resourceType: 'access_request', resourceId: request.id, subjectId: actor.accountId, outcome: 'deny', reason, partnerId: request.partnerId });
  return denied(error);
}
