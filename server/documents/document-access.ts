import type { Transaction } from 'kysely';

import { decideOwnerDocumentAccess } from '../../policies/index.js';
import type { Database } from '../db/schema.js';
import type { AppError } from '../errors/app-error.js';
import type { RequestActor } from './document-actor.js';
import { appendDocumentAudit, type DocumentAction } from './document-audit.js';
import { denialError } from './document-denial.js';
import { isDocumentId } from './document-id.js';
import { findDocument } from './document.repository.js';
import type { StoredDocument } from './document.types.js';

export type DocumentAccess = { allowed: true; document: StoredDocument } | { allowed: false; error: AppError };

/**
 * Reads the document that a route names and gets the policy's decision. A
 * denial is appended to the audit log in `trx` here. An allowed access is
 * recorded by the caller, last in its transaction, once its work is done.
 */
export async function authorizeDocumentAccess(
  trx: Transaction<Database>,
  actor: RequestActor,
  action: DocumentAction,
  documentId: string,
): Promise<DocumentAccess> {
  // A malformed id gets the same 404 as an unknown one, and stays out of the
  // log because it is free text, not an id.
  const wellFormed = isDocumentId(documentId);
  const document = wellFormed ? await findDocument(trx, documentId.toLowerCase()) : undefined;

  // Deletion removes the row, so a stored document is never a deleted one.
  const facts = document ? { id: document.id, ownerId: document.ownerId, category: document.category, deletedAt: null } : null;
  const decision = decideOwnerDocumentAccess({ actor, document: facts });
  if (decision.effect === 'allow' && document) return { allowed: true, document };

  // The policy allows only an existing document, so this fallback only satisfies the types.
  const denial = decision.effect === 'deny' ? decision : ({ effect: 'deny', reason: 'not_found', status: 404 } as const);
  await appendDocumentAudit(trx, actor, {
    action,
    documentId: wellFormed ? documentId.toLowerCase() : null,
    subjectId: document?.ownerId ?? actor.accountId,
    outcome: 'deny',
    reason: denial.reason,
  });
  return { allowed: false, error: denialError(denial) };
}
