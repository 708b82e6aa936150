import { randomBytes } from 'node:crypto';

import { createContentEncryptor, decryptContent } from '../../crypto/index.js';

/** Random content as a plain Uint8Array. */
export function randomContent(length: number): Uint8Array {
  return new Uint8Array(randomBytes(length));
}

/** Yields `bytes` in pieces of `pieceSize` bytes (the last one shorter). */
export async function* inPieces(bytes: Uint8Array, pieceSize: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += pieceSize) {
    yield bytes.subarray(offset, offset + pieceSize);
  }
}

/** Yields the given chunks in order, as a database read would. */
export async function* fromChunks(chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* chunks;
}

/** Encrypts `content` fed in pieces of `pieceSize` bytes and collects the header and chunks. */
export async function encryptToChunks(
  documentKey: Uint8Array,
  documentId: string,
  content: Uint8Array,
  pieceSize = 100 * 1024,
): Promise<{ header: Uint8Array; chunks: Uint8Array[]; indexes: number[] }> {
  const encryptor = await createContentEncryptor(documentKey, documentId);
  const chunks: Uint8Array[] = [];
  const indexes: number[] = [];
  for await (const chunk of encryptor.encrypt(inPieces(content, pieceSize))) {
    chunks.push(chunk.data);
    indexes.push(chunk.index);
  }
  return { header: encryptor.header, chunks, indexes };
}

/**
 * Decrypts into `yielded`, so that a test can check what came out before an error.
 * Resolves to the concatenated plaintext when the stream is valid.
 */
export async function decryptInto(
  yielded: Uint8Array[],
  documentKey: Uint8Array,
  documentId: string,
  header: Uint8Array,
  chunks: Uint8Array[],
): Promise<Uint8Array> {
  for await (const plaintext of decryptContent(documentKey, documentId, header, fromChunks(chunks))) {
    yielded.push(plaintext);
  }
  return Buffer.concat(yielded);
}

/** Returns a copy of `bytes` with one bit flipped at `offset`. */
export function flipBit(bytes: Uint8Array, offset: number): Uint8Array {
  const copy = bytes.slice();
  copy[offset] = (copy[offset] ?? 0) ^ 0x01;
  return copy;
}
