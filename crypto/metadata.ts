import { openEnvelope, sealEnvelope } from './aead-envelope.js';
import { metadataContext, type MetadataField } from './associated-data.js';
import { DecryptionFailed } from './errors.js';

export type { MetadataField } from './associated-data.js';

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Encrypts one metadata value (UTF-8) under the document key, bound to its field and
 * document, so that a title copied into the file name column or to another document fails.
 */
// NOTE: the sealed value's length is the text's UTF-8 length plus 41 bytes, so a reader of
// the database learns how long each title or file name is.
export async function sealMetadata(
  documentKey: Uint8Array,
  documentId: string,
  field: MetadataField,
  plaintext: string,
): Promise<Uint8Array> {
  return sealEnvelope(documentKey, utf8Encoder.encode(plaintext), metadataContext(field, documentId));
}

/** Decrypts a metadata value. Throws DecryptionFailed on any mismatch of key, field, document or bytes. */
export async function openMetadata(
  documentKey: Uint8Array,
  documentId: string,
  field: MetadataField,
  sealed: Uint8Array,
): Promise<string> {
  const plaintext = await openEnvelope(documentKey, sealed, metadataContext(field, documentId));
  try {
    return utf8Decoder.decode(plaintext);
  } catch (error) {
    throw new DecryptionFailed({ cause: error });
  }
}
