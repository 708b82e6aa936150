/**
 * Associated data for every wrap, sealed value and content chunk. Each string names the
 * purpose, the format version and the owning ids, so a value copied to another row, column
 * or purpose fails to open. Keep every purpose distinct, and give a changed layout a new
 * version instead of reusing one.
 */

/** Metadata fields that are sealed, each bound to its own column. */
export type MetadataField = 'title' | 'fileName' | 'notes';

const METADATA_FIELDS: readonly string[] = ['title', 'fileName', 'notes'] satisfies MetadataField[];

/** Builds the associated data that binds a user key to its KEK and its person. */
export function userKeyContext(kekId: string, personId: string): string {
  return `coffre:user-key:v1:${requireId('kekId', kekId)}:${requireOwnerId('personId', personId)}`;
}

/** Builds the associated data that binds a document key to its document. */
export function documentKeyContext(documentId: string): string {
  return `coffre:document-key:v1:${requireOwnerId('documentId', documentId)}`;
}

/** Builds the associated data that binds a sealed metadata value to its field and document. */
export function metadataContext(field: MetadataField, documentId: string): string {
  if (!METADATA_FIELDS.includes(field)) {
    throw new RangeError(`field must be one of ${METADATA_FIELDS.join(', ')}`);
  }
  return `coffre:metadata:v1:${field}:${requireOwnerId('documentId', documentId)}`;
}

/** Builds the associated data of every content chunk of a document. */
export function contentContext(documentId: string): string {
  return `coffre:content:v1:${requireOwnerId('documentId', documentId)}`;
}

/** Builds the associated data that binds an audit signing secret key to its KEK and key id. */
export function auditSigningKeyContext(kekId: string, keyId: string): string {
  return `coffre:audit-signing-key:v1:${requireId('kekId', kekId)}:${requireOwnerId('keyId', keyId)}`;
}

/** Builds the associated data that binds a sealed ID token to its KEK and session. */
export function sessionIdTokenContext(kekId: string, sessionIdHash: Uint8Array): string {
  if (!(sessionIdHash instanceof Uint8Array) || sessionIdHash.length !== 32) {
    throw new RangeError('sessionIdHash must be the 32-byte SHA-256 of the session id');
  }
  return `coffre:session-id-token:v1:${requireId('kekId', kekId)}:${Buffer.from(sessionIdHash).toString('hex')}`;
}

/** Builds the associated data of a sealed sign-in transaction cookie. */
export function signInTransactionContext(kekId: string): string {
  return `coffre:sign-in-transaction:v1:${requireId('kekId', kekId)}`;
}

/** Builds the associated data that binds a partner's message to its access request. */
export function accessRequestMessageContext(requestId: string): string {
  return `coffre:access-request-message:v1:${requireOwnerId('requestId', requestId)}`;
}

/** Builds the associated data that binds the vault's token signing key to its KEK and kid. */
export function tokenSigningKeyContext(kekId: string, kid: string): string {
  return `coffre:token-signing-key:v1:${requireId('kekId', kekId)}:${requireOwnerId('kid', kid)}`;
}

function requireId(name: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new RangeError(`${name} must be a non-empty string`);
  }
  return value;
}

/**
 * Rejects an owning id that contains ':'. The owning id is the last part of the string,
 * so without a ':' it cannot be split another way: KEK id "a:b" with person "c" cannot
 * produce the same string as KEK id "a" with person "b:c".
 */
function requireOwnerId(name: string, value: string): string {
  requireId(name, value);
  if (value.includes(':')) {
    throw new RangeError(`${name} must not contain ':'`);
  }
  return value;
}
