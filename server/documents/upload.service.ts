import { randomUUID } from 'node:crypto';

import type { Request } from 'express';
import type { Transaction } from 'kysely';

import { createContentEncryptor, createDocumentKey, sealMetadata, wrapDocumentKey } from '../../crypto/index.js';
import { decideOwnerDocumentCollectionAccess } from '../../policies/index.js';
import type { AppContext } from '../context.js';
import type { Database } from '../db/schema.js';
import { AppError } from '../errors/app-error.js';
import { loadUserKey } from '../identity/account.repository.js';
import { logger } from '../logging/logger.js';
import type { RequestActor } from './document-actor.js';
import { appendDocumentAudit, recordDocumentDenial } from './document-audit.js';
import type { DocumentCategory } from './document-category.js';
import { denialError } from './document-denial.js';
import { noteStreamedBytes } from '../http/memory-pressure.js';
import { completeDocument, insertChunks, insertDocument } from './document.repository.js';
import type { DocumentView } from './document.types.js';
import { DEFAULT_EXTENSION, SIGNATURE_BYTES, detectMediaType, type MediaType } from './media-type.js';
import { UploadAbortedError } from './upload-aborted-error.js';
import { defaultTitle, fileTooLarge, type UploadFields } from './upload-fields.js';
import { readUploadForm, type UploadForm } from './upload-form.js';

// Chunks per INSERT: 16 chunks of 64 KiB keep about 1 MiB in memory and
// spread the cost of a statement over many chunks.
const CHUNKS_PER_INSERT = 16;

/** The state of an upload once the file's first bytes have arrived. */
interface AcceptedFile {
  category: DocumentCategory;
  mediaType: MediaType;
  fileName: string;
  head: Buffer;
  /** The rest of the file, after `head`. */
  rest: AsyncIterator<Buffer>;
  /** True when `head` is the whole file. */
  ended: boolean;
}

/**
 * Stores the file of a multipart upload as a new document of the person,
 * encrypting it as it streams in. Everything happens in one transaction that
 * ends with the audit entry: a refused, failed or aborted upload leaves no
 * row, chunk or key, and its denial is recorded in a transaction of its own.
 * Throws AppError for a refusal and UploadAbortedError when the client left.
 * `received.fields`, when given, is set to the form's text fields as they
 * arrive, so a page can show the person's values again after a refusal.
 */
export async function uploadDocument(ctx: AppContext, actor: RequestActor, req: Request, received?: { fields?: UploadFields }): Promise<DocumentView> {
  const decision = decideOwnerDocumentCollectionAccess({ actor });
  if (decision.effect === 'deny') {
    req.resume();
    await recordDocumentDenial(ctx.db, actor, { action: 'document.upload', documentId: null, reason: decision.reason });
    throw denialError(decision);
  }

  const form = readUploadForm(req, { maxFileBytes: ctx.config.maxUploadBytes });
  if (received) received.fields = form.fields;
  try {
    const file = await acceptFile(form);
    const userKey = await loadUserKey(ctx.db, ctx.keys, actor.accountId);
    try {
      return await ctx.db.transaction().execute((trx) => storeDocument(trx, ctx, actor, form, file, userKey));
    } finally {
      userKey.fill(0);
    }
  } catch (error) {
    // The form's own failure explains best what went wrong: the raw error of
    // a cut file stream, for one, is only its consequence.
    const failure = form.failure ?? (error instanceof Error ? error : new Error(String(error)));
    form.abandon(failure);
    await recordUploadFailure(ctx, actor, failure);
    throw failure;
  }
}

/** Waits for the file part and decides its media type from its first bytes. */
async function acceptFile(form: UploadForm): Promise<AcceptedFile> {
  const file = await form.file;
  const rest = file.stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;

  const pieces: Buffer[] = [];
  let length = 0;
  let ended = false;
  while (length < SIGNATURE_BYTES) {
    const next = await rest.next();
    if (next.done) {
      ended = true;
      break;
    }
    pieces.push(next.value);
    length += next.value.length;
  }
  const head = Buffer.concat(pieces, length);

  // A browser sends an empty file input as a part with an empty file name and no bytes.
  if (head.length === 0) throw new AppError(file.fileName === '' ? 'file_missing' : 'file_empty');
  const mediaType = detectMediaType(head);
  if (!mediaType) throw new AppError('file_type_not_accepted');

  const category = form.fields.category;
  if (!category) throw new AppError('category_missing');
  const fileName = file.fileName === '' ? `document.${DEFAULT_EXTENSION[mediaType]}` : file.fileName;
  return { category, mediaType, fileName, head, rest, ended };
}

