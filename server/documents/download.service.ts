import type { Kysely } from 'kysely';

import { decryptContent, openMetadata, unwrapDocumentKey } from '../../crypto/index.js';
import type { AppContext } from '../context.js';
import type { Database } from '../db/schema.js';
import { loadUserKey } from '../identity/account.repository.js';
import { authorizeDocumentAccess } from './document-access.js';
import type { RequestActor } from './document-actor.js';
import { appendDocumentAudit } from './document-audit.js';
import { readChunkBatch } from './document.repository.js';
import type { StoredDocument } from './document.types.js';

// Chunks per SELECT: each query costs about half a millisecond, so reading
// 16 chunks (1 MiB) at a time keeps that cost small against the transfer.
const CHUNKS_PER_READ = 16;

/** An authorized download: the document, its file name and its key. */
export interface Download {
  document: StoredDocument;
  fileName: string;
  /** WARNING: opens the content. Zero it once the transfer is over. */
  documentKey: Uint8Array;
}

/**
 * Authorizes a download and commits its audit entry before returning, so no
 * byte can leave the server without its record. A denial is committed too,
 * then thrown as its AppError.
 */
export async function authorizeDownload(ctx: AppContext, actor: RequestActor, documentId: string): Promise<Download> {
  const access = await ctx.db.transaction().execute(async (trx) => {
    const result = await authorizeDocumentAccess(trx, actor, 'document.download', documentId);
    if (!result.allowed) return result;

    const { document } = result;
    const userKey = await loadUserKey(trx, ctx.keys, actor.accountId);
    let documentKey: Uint8Array | undefined;
    try {
      documentKey = await unwrapDocumentKey(userKey, document.wrappedKey, document.id);
      const fileName = await openMetadata(documentKey, document.id, 'fileName', document.fileNameSealed);
      await appendDocumentAudit(trx, actor, { action: 'document.download', documentId: document.id, subjectId: document.ownerId, outcome: 'allow', reason: null });
      return { allowed: true as const, download: { document, fileName, documentKey } };
    } catch (error) {
      documentKey?.fill(0);
      throw error;
    } finally {
      userKey.fill(0);
    }
  });
  if (!access.allowed) throw access.error;
  return access.download;
}

/**
 * Decrypts a document's content in order. Chunks are read a batch at a time
 * by index, so memory does not grow with the size. Reading stops once
 * `signal` is aborted. Throws DecryptionFailed on a tampered, missing or
 * reordered chunk, possibly after earlier chunks were yielded.
 */
export function readDocumentContent(db: Kysely<Database>, download: Download, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  const { document, documentKey } = download;
  return decryptContent(documentKey, document.id, document.streamHeader, readChunks(db, document.id, signal));
}

async function* readChunks(db: Kysely<Database>, documentId: string, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  let afterIndex = -1;
  for (;;) {
    if (signal.aborted) return;
    const batch = await readChunkBatch(db, documentId, afterIndex, CHUNKS_PER_READ);
    for (const chunk of batch) {
      afterIndex = chunk.index;
      yield chunk.data;
    }
    if (batch.length < CHUNKS_PER_READ) return;
  }
}
