import { userKeyContext } from './associated-data.js';
import { DecryptionFailed } from './errors.js';
import type { KeyProvider } from './key-provider.js';
import { KEY_BYTES, randomUint8Array } from './random.js';
import { unwrapWithKek, wrapWithCurrentKek, type WrappedKey } from './wrapped-key.js';

export type { WrappedKey } from './wrapped-key.js';

/**
 * Creates a person's 32-byte user key and wraps it under the current KEK, bound to
 * `personId`. Store only `wrapped`, because deleting it then makes every document of the
 * person unreadable (crypto-shredding).
 */
export async function createUserKey(
  provider: KeyProvider,
  personId: string,
): Promise<{ userKey: Uint8Array; wrapped: WrappedKey }> {
  const userKey = randomUint8Array(KEY_BYTES);
  const wrapped = await wrapWithCurrentKek(provider, userKey, (kekId) => userKeyContext(kekId, personId));
  return { userKey, wrapped };
}

/**
 * Decrypts a person's user key. Throws DecryptionFailed when the wrap belongs to another
 * person, was changed, or does not match its KEK, and KeyProviderError when the provider
 * lacks the KEK it names.
 */
export async function unwrapUserKey(provider: KeyProvider, wrapped: WrappedKey, personId: string): Promise<Uint8Array> {
  const userKey = await unwrapWithKek(provider, wrapped, (kekId) => userKeyContext(kekId, personId));
  if (userKey.length !== KEY_BYTES) {
    throw new DecryptionFailed();
  }
  return userKey;
}

/**
 * Re-wraps a user key under the provider's current KEK, for a KEK rotation. Content and
 * document keys stay as they are. It always produces a new wrap, even when the key is
 * already under the current KEK.
 */
export async function rewrapUserKey(provider: KeyProvider, wrapped: WrappedKey, personId: string): Promise<WrappedKey> {
  const userKey = await unwrapUserKey(provider, wrapped, personId);
  try {
    return await wrapWithCurrentKek(provider, userKey, (kekId) => userKeyContext(kekId, personId));
  } finally {
    userKey.fill(0);
  }
}
