import { DecryptionFailed } from './errors.js';
import type { KeyProvider } from './key-provider.js';
import { sessionIdTokenContext, signInTransactionContext } from './associated-data.js';
import { rewrapWithCurrentKek, unwrapWithKek, wrapWithCurrentKek, type WrappedKey } from './wrapped-key.js';

/**
 * Values that the sign-in layer keeps sealed under the current KEK: the provider's ID token
 * of a session (needed again at logout as `id_token_hint`) and the sign-in transaction that
 * rides in a cookie between the authorization request and the callback. Each purpose has
 * its own associated data, so neither can be opened as the other.
 *
 * Sealed layout: 1 byte with the KEK id's length || KEK id (ASCII) || envelope (version
 * byte || 24-byte nonce || XChaCha20-Poly1305 ciphertext and tag).
 */

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const MAX_KEK_ID_BYTES = 255;

/** Seals a session's ID token, bound to the SHA-256 of the session id that owns it. */
export async function sealSessionIdToken(provider: KeyProvider, idToken: string, sessionIdHash: Uint8Array): Promise<Uint8Array> {
  const wrapped = await wrapWithCurrentKek(provider, utf8Encoder.encode(idToken), (kekId) => sessionIdTokenContext(kekId, sessionIdHash));
  return serialize(wrapped);
}

/**
 * Opens a sealed ID token. Throws DecryptionFailed when it belongs to another session or
 * was changed, and KeyProviderError when the provider no longer has its KEK.
 */
export async function openSessionIdToken(provider: KeyProvider, sealed: Uint8Array, sessionIdHash: Uint8Array): Promise<string> {
  const plaintext = await unwrapWithKek(provider, parse(sealed), (kekId) => sessionIdTokenContext(kekId, sessionIdHash));
  return decodeUtf8(plaintext);
}

/**
 * Re-seals a session's ID token under the provider's current KEK, for a KEK rotation.
 * Throws as openSessionIdToken does.
 */
export async function rewrapSessionIdToken(provider: KeyProvider, sealed: Uint8Array, sessionIdHash: Uint8Array): Promise<Uint8Array> {
  const rewrapped = await rewrapWithCurrentKek(provider, parse(sealed), (kekId) => sessionIdTokenContext(kekId, sessionIdHash));
  return serialize(rewrapped);
}

/** Returns the id of the KEK that a sealed value names, or throws DecryptionFailed when it is malformed. */
export function sealedKekId(sealed: Uint8Array): string {
  return parse(sealed).kekId;
}

/** Seals a serialized sign-in transaction (state, nonce, PKCE verifier, return path). */
export async function sealSignInTransaction(provider: KeyProvider, transaction: string): Promise<Uint8Array> {
  const wrapped = await wrapWithCurrentKek(provider, utf8Encoder.encode(transaction), signInTransactionContext);
  return serialize(wrapped);
}

/**
 * Opens a sealed sign-in transaction. Throws DecryptionFailed when it was changed or made
 * for another purpose, and KeyProviderError when the provider no longer has its KEK.
 */
export async function openSignInTransaction(provider: KeyProvider, sealed: Uint8Array): Promise<string> {
  const plaintext = await unwrapWithKek(provider, parse(sealed), signInTransactionContext);
  return decodeUtf8(plaintext);
}

function serialize(wrapped: WrappedKey): Uint8Array {
  const kekId = utf8Encoder.encode(wrapped.kekId);
  if (kekId.length === 0 || kekId.length > MAX_KEK_ID_BYTES) {
    throw new RangeError(`KEK id must be 1 to ${MAX_KEK_ID_BYTES} bytes long`);
  }
  const sealed = new Uint8Array(1 + kekId.length + wrapped.wrapped.length);
  sealed[0] = kekId.length;
  sealed.set(kekId, 1);
  sealed.set(wrapped.wrapped, 1 + kekId.length);
  return sealed;
}

function parse(sealed: Uint8Array): WrappedKey {
  if (!(sealed instanceof Uint8Array) || sealed.length < 2) {
    throw new DecryptionFailed();
  }
  const kekIdLength = sealed[0]!;
  if (kekIdLength === 0 || sealed.length <= 1 + kekIdLength) {
    throw new DecryptionFailed();
  }
  return {
    kekId: decodeUtf8(sealed.subarray(1, 1 + kekIdLength)),
    wrapped: sealed.subarray(1 + kekIdLength),
  };
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8Decoder.decode(bytes);
  } catch (error) {
    throw new DecryptionFailed({ cause: error });
  }
}
