import { openEnvelope, sealEnvelope } from './aead-envelope.js';
import { documentKeyContext } from './associated-data.js';
import { DecryptionFailed } from './errors.js';
import { KEY_BYTES, assertKeyLength, randomUint8Array } from './random.js';

/** Creates a random 32-byte key for one document's content and metadata. */
export function createDocumentKey(): Uint8Array {
  return randomUint8Array(KEY_BYTES);
}

/** Encrypts a document key under its owner's user key, bound to `documentId`. */
export async function wrapDocumentKey(userKey: Uint8Array, documentKey: Uint8Array, documentId: string): Promise<Uint8Array> {
  assertKeyLength(documentKey, 'documentKey');
  return sealEnvelope(userKey, documentKey, documentKeyContext(documentId));
}

/**
 * Decrypts a document key. Throws DecryptionFailed for another user's key, a wrap moved
 * from another document, or changed bytes.
 */
export async function unwrapDocumentKey(userKey: Uint8Array, wrapped: Uint8Array, documentId: string): Promise<Uint8Array> {
  const documentKey = await openEnvelope(userKey, wrapped, documentKeyContext(documentId));
  if (documentKey.length !== KEY_BYTES) {
    throw new DecryptionFailed();
  }
  return documentKey;
}
