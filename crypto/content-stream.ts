import type { StateAddress } from 'libsodium-wrappers';

import { contentContext } from './associated-data.js';
import { DecryptionFailed } from './errors.js';
import { assertKeyLength } from './random.js';
import { releaseSecretstreamState } from './secretstream-state.js';
import { loadSodium } from './sodium.js';

/** Plaintext bytes in each content chunk. Only the last chunk may be shorter. */
export const CHUNK_SIZE = 65536;

/** One encrypted chunk: its position in the stream (from 0) and its secretstream ciphertext. */
export interface EncryptedChunk {
  index: number;
  data: Uint8Array;
}

type Sodium = Awaited<ReturnType<typeof loadSodium>>;

/**
 * Starts the encryption of one document's content with libsodium's
 * crypto_secretstream_xchacha20poly1305 and returns the stream header to store with the
 * document. Call `encrypt` once, and iterate it to the end or call its `return()`, so that
 * the stream state is released.
 */
export async function createContentEncryptor(
  documentKey: Uint8Array,
  documentId: string,
): Promise<{ header: Uint8Array; encrypt(source: AsyncIterable<Uint8Array>): AsyncGenerator<EncryptedChunk> }> {
  assertKeyLength(documentKey, 'documentKey');
  const associatedData = new TextEncoder().encode(contentContext(documentId));
  const sodium = await loadSodium();
  const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(documentKey);
  let started = false;

  return {
    header,
    /**
     * Encrypts a byte source of any chunking into secretstream chunks of CHUNK_SIZE
     * plaintext bytes. The last chunk carries TAG_FINAL, and an empty source yields one
     * empty final chunk. Buffers at most one chunk ahead, so memory does not grow with the
     * size. The source may reuse a piece's buffer once the next piece is requested.
     */
    encrypt(source: AsyncIterable<Uint8Array>): AsyncGenerator<EncryptedChunk> {
      if (started) {
        throw new Error('encrypt() was already called on this encryptor; create one encryptor per content');
      }
      started = true;
      return encryptChunks(sodium, state, associatedData, source);
    },
  };
}

async function* encryptChunks(
  sodium: Sodium,
  state: StateAddress,
  associatedData: Uint8Array,
  source: AsyncIterable<Uint8Array>,
): AsyncGenerator<EncryptedChunk> {
  const push = (plaintext: Uint8Array, tag: number): Uint8Array =>
    sodium.crypto_secretstream_xchacha20poly1305_push(state, plaintext, associatedData, tag);
  const messageTag = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;

  // Bytes of a chunk that is not yet known to be the last one. libsodium-wrappers copies
  // its input into the WebAssembly heap, so the buffer can be refilled right after a push.
  const pending = new Uint8Array(CHUNK_SIZE);
  let pendingLength = 0;
  let index = 0;

  try {
    for await (const piece of source) {
      let offset = 0;
      while (offset < piece.length) {
        if (pendingLength === CHUNK_SIZE) {
          // More bytes follow, so the full pending chunk is not the last one.
          yield { index: index++, data: push(pending, messageTag) };
          pendingLength = 0;
        }

        const remaining = piece.length - offset;
        if (pendingLength === 0 && remaining > CHUNK_SIZE) {
          // A whole chunk with more bytes after it in the same piece: encrypt it straight
          // from the piece, without copying it into `pending`.
          yield { index: index++, data: push(piece.subarray(offset, offset + CHUNK_SIZE), messageTag) };
          offset += CHUNK_SIZE;
          continue;
        }

        const copied = Math.min(CHUNK_SIZE - pendingLength, remaining);
        pending.set(piece.subarray(offset, offset + copied), pendingLength);
        pendingLength += copied;
        offset += copied;
      }
    }

    const finalTag = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL;
    yield { index, data: push(pending.subarray(0, pendingLength), finalTag) };
  } finally {
    pending.fill(0);
    releaseSecretstreamState(sodium, state);
  }
}

/**
 * Decrypts chunks in order. Throws DecryptionFailed on a tampered, reordered, foreign or
 * missing chunk, and when the stream ends without TAG_FINAL or has data after it.
 * Each chunk is yielded as soon as it is authenticated, so the chunks before a failure
 * have already been yielded. A consumer that forwards them (an HTTP download) must abort
 * its output on the error instead of ending it normally, so the receiver sees an
 * incomplete transfer.
 */
export async function* decryptContent(
  documentKey: Uint8Array,
  documentId: string,
  header: Uint8Array,
  chunks: AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  assertKeyLength(documentKey, 'documentKey');
  const associatedData = new TextEncoder().encode(contentContext(documentId));
  const sodium = await loadSodium();
  const overhead = sodium.crypto_secretstream_xchacha20poly1305_ABYTES;
  const messageTag = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
  const finalTag = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL;

  let state: StateAddress;
  try {
    state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(header, documentKey);
  } catch (error) {
    // Only a header of the wrong length fails here. A wrong key or a changed header
    // fails at the first pull.
    throw new DecryptionFailed({ cause: error });
  }

  let finished = false;
  try {
    for await (const chunk of chunks) {
      if (finished || chunk.length < overhead || chunk.length > CHUNK_SIZE + overhead) {
        throw new DecryptionFailed();
      }
      const result = pullChunk(sodium, state, chunk, associatedData);
      if (result.tag === finalTag) {
        finished = true;
      } else if (result.tag !== messageTag) {
        // The encryptor only writes MESSAGE and FINAL tags.
        throw new DecryptionFailed();
      }
      yield result.message;
    }
    if (!finished) {
      throw new DecryptionFailed();
    }
  } finally {
    releaseSecretstreamState(sodium, state);
  }
}

function pullChunk(
  sodium: Sodium,
  state: StateAddress,
  chunk: Uint8Array,
  associatedData: Uint8Array,
): { message: Uint8Array; tag: number } {
  // libsodium-wrappers 0.7.16 returns false when authentication fails, which its types omit.
  let result: { message: Uint8Array; tag: number } | false;
  try {
    result = sodium.crypto_secretstream_xchacha20poly1305_pull(state, chunk, associatedData) as
      | { message: Uint8Array; tag: number }
      | false;
  } catch (error) {
    throw new DecryptionFailed({ cause: error });
  }
  if (result === false) {
    throw new DecryptionFailed();
  }
  return result;
}
