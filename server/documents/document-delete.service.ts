import type { AppContext } from '../context.js';
import { authorizeDocumentAccess } from './document-access.js';
import type { RequestActor } from './document-actor.js';
import { appendDocumentAudit } from './document-audit.js';
import { deleteDocument } from './document.repository.js';

/**
 * Deletes one of the person's documents: chunks, row and wrapped key go in
 * the same transaction as the audit entry, so both happen or neither does.
 */
export async function removeDocument(ctx: AppContext, actor: RequestActor, documentId: string): Promise<void> {
  const access = await ctx.db.transaction().execute(async (trx) => {
    const result = await authorizeDocumentAccess(trx, actor, 'document.delete', documentId);
    if (result.allowed) {
      await deleteDocument(trx, result.document.id);
      await appendDocumentAudit(trx, actor, { action: 'document.delete', documentId: result.document.id, subjectId: result.document.ownerId, outcome: 'allow', reason: null });
    }
    return result;
  });
  if (!access.allowed) throw access.error;
}
