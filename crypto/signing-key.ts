import { createHash } from 'node:crypto';

import { auditSigningKeyContext } from './associated-data.js';
import { DecryptionFailed } from './errors.js';
import type { KeyProvider } from './key-provider.js';
import { randomUint8Array } from './random.js';
import { loadSodium } from './sodium.js';
import { unwrapWithKek, wrapWithCurrentKek, type WrappedKey } from './wrapped-key.js';

/** Ed25519 public key size. */
const PUBLIC_KEY_BYTES = 32;
/** libsodium Ed25519 secret key size: the 32-byte seed followed by the public key. */
const SECRET_KEY_BYTES = 64;
const SEED_BYTES = 32;
const SIGNATURE_BYTES = 64;

/** The Ed25519 key that signs audit log checkpoints, with its public key's id. */
export interface AuditSigningKey {
  keyId: string;
  publicKey: Uint8Array;
  /** libsodium's 64-byte form: seed || public key. */
  secretKey: Uint8Array;
}

/**
 * Derives an audit key's id: 'audit-' and the first 16 hex digits of SHA-256(publicKey),
 * so that anyone holding the published public key can recompute it.
 */
export function auditKeyIdOf(publicKey: Uint8Array): string {
  return `audit-${createHash('sha256').update(publicKey).digest('hex').slice(0, 16)}`;
}

/**
 * Creates an Ed25519 audit signing key from a node:crypto seed and wraps its secret key
 * under the current KEK, bound to its key id. Store the key id, the public key and
 * `wrappedSecret`, and publish the public key.
 */
export async function createAuditSigningKey(
  provider: KeyProvider,
): Promise<{ key: AuditSigningKey; wrappedSecret: WrappedKey }> {
  const sodium = await loadSodium();
  const seed = randomUint8Array(SEED_BYTES);
  const keyPair = sodium.crypto_sign_seed_keypair(seed);
  seed.fill(0);

  const keyId = auditKeyIdOf(keyPair.publicKey);
  const wrappedSecret = await wrapWithCurrentKek(provider, keyPair.privateKey, (kekId) =>
    auditSigningKeyContext(kekId, keyId),
  );
  return { key: { keyId, publicKey: keyPair.publicKey, secretKey: keyPair.privateKey }, wrappedSecret };
}

/**
 * Decrypts an audit signing key. Throws DecryptionFailed when `keyId` is not the id of
 * `publicKey`, when the wrap belongs to another key or was changed, or when the secret
 * key does not belong to `publicKey`. Throws KeyProviderError when the KEK is missing.
 */
export async function unwrapAuditSigningKey(
  provider: KeyProvider,
  keyId: string,
  publicKey: Uint8Array,
  wrappedSecret: WrappedKey,
): Promise<AuditSigningKey> {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== PUBLIC_KEY_BYTES || auditKeyIdOf(publicKey) !== keyId) {
    throw new DecryptionFailed();
  }
  const secretKey = await unwrapWithKek(provider, wrappedSecret, (kekId) => auditSigningKeyContext(kekId, keyId));
  if (secretKey.length !== SECRET_KEY_BYTES || !bytesEqual(secretKey.subarray(SEED_BYTES), publicKey)) {
    secretKey.fill(0);
    throw new DecryptionFailed();
  }
  return { keyId, publicKey: publicKey.slice(), secretKey };
}

/**
 * Re-wraps an audit signing key's secret under the provider's current KEK, for a KEK
 * rotation. The key pair, and so every signature made with it, stays valid.
 */
export async function rewrapAuditSigningKey(
  provider: KeyProvider,
  keyId: string,
  publicKey: Uint8Array,
  wrappedSecret: WrappedKey,
): Promise<WrappedKey> {
  const key = await unwrapAuditSigningKey(provider, keyId, publicKey, wrappedSecret);
  try {
    return await wrapWithCurrentKek(provider, key.secretKey, (kekId) => auditSigningKeyContext(kekId, keyId));
  } finally {
    key.secretKey.fill(0);
  }
}

/** Signs `message` with an Ed25519 secret key and returns the 64-byte detached signature. */
export async function signDetached(secretKey: Uint8Array, message: Uint8Array): Promise<Uint8Array> {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== SECRET_KEY_BYTES) {
    throw new RangeError(`secretKey must be a Uint8Array of ${SECRET_KEY_BYTES} bytes`);
  }
  const sodium = await loadSodium();
  return sodium.crypto_sign_detached(message, secretKey);
}

/**
 * Checks an Ed25519 detached signature. Returns false, without throwing, for a wrong
 * signature and for a key or signature of the wrong length.
 */
export async function verifyDetached(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  if (publicKey?.length !== PUBLIC_KEY_BYTES || signature?.length !== SIGNATURE_BYTES) {
    return false;
  }
  const sodium = await loadSodium();
  try {
    return sodium.crypto_sign_verify_detached(signature, message, publicKey);
  } catch {
    return false;
  }
}

/** Compares public bytes in time that depends on the data, so never use it on secrets. */
function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}
