import type { AppContext } from '../context.js';
import { openDocumentView } from '../documents/document-view.js';
import { findDocument } from '../documents/document.repository.js';
import type { DocumentView } from '../documents/document.types.js';
import { loadUserKey } from '../identity/account.repository.js';

/**
 * Decrypts the title and file name of documents that a partner was just
 * allowed to list, with the owner's user key. A document deleted since the
 * decision is left out.
 */
export async function openPartnerDocumentViews(ctx: AppContext, personId: string, documentIds: readonly string[]): Promise<DocumentView[]> {
  if (documentIds.length === 0) return [];
  const userKey = await loadUserKey(ctx.db, ctx.keys, personId);
  try {
    const views: DocumentView[] = [];
    for (const id of documentIds) {
      const document = await findDocument(ctx.db, id);
      if (document && document.ownerId === personId) views.push(await openDocumentView(userKey, document));
    }
    return views;
  } finally {
    userKey.fill(0);
  }
}
