import type { Transaction } from 'kysely';

import { recordAuditEvent } from '../audit/record-audit-event.js';
import type { ActorType, AuditOutcome } from '../../audit/entry.js';
import type { Database } from '../db/schema.js';

/** The actor of a decision, as the audit log records it. */
export interface AuditActor {
  type: ActorType;
  /** Account id of a person or staff, partner id of a partner, null for the system. */
  id: string | null;
  requestId: string | null;
  sourceAddress: string | null;
}

/** One decision on grants, access requests or sharing codes: ids and codes only. */
export interface GrantAuditEvent {
  action: string;
  resourceType: 'grant' | 'document' | 'access_request' | 'sharing_code';
  /** Null for a list, or for an id that was malformed or unknown. */
  resourceId: string | null;
  /** The person whose data is concerned; null when no person is known. */
  subjectId: string | null;
  outcome: AuditOutcome;
  reason: string | null;
  partnerId?: string | null;
  grantId?: string | null;
}

/**
 * Appends a decision to the audit chain inside `trx`. Call it last in the
 * transaction, because it holds the chain lock until commit. Any failure
 * becomes `audit_unavailable` (503) and rolls the caller's transaction back,
 * so nothing happens without its record.
 */
export async function recordAudit(trx: Transaction<Database>, actor: AuditActor, event: GrantAuditEvent): Promise<void> {
  await recordAuditEvent(trx, {
    actorType: actor.type,
    actorId: actor.id,
    subjectId: event.subjectId,
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
