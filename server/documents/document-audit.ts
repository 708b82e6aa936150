import type { Kysely, Transaction } from 'kysely';

import { recordAuditEvent } from '../audit/record-audit-event.js';
import type { Database } from '../db/schema.js';
import { AppError } from '../errors/app-error.js';
import { actorTypeFor } from '../identity/oidc/account-roles.js';
import { logger } from '../logging/logger.js';
import type { RequestActor } from './document-actor.js';

export type DocumentAction = 'document.upload' | 'document.read' | 'document.download' | 'document.delete' | 'document.list';

/** One decision on documents, as the audit log records it: ids and codes only. */
export interface DocumentAuditEvent {
  action: DocumentAction;
  /** The document concerned; null for a list, a refused upload or a malformed id. */
  documentId: string | null;
  /** Person whose data is concerned: the document's owner when it exists, else the actor. */
  subjectId?: string;
  outcome: 'allow' | 'deny';
  /** Reason code of a denial, such as `not_found` or `file_too_large`. */
  reason: string | null;
}

/**
 * Appends a decision to the audit chain inside `trx`. Call it last in the
 * transaction, because it holds the chain lock until commit. Any failure
 * becomes `audit_unavailable` (503), and the caller's transaction rolls back
 * with it, so nothing happens without its record.
 */
export async function appendDocumentAudit(trx: Transaction<Database>, actor: RequestActor, event: DocumentAuditEvent): Promise<void> {
  await recordAuditEvent(trx, {
    actorType: actorTypeFor(actor.roles),
    actorId: actor.accountId,
    subjectId: event.subjectId ?? actor.accountId,
    action: event.action,
    resourceType: 'document',
    resourceId: event.documentId,
    outcome: event.outcome,
    reason: event.reason,
    requestId: actor.requestId,
    sourceAddress: actor.sourceAddress,
  });
}

/**
 * Records a denial in a transaction of its own, for a request that changes
 * nothing else. Throws `audit_unavailable` when the entry cannot be written.
 */
export async function recordDocumentDenial(
  db: Kysely<Database>,
  actor: RequestActor,
  event: Omit<DocumentAuditEvent, 'outcome'> & { reason: string },
): Promise<void> {
  try {
    await db.transaction().execute((trx) => appendDocumentAudit(trx, actor, { ...event, outcome: 'deny' }));
  } catch (error) {
    if (error instanceof AppError) throw error;
    logger.error('audit transaction failed', { requestId: actor.requestId, action: event.action, error });
    throw new AppError('audit_unavailable', {}, { cause: error });
  }
}
