import { createHash } from 'node:crypto';

/**
 * Source of the key-encryption keys (KEKs) that wrap user keys and the audit signing key.
 * It hides where the KEKs live (a local file, an environment value, later a KMS or HSM).
 * Each KEK has an id so that a rotation can re-wrap user keys without touching content.
 */
export interface KeyProvider {
  /** Id of the KEK used for new wraps. */
  currentKekId(): string;
  /** The 32-byte KEK with this id; throws KeyProviderError when unknown. */
  getKek(kekId: string): Uint8Array;
  /** Ids of every KEK it holds. */
  kekIds(): string[];
}

/**
 * Derives a KEK's id: 'kek-' and the first 16 hex digits of SHA-256("coffre-kek-id:" || kek).
 * The id is stable for a given key, so any provider holding the same key computes the same id.
 */
export function kekIdOf(kek: Uint8Array): string {
  const digest = createHash('sha256').update('coffre-kek-id:').update(kek).digest('hex');
  return `kek-${digest.slice(0, 16)}`;
}
