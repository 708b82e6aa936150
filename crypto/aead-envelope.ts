import { DecryptionFailed } from './errors.js';
import { assertKeyLength, randomUint8Array } from './random.js';
import { loadSodium } from './sodium.js';

/** First byte of every envelope. A new layout gets a new value. */
const ENVELOPE_VERSION = 1;
/** XChaCha20-Poly1305 nonce size, large enough that random nonces never need a counter. */
const NONCE_BYTES = 24;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + NONCE_BYTES;

/**
 * Encrypts `plaintext` with XChaCha20-Poly1305 (IETF) under `key`, binding `context` as
 * associated data. Returns version byte || 24-byte random nonce || ciphertext and tag.
 */
export async function sealEnvelope(key: Uint8Array, plaintext: Uint8Array, context: string): Promise<Uint8Array> {
  assertKeyLength(key, 'key');
  const sodium = await loadSodium();
  const nonce = randomUint8Array(NONCE_BYTES);
  const ciphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, context, null, nonce, key);

  const envelope = new Uint8Array(HEADER_BYTES + ciphertext.length);
  envelope[0] = ENVELOPE_VERSION;
  envelope.set(nonce, 1);
  envelope.set(ciphertext, HEADER_BYTES);
  return envelope;
}

/**
 * Decrypts an envelope made by sealEnvelope. Throws DecryptionFailed for an unknown version,
 * a short envelope, a wrong key, changed bytes or a different `context`.
 */
export async function openEnvelope(key: Uint8Array, envelope: Uint8Array, context: string): Promise<Uint8Array> {
  assertKeyLength(key, 'key');
  if (!(envelope instanceof Uint8Array) || envelope.length < HEADER_BYTES + TAG_BYTES || envelope[0] !== ENVELOPE_VERSION) {
    throw new DecryptionFailed();
  }
  const sodium = await loadSodium();
  const nonce = envelope.subarray(1, HEADER_BYTES);
  const ciphertext = envelope.subarray(HEADER_BYTES);
  try {
    return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, ciphertext, context, nonce, key);
  } catch (error) {
    throw new DecryptionFailed({ cause: error });
  }
}
