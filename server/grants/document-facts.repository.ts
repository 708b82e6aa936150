import type { Kysely, Transaction } from 'kysely';

import type { DocumentCategory, DocumentFacts } from '../../policies/index.js';
import type { Database } from '../db/schema.js';

type Reader = Kysely<Database> | Transaction<Database>;

/**
 * Reads the facts that policies need about the given documents, whatever
 * their owner. Ids must be well-formed UUIDs. Deleted documents have no row,
 * so `deletedAt` is always null here.
 */
export async function findDocumentFacts(db: Reader, documentIds: readonly string[]): Promise<DocumentFacts[]> {
  if (documentIds.length === 0) return [];
  const rows = await db.selectFrom('documents').select(['id', 'owner_id', 'category']).where('id', 'in', documentIds).execute();
  return rows.map((row) => ({ id: row.id, ownerId: row.owner_id, category: row.category as DocumentCategory, deletedAt: null }));
}

/**
 * Lists the ids of a person's documents that a grant may cover now: the
 * listed ones and every one in a listed category, newest first. The caller
 * still asks decidePartnerDocumentRead for each.
 */
export async function findCandidateDocuments(
  db: Reader,
  grant: { personId: string; documentIds: readonly string[]; categories: readonly DocumentCategory[] },
): Promise<DocumentFacts[]> {
  if (grant.documentIds.length === 0 && grant.categories.length === 0) return [];
  const rows = await db
    .selectFrom('documents')
    .select(['id', 'owner_id', 'category'])
    .where('owner_id', '=', grant.personId)
    .where((eb) => {
      const scope = [];
      if (grant.documentIds.length > 0) scope.push(eb('id', 'in', [...grant.documentIds]));
      if (grant.categories.length > 0) scope.push(eb('category', 'in', [...grant.categories]));
      return eb.or(scope);
    })
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map((row) => ({ id: row.id, ownerId: row.owner_id, category: row.category as DocumentCategory, deletedAt: null }));
}
