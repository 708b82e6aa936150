import { openMetadata, unwrapDocumentKey } from '../../crypto/index.js';
import type { DocumentView, StoredDocument } from './document.types.js';

/**
 * Decrypts a document's title and file name for its owner and shapes the
 * API view. Throws DecryptionFailed when a key or sealed value does not open.
 */
export async function openDocumentView(userKey: Uint8Array, document: StoredDocument): Promise<DocumentView> {
  const documentKey = await unwrapDocumentKey(userKey, document.wrappedKey, document.id);
  try {
    return {
      id: document.id,
      category: document.category,
      title: await openMetadata(documentKey, document.id, 'title', document.titleSealed),
      fileName: await openMetadata(documentKey, document.id, 'fileName', document.fileNameSealed),
      mediaType: document.mediaType,
      sizeBytes: document.sizeBytes,
      createdAt: document.createdAt.toISOString(),
    };
  } finally {
    documentKey.fill(0);
  }
}
