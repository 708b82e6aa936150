import { decideOwnerDocumentCollectionAccess } from '../../policies/index.js';
import type { AppContext } from '../context.js';
import { loadUserKey } from '../identity/account.repository.js';
import { authorizeDocumentAccess } from './document-access.js';
import type { RequestActor } from './document-actor.js';
import { appendDocumentAudit, recordDocumentDenial } from './document-audit.js';
import { encodeCursor } from '../http/page-cursor.js';
import { denialError } from './document-denial.js';
import type { DocumentListQuery } from './document-list-query.js';
import { listOwnedDocuments } from './document.repository.js';
import type { DocumentView, StoredDocument } from './document.types.js';
import { openDocumentView } from './document-view.js';

/** One page of the listing; `nextCursor` is null on the last page. */
export interface DocumentPage {
  items: DocumentView[];
  nextCursor: string | null;
}

/**
 * Returns one document's metadata to its owner. The decision, allowed or
 * denied, is committed to the audit log before anything is returned.
 */
export async function readDocument(ctx: AppContext, actor: RequestActor, documentId: string): Promise<DocumentView> {
  const access = await ctx.db.transaction().execute(async (trx) => {
    const result = await authorizeDocumentAccess(trx, actor, 'document.read', documentId);
    if (result.allowed) {
      await appendDocumentAudit(trx, actor, { action: 'document.read', documentId: result.document.id, subjectId: result.document.ownerId, outcome: 'allow', reason: null });
    }
    return result;
  });
  if (!access.allowed) throw access.error;

  const [view] = await openViews(ctx, actor, [access.document]);
  return view!;
}

/** Returns a page of the person's documents, newest first, with the list recorded in the audit log. */
export async function listDocuments(ctx: AppContext, actor: RequestActor, query: DocumentListQuery): Promise<DocumentPage> {
  const decision = decideOwnerDocumentCollectionAccess({ actor });
  if (decision.effect === 'deny') {
    await recordDocumentDenial(ctx.db, actor, { action: 'document.list', documentId: null, reason: decision.reason });
    throw denialError(decision);
  }

  const rows = await ctx.db.transaction().execute(async (trx) => {
    const found = await listOwnedDocuments(trx, actor.accountId, query);
    await appendDocumentAudit(trx, actor, { action: 'document.list', documentId: null, outcome: 'allow', reason: null });
    return found;
  });

  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  const nextCursor = rows.length > query.limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null;
  return { items: await openViews(ctx, actor, page), nextCursor };
}

async function openViews(ctx: AppContext, actor: RequestActor, documents: StoredDocument[]): Promise<DocumentView[]> {
  if (documents.length === 0) return [];
  const userKey = await loadUserKey(ctx.db, ctx.keys, actor.accountId);
  try {
    const views: DocumentView[] = [];
    for (const document of documents) views.push(await openDocumentView(userKey, document));
    return views;
  } finally {
    userKey.fill(0);
  }
}
