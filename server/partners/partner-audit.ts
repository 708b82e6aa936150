import type { Transaction } from 'kysely';

import { recordAuditEvent } from '../audit/record-audit-event.js';
import type { Database } from '../db/schema.js';

/**
 * Actor of a change to the partner registry: an administrator through the admin API, or
 * the system, which is the command line (`npm run partner`) and the seeding of
 * development partners. The command line has no signed-in account, so its actor id is null.
 */
export interface PartnerAdminActor {
  actorType: 'admin' | 'system';
  actorId: string | null;
  requestId: string | null;
  /** Client address of the HTTP request; null on the command line. */
  sourceAddress: string | null;
}

export type PartnerAdminAction = 'partner.register' | 'partner.suspend' | 'partner.reactivate';

/**
 * Appends a change of the partner registry to the audit chain inside `trx`. Call it
 * last in the transaction, because it holds the chain lock until commit. A failure
 * becomes `audit_unavailable` (503) and rolls the change back with it.
 */
export async function appendPartnerAudit(
  trx: Transaction<Database>,
  actor: PartnerAdminActor,
  event: { action: PartnerAdminAction; partnerId: string; reason?: string },
): Promise<void> {
  await recordAuditEvent(trx, {
    actorType: actor.actorType,
    actorId: actor.actorId,
    subjectId: null,
    action: event.action,
    resourceType: 'partner',
    resourceId: event.partnerId,
    outcome: 'allow',
    reason: event.reason ?? null,
    requestId: actor.requestId,
    sourceAddress: actor.sourceAddress,
    partnerId: event.partnerId,
  });
}
