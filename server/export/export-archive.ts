import { createHash } from 'node:crypto';

import { openMetadata, unwrapDocumentKey } from '../../crypto/index.js';
import { buildHistoryItems, type HistoryItem } from '../access-history/access-history-view.js';
import { listHistoryRecords } from '../access-history/access-history.repository.js';
import { buildAccessRequestViews } from '../access-requests/access-request-view.js';
import type { AppContext } from '../context.js';
import type { LogPosition } from '../dpo/audit-query.js';
import { readDocumentContent } from '../documents/download.service.js';
import type { StoredDocument } from '../documents/document.types.js';
import { buildGrantViews } from '../grants/grant-view.js';
import { CATEGORY_LABELS } from '../grants/purpose-labels.js';
import { noteStreamedBytes } from '../http/memory-pressure.js';
import type { Locale } from '../i18n/locale.js';
import { loadUserKey } from '../identity/account.repository.js';
import { assignUniqueNames, DOCUMENTS_FOLDER, safeFileName } from './archive-names.js';
import type { ExportSnapshot } from './export-snapshot.js';
import { README_NAMES, readmeText } from './export-readme.js';
import { accessRequestsCsv, documentsCsv, grantsCsv, historyCsv, manifestJson, MANIFEST_FORMAT, type ExportedDocument } from './export-manifest.js';
import type { ZipWriter } from './zip-writer.js';

// History entries read per query, as the history CSV route reads them.
const HISTORY_BATCH_SIZE = 200;

/** Owner, language and cancellation of one archive. */
export interface ArchiveRequest {
  accountId: string;
  locale: Locale;
  /** Aborted when the client goes away; writing stops at the next chunk. */
  signal: AbortSignal;
}

/**
 * Writes a person's whole vault into `zip`, in this order: LISEZ-MOI.txt
 * (and README.txt in English when the request prefers English), every
 * document under `documents/`, manifest.json, documents.csv, partages.csv,
 * demandes.csv and historique.csv. Documents are decrypted chunk by chunk
 * as they are written, and the history is read in batches, so memory does
 * not grow with the vault's size. The metadata files come last because they
 * carry each document's SHA-256, computed while it streams.
 *
 * Throws DecryptionFailed when a document does not open, possibly after
 * earlier entries were written.
 */
export async function writeExportArchive(ctx: AppContext, snapshot: ExportSnapshot, request: ArchiveRequest, zip: ZipWriter): Promise<void> {
  const { accountId, locale } = request;
  const modifiedAt = snapshot.exportedAt;
  const userKey = await loadUserKey(ctx.db, ctx.keys, accountId);
  try {
    const names = await openFileNames(userKey, snapshot.documents);
    const archivePaths = assignUniqueNames(names.map((name) => `${DOCUMENTS_FOLDER}${name.safeName}`));

    await zip.addEntry(README_NAMES.fr, once(readmeText('fr', modifiedAt, accountId, snapshot.documents.length)), { method: 'deflate', modifiedAt });
    if (locale === 'en') {
      await zip.addEntry(README_NAMES.en, once(readmeText('en', modifiedAt, accountId, snapshot.documents.length)), { method: 'deflate', modifiedAt });
    }

    const exported: ExportedDocument[] = [];
    for (const [index, document] of snapshot.documents.entries()) {
      if (request.signal.aborted) return;
      const archivePath = archivePaths[index]!;
      const sha256 = await writeDocument(ctx, zip, userKey, document, archivePath, request.signal);
      exported.push({
        id: document.id,
        title: names[index]!.title,
        fileName: names[index]!.fileName,
        archivePath,
        category: document.category,
        categoryLabel: CATEGORY_LABELS[document.category][locale],
        mediaType: document.mediaType,
        sizeBytes: document.sizeBytes,
        sha256,
        createdAt: document.createdAt.toISOString(),
      });
    }

    const now = new Date();
    const grants = await buildGrantViews(ctx, accountId, snapshot.grants, locale, now);
    const accessRequests = await buildAccessRequestViews(ctx, accountId, snapshot.accessRequests, locale, now);
    const history = () => historyItems(ctx, accountId, snapshot.historyBefore, userKey, locale);

    const head = { format: MANIFEST_FORMAT, exportedAt: snapshot.exportedAt.toISOString(), person: { id: accountId }, documents: exported, grants, accessRequests } as const;
    await zip.addEntry('manifest.json', manifestJson(head, history()), { method: 'deflate', modifiedAt });
    await zip.addEntry('documents.csv', once(documentsCsv(exported)), { method: 'deflate', modifiedAt });
    await zip.addEntry('partages.csv', once(grantsCsv(grants, locale)), { method: 'deflate', modifiedAt });
    await zip.addEntry('demandes.csv', once(accessRequestsCsv(accessRequests, locale)), { method: 'deflate', modifiedAt });
    await zip.addEntry('historique.csv', historyCsv(history(), locale), { method: 'deflate', modifiedAt });
    await zip.finish();
  } finally {
    userKey.fill(0);
  }
}

interface DocumentNames {
  title: string;
  fileName: string;
  safeName: string;
}

async function openFileNames(userKey: Uint8Array, documents: readonly StoredDocument[]): Promise<DocumentNames[]> {
  const names: DocumentNames[] = [];
  for (const document of documents) {
    const documentKey = await unwrapDocumentKey(userKey, document.wrappedKey, document.id);
    try {
      const fileName = await openMetadata(documentKey, document.id, 'fileName', document.fileNameSealed);
      const title = await openMetadata(documentKey, document.id, 'title', document.titleSealed);
      names.push({ title, fileName, safeName: safeFileName(fileName, document.mediaType) });
    } finally {
      documentKey.fill(0);
    }
  }
  return names;
}

// Stored, not deflated: PDF, JPEG and PNG are compressed already.
// NOTE: the snapshot is not held while the archive streams, so a document
// that the person deletes meanwhile fails its entry and cuts the archive.
async function writeDocument(ctx: AppContext, zip: ZipWriter, userKey: Uint8Array, document: StoredDocument, archivePath: string, signal: AbortSignal): Promise<string> {
  const documentKey = await unwrapDocumentKey(userKey, document.wrappedKey, document.id);
  const hash = createHash('sha256');
  try {
    const content = readDocumentContent(ctx.db, { document, fileName: archivePath, documentKey }, signal);
    async function* hashed(): AsyncGenerator<Uint8Array> {
      for await (const chunk of content) {
        hash.update(chunk);
        noteStreamedBytes(chunk.byteLength);
        yield chunk;
      }
    }
    await zip.addEntry(archivePath, hashed(), { method: 'store', size: document.sizeBytes, modifiedAt: document.createdAt });
  } finally {
    documentKey.fill(0);
  }
  return hash.digest('hex');
}

/** Yields the person's access history up to the snapshot, newest first, a batch per query. */
async function* historyItems(ctx: AppContext, accountId: string, before: LogPosition, userKey: Uint8Array, locale: Locale): AsyncGenerator<HistoryItem> {
  let cursor = before;
  for (;;) {
    const records = await listHistoryRecords(ctx.db, accountId, HISTORY_BATCH_SIZE, cursor);
    yield* await buildHistoryItems(records, userKey, locale);
    if (records.length < HISTORY_BATCH_SIZE) return;
    const last = records[records.length - 1]!;
    cursor = { time: last.time, chain: last.chain, seq: last.seq };
  }
}

async function* once(text: string): AsyncGenerator<string> {
  yield text;
}
