import { openEnvelope, sealEnvelope } from './aead-envelope.js';
import type { KeyProvider } from './key-provider.js';

/**
 * A secret encrypted under a KEK, as stored in the database beside its owner's row.
 * `wrapped` is version byte || 24-byte nonce || XChaCha20-Poly1305 ciphertext and tag.
 */
export interface WrappedKey {
  kekId: string;
  wrapped: Uint8Array;
}

/** Encrypts `secret` under the provider's current KEK, binding the context built for that KEK's id. */
export async function wrapWithCurrentKek(
  provider: KeyProvider,
  secret: Uint8Array,
  contextFor: (kekId: string) => string,
): Promise<WrappedKey> {
  const kekId = provider.currentKekId();
  const kek = provider.getKek(kekId);
  return { kekId, wrapped: await sealEnvelope(kek, secret, contextFor(kekId)) };
}

/**
 * Decrypts a wrapped secret with the KEK it names. Throws KeyProviderError when the provider
 * lacks that KEK, and DecryptionFailed when the bytes or the context do not match.
 */
export async function unwrapWithKek(
  provider: KeyProvider,
  wrapped: WrappedKey,
  contextFor: (kekId: string) => string,
): Promise<Uint8Array> {
  const kek = provider.getKek(wrapped.kekId);
  return openEnvelope(kek, wrapped.wrapped, contextFor(wrapped.kekId));
}

/**
 * Re-wraps a secret under the provider's current KEK, for a KEK rotation, and returns the
 * new wrap. It opens the secret with the KEK that `wrapped` names, so it throws as
 * unwrapWithKek does, and it always produces a new wrap, even under the same KEK.
 */
export async function rewrapWithCurrentKek(
  provider: KeyProvider,
  wrapped: WrappedKey,
  contextFor: (kekId: string) => string,
): Promise<WrappedKey> {
  const secret = await unwrapWithKek(provider, wrapped, contextFor);
  try {
    return await wrapWithCurrentKek(provider, secret, contextFor);
  } finally {
    secret.fill(0);
  }
}