/**
 * Writes the document row, then the content chunks as they are encrypted,
 * then what only the end of the form provides (size, late title), and the
 * audit entry last, so the chain lock is held as briefly as possible.
 */
async function storeDocument(
  trx: Transaction<Database>,
  ctx: AppContext,
  actor: RequestActor,
  form: UploadForm,
  file: AcceptedFile,
  userKey: Uint8Array,
): Promise<DocumentView> {
  const id = randomUUID();
  const createdAt = new Date();
  const documentKey = createDocumentKey();
  try {
    const encryptor = await createContentEncryptor(documentKey, id);
    const firstTitle = form.fields.title ?? defaultTitle(file.fileName);
    await insertDocument(trx, {
      id,
      ownerId: actor.accountId,
      category: file.category,
      mediaType: file.mediaType,
      // Corrected by completeDocument once the whole file has arrived.
      sizeBytes: file.head.length,
      chunkCount: 0,
      wrappedKey: await wrapDocumentKey(userKey, documentKey, id),
      streamHeader: encryptor.header,
      titleSealed: await sealMetadata(documentKey, id, 'title', firstTitle),
      fileNameSealed: await sealMetadata(documentKey, id, 'fileName', file.fileName),
      createdAt,
    });

    const received = { bytes: 0 };
    let chunkCount = 0;
    let batch: Array<{ index: number; data: Uint8Array }> = [];
    // Each await on an INSERT stops pulling from the file stream, and busboy
    // in turn stops reading the request: memory stays flat whatever the size.
    for await (const chunk of encryptor.encrypt(fileBytes(file, received, ctx.config.maxUploadBytes))) {
      batch.push(chunk);
      noteStreamedBytes(chunk.data.byteLength);
      chunkCount += 1;
      if (batch.length === CHUNKS_PER_INSERT) {
        await insertChunks(trx, id, batch);
        batch = [];
      }
    }
    await insertChunks(trx, id, batch);

    await form.done;
    const title = form.fields.title ?? defaultTitle(file.fileName);
    await completeDocument(trx, id, {
      sizeBytes: received.bytes,
      chunkCount,
      ...(title !== firstTitle ? { titleSealed: await sealMetadata(documentKey, id, 'title', title) } : {}),
    });

    await appendDocumentAudit(trx, actor, { action: 'document.upload', documentId: id, outcome: 'allow', reason: null });
    return {
      id,
      category: file.category,
      title,
      fileName: file.fileName,
      mediaType: file.mediaType,
      sizeBytes: received.bytes,
      createdAt: createdAt.toISOString(),
    };
  } finally {
    documentKey.fill(0);
  }
}

/** Yields the file's bytes, head first, and counts them into `received`. More than `maxBytes` throws `file_too_large`. */
async function* fileBytes(file: AcceptedFile, received: { bytes: number }, maxBytes: number): AsyncGenerator<Buffer> {
  received.bytes = file.head.length;
  yield file.head;
  if (file.ended) return;
  try {
    for (;;) {
      const next = await file.rest.next();
      if (next.done) return;
      received.bytes += next.value.length;
      // Busboy's own limit stops the stream first; this check does not depend on it.
      if (received.bytes > maxBytes) throw fileTooLarge(maxBytes);
      yield next.value;
    }
  } finally {
    await file.rest.return?.();
  }
}

/**
 * Records why an upload did not happen, in its own transaction. A refusal
 * whose record cannot be written becomes `audit_unavailable`. For an aborted
 * or internally failed upload there is no better response, so a failed
 * record is only logged.
 */
async function recordUploadFailure(ctx: AppContext, actor: RequestActor, error: unknown): Promise<void> {
  if (error instanceof AppError && error.code === 'audit_unavailable') return;

  const reason = error instanceof UploadAbortedError ? 'upload_aborted' : error instanceof AppError ? error.code : 'internal_error';
  if (error instanceof UploadAbortedError) logger.info('upload aborted by the client', { requestId: actor.requestId, actorId: actor.accountId });
  try {
    await recordDocumentDenial(ctx.db, actor, { action: 'document.upload', documentId: null, reason });
  } catch (recordError) {
    if (error instanceof AppError) throw recordError;
    logger.error('upload failure not recorded in the audit log', { requestId: actor.requestId, reason, error: recordError });
  }
}
