import type { Request, Response } from 'express';
import type { Transaction } from 'kysely';

import { recordAuditEvent } from '../audit/record-audit-event.js';
import { decideStaffAction, type StaffAction } from '../../policies/staff.policy.js';
import type { AppContext } from '../context.js';
import { AppError } from '../errors/app-error.js';
import { actorTypeFor } from '../identity/oidc/account-roles.js';
import { sessionOf } from '../identity/session.middleware.js';

/** The signed-in staff member behind a DPO route, as the audit log records them. */
export interface StaffActor {
  accountId: string;
  actorType: 'person' | 'dpo' | 'admin';
  requestId: string | null;
  sourceAddress: string | null;
}

/** One decision on the audit log itself: ids and codes only, as every entry. */
export interface StaffAuditEvent {
  action: 'audit.search' | 'audit.export';
  outcome: 'allow' | 'deny';
  reason: string | null;
  /** The person the search or export was narrowed to, if any. */
  subjectId: string | null;
  /** The exported seq range as `seq-FROM-TO`; null for a search. */
  range?: string | null;
  partnerId: string | null;
}

/**
 * Decides a staff action for the session (`decideStaffAction`) and returns
 * the actor when allowed. A denial is recorded in a transaction of its own,
 * then thrown as 403 `forbidden`.
 */
export async function authorizeStaff(ctx: AppContext, req: Request, res: Response, action: StaffAction, auditAction: StaffAuditEvent['action']): Promise<StaffActor> {
  const session = sessionOf(res);
  const actor: StaffActor = {
    accountId: session.accountId,
    actorType: actorTypeFor(session.roles),
    requestId: typeof res.locals.requestId === 'string' ? res.locals.requestId : null,
    sourceAddress: req.ip ?? null,
  };
  const decision = decideStaffAction({ roles: session.roles, action });
  if (decision.effect === 'allow') return actor;

  try {
    await ctx.db.transaction().execute((trx) =>
      appendStaffAudit(trx, actor, { action: auditAction, outcome: 'deny', reason: decision.reason, subjectId: null, partnerId: null }),
    );
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('audit_unavailable', {}, { cause: error });
  }
  throw new AppError('forbidden');
}

/**
 * Appends a decision on the audit log inside `trx`. Call it last in the
 * transaction, because it holds the chain lock until commit. Any failure
 * becomes `audit_unavailable` (503) and rolls the transaction back.
 */
export async function appendStaffAudit(trx: Transaction<any>, actor: StaffActor, event: StaffAuditEvent): Promise<void> {
  await recordAuditEvent(trx, {
    actorType: actor.actorType,
    actorId: actor.accountId,
    subjectId: event.subjectId,
    action: event.action,
    resourceType: 'audit_log',
    resourceId: event.range ?? null,
    outcome: event.outcome,
    reason: event.reason,
    requestId: actor.requestId,
    sourceAddress: actor.sourceAddress,
    partnerId: event.partnerId,
  });
}
