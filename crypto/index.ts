// Public API of the crypto layer. Other folders import from here, never from libsodium.
export { constantTimeEqual } from './constant-time.js';
export { CHUNK_SIZE, createContentEncryptor, decryptContent, type EncryptedChunk } from './content-stream.js';
export { createDocumentKey, unwrapDocumentKey, wrapDocumentKey } from './document-key.js';
export { envKeyProvider } from './env-key-provider.js';
export { DecryptionFailed, KeyProviderError } from './errors.js';
export { addKekToFile, openFileKeyProvider, removeKekFromFile } from './file-key-provider.js';
export { kekIdOf, type KeyProvider } from './key-provider.js';
export { openMetadata, sealMetadata, type MetadataField } from './metadata.js';
export {
  auditKeyIdOf,
  createAuditSigningKey,
  rewrapAuditSigningKey,
  signDetached,
  unwrapAuditSigningKey,
  verifyDetached,
  type AuditSigningKey,
} from './signing-key.js';
export { loadSodium } from './sodium.js';
export { createUserKey, rewrapUserKey, unwrapUserKey, type WrappedKey } from './user-key.js';
