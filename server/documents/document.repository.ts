import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';

import type { Database, DocumentsTable } from '../db/schema.js';
import type { DocumentCategory } from './document-category.js';
import type { ListPosition, StoredDocument } from './document.types.js';
import type { MediaType } from './media-type.js';

type Reader = Kysely<Database> | Transaction<Database>;

/** Inserts a document row; its chunks follow with `insertChunks`. */
export async function insertDocument(trx: Transaction<Database>, document: StoredDocument): Promise<void> {
  await trx
    .insertInto('documents')
    .values({
      id: document.id,
      owner_id: document.ownerId,
      category: document.category,
      media_type: document.mediaType,
      size_bytes: document.sizeBytes,
      chunk_count: document.chunkCount,
      wrapped_key: toBuffer(document.wrappedKey),
      stream_header: toBuffer(document.streamHeader),
      title_sealed: toBuffer(document.titleSealed),
      file_name_sealed: toBuffer(document.fileNameSealed),
      created_at: document.createdAt,
    })
    .execute();
}

/** Inserts encrypted chunks in one statement. */
export async function insertChunks(
  trx: Transaction<Database>,
  documentId: string,
  chunks: ReadonlyArray<{ index: number; data: Uint8Array }>,
): Promise<void> {
  if (chunks.length === 0) return;
  await trx
    .insertInto('document_chunks')
    .values(chunks.map((chunk) => ({ document_id: documentId, index: chunk.index, data: toBuffer(chunk.data) })))
    .execute();
}

/** Sets what is known only at the end of an upload: size, chunk count, and a title sent after the file. */
export async function completeDocument(
  trx: Transaction<Database>,
  documentId: string,
  completion: { sizeBytes: number; chunkCount: number; titleSealed?: Uint8Array },
): Promise<void> {
  await trx
    .updateTable('documents')
    .set({
      size_bytes: completion.sizeBytes,
      chunk_count: completion.chunkCount,
      ...(completion.titleSealed ? { title_sealed: toBuffer(completion.titleSealed) } : {}),
    })
    .where('id', '=', documentId)
    .execute();
}

/** Finds a document by id with any owner. The caller's policy decides who may see it. */
export async function findDocument(db: Reader, documentId: string): Promise<StoredDocument | undefined> {
  const row = await db.selectFrom('documents').selectAll().where('id', '=', documentId).executeTakeFirst();
  return row ? toStoredDocument(row) : undefined;
}

/**
 * Lists an owner's documents newest first, after `after` when given. Reads
 * one row more than `limit`, so the caller knows whether a next page exists.
 */
export async function listOwnedDocuments(
  db: Reader,
  ownerId: string,
  options: { limit: number; after?: ListPosition; category?: DocumentCategory },
): Promise<StoredDocument[]> {
  let query = db.selectFrom('documents').selectAll().where('owner_id', '=', ownerId);
  if (options.category) query = query.where('category', '=', options.category);
  if (options.after) {
    const { createdAt, id } = options.after;
    query = query.where(sql<boolean>`(created_at, id) < (${createdAt}::timestamptz, ${id}::uuid)`);
  }
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit + 1).execute();
  return rows.map(toStoredDocument);
}

/** Deletes a document's chunks, then its row, which contains the wrapped document key. */
export async function deleteDocument(trx: Transaction<Database>, documentId: string): Promise<void> {
  await trx.deleteFrom('document_chunks').where('document_id', '=', documentId).execute();
  await trx.deleteFrom('documents').where('id', '=', documentId).execute();
}

/**
 * Reads up to `count` chunks after index `afterIndex`, in order. bytea is
 * read in the default text format: node-postgres's binary mode corrupts it.
 */
export async function readChunkBatch(db: Reader, documentId: string, afterIndex: number, count: number): Promise<Array<{ index: number; data: Buffer }>> {
  return db
    .selectFrom('document_chunks')
    .select(['index', 'data'])
    .where('document_id', '=', documentId)
    .where('index', '>', afterIndex)
    .orderBy('index')
    .limit(count)
    .execute();
}

// The table's check constraints limit category and media_type to the values
// of these unions, so the casts cannot widen what the database holds.
export function toStoredDocument(row: Selectable<DocumentsTable>): StoredDocument {
  return {
    id: row.id,
    ownerId: row.owner_id,
    category: row.category as DocumentCategory,
    mediaType: row.media_type as MediaType,
    sizeBytes: row.size_bytes,
    chunkCount: row.chunk_count,
    wrappedKey: row.wrapped_key,
    streamHeader: row.stream_header,
    titleSealed: row.title_sealed,
    fileNameSealed: row.file_name_sealed,
    createdAt: row.created_at,
  };
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
