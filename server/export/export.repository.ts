import type { Transaction } from 'kysely';

import type { Database } from '../db/schema.js';
import { toStoredDocument } from '../documents/document.repository.js';
import type { StoredDocument } from '../documents/document.types.js';

/**
 * Lists every document of an owner, oldest first. Only the rows: the content
 * stays in document_chunks and is read document by document while the
 * archive streams.
 */
export async function listDocumentsForExport(trx: Transaction<Database>, ownerId: string): Promise<StoredDocument[]> {
  const rows = await trx.selectFrom('documents').selectAll().where('owner_id', '=', ownerId).orderBy('created_at').orderBy('id').execute();
  return rows.map(toStoredDocument);
}
