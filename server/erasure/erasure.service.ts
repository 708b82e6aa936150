import type { Transaction } from 'kysely';

import { decideAccountErasure } from '../../policies/index.js';
import { recordAuditEvent } from '../audit/record-audit-event.js';
import type { AppContext } from '../context.js';
import type { Database } from '../db/schema.js';
import { AppError } from '../errors/app-error.js';
import { allowed, denialError, denied, settle } from '../grants/decision-outcome.js';
import type { PersonActor } from '../grants/person-actor.js';
import {
  auditEntryHash,
  deletePersonData,
  listPendingAccessRequests,
  listUnrevokedGrants,
  lockAccount,
  markAccountErased,
  type DeletedRows,
  type EndedWithPartner,
} from './erasure.repository.js';

/** A committed erasure: what it destroyed and the audit entry that records it. */
export interface CompletedErasure {
  accountId: string;
  erasedAt: Date;
  deleted: DeletedRows;
  auditEntry: { chain: number; seq: number; hash: string };
}

/**
 * Erases the signed-in person's account by crypto-shredding, in one
 * transaction. Every grant not yet revoked is revoked and every pending
 * access request cancelled, each with its audit entry. Then the person's
 * rows are deleted, with the wrapped user key and the wrapped document keys,
 * the account is marked erased and its sessions end. The `account.erase`
 * entry is appended last. Any failure, the audit append included, rolls
 * everything back.
 *
 * A staff session (`forbidden`) or a sign-in 5 minutes old or more
 * (`reauthentication_required`) is denied, and the denial is recorded.
 */
export async function eraseAccount(ctx: AppContext, actor: PersonActor, authTime: Date): Promise<CompletedErasure> {
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const now = new Date();
    // NOTE: the "Mon compte" page signs the person in again with prompt=login
    // and max_age=0, but an API client may use a session from a plain
    // /auth/login, whose time is the callback's when the ID token has no
    // auth_time. A provider that keeps its own session can then make a
    // sign-in look recent without a new authentication.
    const decision = decideAccountErasure({ actor: { accountId: actor.accountId, roles: actor.roles }, authTime, now });
    if (decision.effect === 'deny') {
      await appendErasureAudit(trx, actor, { action: 'account.erase', resourceType: 'account', resourceId: actor.accountId, outcome: 'deny', reason: decision.reason });
      return denied<CompletedErasure>(denialError(decision.reason));
    }

    // The session was read before this transaction, and a concurrent erasure
    // of the same account may have committed since.
    // NOTE: uploads do not take this lock. An upload that started before the
    // erasure and commits after it leaves one document row for the erased
    // account, whose key no longer opens because the user key is gone.
    const account = await lockAccount(trx, actor.accountId);
    if (account === undefined || account.erasedAt !== null) return denied<CompletedErasure>(new AppError('unauthenticated'));

    const grants = await listUnrevokedGrants(trx, actor.accountId);
    const requests = await listPendingAccessRequests(trx, actor.accountId);
    const deleted = await deletePersonData(trx, actor.accountId);
    await markAccountErased(trx, actor.accountId, now);

    // Audit entries last: the first append takes the chain lock until commit.
    await appendEndings(trx, actor, 'grant.revoke', 'grant', grants);
    await appendEndings(trx, actor, 'access_request.cancel', 'access_request', requests);
    const entry = await appendErasureAudit(trx, actor, { action: 'account.erase', resourceType: 'account', resourceId: actor.accountId, outcome: 'allow', reason: null });
    const hash = await auditEntryHash(trx, entry.chain, entry.seq);
    return allowed({ accountId: actor.accountId, erasedAt: now, deleted, auditEntry: { chain: entry.chain, seq: entry.seq, hash } });
  });
  return settle(outcome);
}

async function appendEndings(trx: Transaction<Database>, actor: PersonActor, action: string, resourceType: 'grant' | 'access_request', ended: readonly EndedWithPartner[]): Promise<void> {
  for (const item of ended) {
    await appendErasureAudit(trx, actor, {
      action,
      resourceType,
      resourceId: item.id,
      outcome: 'allow',
      reason: 'account_erased',
      partnerId: item.partnerId,
      grantId: resourceType === 'grant' ? item.id : null,
    });
  }
}

interface ErasureAuditEvent {
  action: string;
  resourceType: string;
  resourceId: string;
  outcome: 'allow' | 'deny';
  reason: string | null;
  partnerId?: string | null;
  grantId?: string | null;
}

function appendErasureAudit(trx: Transaction<Database>, actor: PersonActor, event: ErasureAuditEvent) {
  return recordAuditEvent(trx, {
    actorType: actor.audit.type,
    actorId: actor.accountId,
    subjectId: actor.accountId,
    action: event.action,
    resourceType: event.resourceType,
    resourceId: event.resourceId,
    outcome: event.outcome,
    reason: event.reason,
    requestId: actor.requestId,
    sourceAddress: actor.sourceAddress,
    partnerId: event.partnerId ?? null,
    grantId: event.grantId ?? null,
  });
}
