import { describe, expect, it } from 'vitest';

import {
  CHUNK_SIZE,
  DecryptionFailed,
  createContentEncryptor,
  createDocumentKey,
  loadSodium,
} from '../../crypto/index.js';
import { decryptInto, encryptToChunks, flipBit, inPieces, randomContent } from './stream-helpers.js';

const DOCUMENT_A = '0b6b1c1e-7f0a-4a53-9d2c-3a8c1f1e2d01';
const DOCUMENT_B = '5e2f8a90-1c3d-4b6e-8f70-9a1b2c3d4e02';
const SECRETSTREAM_OVERHEAD = 17;

describe('content stream round trip', () => {
  const sizes = [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE, 10 * 1024 * 1024];
  const pieceSizes = [1000, 100 * 1024, CHUNK_SIZE, 1024 * 1024];

  for (const size of sizes) {
    for (const pieceSize of pieceSizes) {
      it(`returns ${size} bytes fed in ${pieceSize}-byte pieces`, async () => {
        const key = createDocumentKey();
        const content = randomContent(size);

        const { header, chunks } = await encryptToChunks(key, DOCUMENT_A, content, pieceSize);
        const plaintext = await decryptInto([], key, DOCUMENT_A, header, chunks);

        expect(plaintext.length).toBe(size);
        expect(Buffer.compare(plaintext, content)).toBe(0);
      });
    }
  }

  it('feeds content as one piece', async () => {
    const key = createDocumentKey();
    const content = randomContent(5 * CHUNK_SIZE + 123);

    const { header, chunks } = await encryptToChunks(key, DOCUMENT_A, content, content.length);
    const plaintext = await decryptInto([], key, DOCUMENT_A, header, chunks);

    expect(Buffer.compare(plaintext, content)).toBe(0);
  });

  it('accepts a source that reuses its buffer', async () => {
    const key = createDocumentKey();
    const content = randomContent(3 * CHUNK_SIZE + 5000);
    const pieceSize = 40_000;
    async function* reusingSource(): AsyncGenerator<Uint8Array> {
      const buffer = new Uint8Array(pieceSize);
      for (let offset = 0; offset < content.length; offset += pieceSize) {
        const piece = content.subarray(offset, offset + pieceSize);
        buffer.set(piece);
        yield buffer.subarray(0, piece.length);
        buffer.fill(0xff);
      }
    }

    const encryptor = await createContentEncryptor(key, DOCUMENT_A);
    const chunks: Uint8Array[] = [];
    for await (const chunk of encryptor.encrypt(reusingSource())) {
      chunks.push(chunk.data);
    }
    const plaintext = await decryptInto([], key, DOCUMENT_A, encryptor.header, chunks);

    expect(Buffer.compare(plaintext, content)).toBe(0);
  });
});

describe('content stream layout', () => {
  it('cuts chunks of CHUNK_SIZE plaintext bytes', async () => {
    const key = createDocumentKey();
    const content = randomContent(2 * CHUNK_SIZE + 10);

    const { chunks, indexes } = await encryptToChunks(key, DOCUMENT_A, content, 1000);

    expect(indexes).toEqual([0, 1, 2]);
    expect(chunks.map((chunk) => chunk.length)).toEqual([
      CHUNK_SIZE + SECRETSTREAM_OVERHEAD,
      CHUNK_SIZE + SECRETSTREAM_OVERHEAD,
      10 + SECRETSTREAM_OVERHEAD,
    ]);
  });

  it('puts an exact multiple in full chunks', async () => {
    const key = createDocumentKey();
    const content = randomContent(2 * CHUNK_SIZE);

    const { chunks } = await encryptToChunks(key, DOCUMENT_A, content, 100 * 1024);

    expect(chunks).toHaveLength(2);
  });

  it('encrypts empty content as one final chunk', async () => {
    const key = createDocumentKey();

    const { chunks, indexes } = await encryptToChunks(key, DOCUMENT_A, new Uint8Array(0));

    expect(indexes).toEqual([0]);
    expect(chunks[0]?.length).toBe(SECRETSTREAM_OVERHEAD);
  });

  it('makes a different header each time', async () => {
    const key = createDocumentKey();

    const first = await createContentEncryptor(key, DOCUMENT_A);
    const second = await createContentEncryptor(key, DOCUMENT_A);

    expect(Buffer.compare(first.header, second.header)).not.toBe(0);
  });

  it('rejects a second encrypt call', async () => {
    const encryptor = await createContentEncryptor(createDocumentKey(), DOCUMENT_A);
    const chunks = encryptor.encrypt(inPieces(randomContent(10), 10));

    expect(() => encryptor.encrypt(inPieces(randomContent(10), 10))).toThrow(/already called/);
    await chunks.return(undefined);
  });

  it('rejects a document key of the wrong length', async () => {
    await expect(createContentEncryptor(new Uint8Array(16), DOCUMENT_A)).rejects.toBeInstanceOf(RangeError);
  });
});

describe('content stream tampering', () => {
  const content = randomContent(4 * CHUNK_SIZE + 100);

  it('rejects a flipped bit in chunk 0', async () => {
    const key = createDocumentKey();
    const { header, chunks } = await encryptToChunks(key, DOCUMENT_A, content);
    const damaged = [flipBit(chunks[0]!, 40), ...chunks.slice(1)];

    const yielded: Uint8Array[] = [];
    await expect(decryptInto(yielded, key, DOCUMENT_A, header, damaged)).rejects.toBeInstanceOf(DecryptionFailed);
    expect(yielded).toHaveLength(0);
  });

  it('rejects a flipped bit in a middle chunk', async () => {
    const key = createDocumentKey();
    const { header, chunks } = await encryptToChunks(key, DOCUMENT_A, content);
    const damaged = [...chunks];
    damaged[2] = flipBit(chunks[2]!, 1000);

    const yielded: Uint8Array[] = [];
    await expect(decryptInto(yielded, key, DOCUMENT_A, header, damaged)).rejects.toBeInstanceOf(DecryptionFailed);
    expect(yielded).toHaveLength(2);
  });

  it('rejects a flipped bit in the final chunk tag', async () => {
    const key = createDocumentKey();
    const { header, chunks } = await encryptToChunks(key, DOCUMENT_A, content);
    const last = chunks.length - 1;
    const damaged = [...chunks];
    damaged[last] = flipBit(chunks[last]!, chunks[last]!.length - 1);

    const yielded: Uint8Array[] = [];
    await expect(decryptInto(yielded, key, DOCUMENT_A, header, damaged)).rejects.toBeInstanceOf(DecryptionFailed);
    expect(yielded).toHaveLength(last);
  });

  it('rejects a flipped bit in the header', async () => {
    const key = createDocumentKey();
    const { header, chunks } = await encryptToChunks(key, DOCUMENT_A, content);

    const yielded: Uint8Array[] = [];
    await expect(decryptInto(yielded, key, DOCUMENT_A, flipBit(header, 3), chunks)).rejects.toBeInstanceOf(
      DecryptionFailed,
    );
    expect(yielded).toHaveLength(0);
  });

  it('rejects a header of the wrong length', async () => {
    const key = createDocumentKey();
    const { header, chunks } = await encryptToChunks(key, DOCUMENT_A, content);

    const yielded: Uint8Array[] = [];
    await expect(decryptInto(yielded, key, DOCUMENT_A, header.subarray(1), chunks)).rejects.toBeInstanceOf(
      DecryptionFailed,
    );
    expect(yielded).toHaveLength(0);
  });

  it('rejects a whole stream moved to another document under the same key', async () => {
    // The same key on purpose: only the document id in the associated data differs.
    const key = createDocumentKey();
    const { header, chunks } = await encryptToChunks(key, DOCUMENT_A, content);

    const yielded: Uint8Array[] = [];
    await expect(decryptInto(yielded, key, DOCUMENT_B, header, chunks)).rejects.toBeInstanceOf(DecryptionFailed);
    expect(yielded).toHaveLength(0);
  });

  it('rejects a chunk swapped in from another document under the same key', async () => {
    const key = createDocumentKey();
    const streamA = await encryptToChunks(key, DOCUMENT_A, content);
    const streamB = await encryptToChunks(key, DOCUMENT_B, content);
    const mixed = [...streamA.chunks];
    mixed[1] = streamB.chunks[1]!;

    const yielded: Uint8Array[] = [];
    await expect(decryptInto(yielded, key, DOCUMENT_A, streamA.header, mixed)).rejects.toBeInstanceOf(
      DecryptionFailed,
    );
    expect(yielded).toHaveLength(1);
  });

  it('rejects a chunk swapped in from another document under another key', async () => {
    const keyA = createDocumentKey();
    const keyB = createDocumentKey();
    const streamA = await encryptToChunks(keyA, DOCUMENT_A, content);
    const streamB = await encryptToChunks(keyB, DOCUMENT_B, content);
    const mixed = [...streamA.chunks];
    mixed[0] = streamB.chunks[0]!;

    const yielded: Uint8Array[] = [];
    await expect(decryptInto(yielded, keyA, DOCUMENT_A, streamA.header, mixed)).rejects.toBeInstanceOf(
      DecryptionFailed,
    );
    expect(yielded).toHaveLength(0);
  });

  it('rejects two chunks swapped in order', async () => {
    const key = createDocumentKey();
    const { header, chunks } = await encryptToChunks(key, DOCUMENT_A, content);
    const reordered = [chunks[0]!, chunks[2]!, chunks[1]!, ...chunks.slice(3)];

    const yielded: Uint8Array[] = [];
    await expect(decryptInto(yielded, key, DOCUMENT_A, header, reordered)).rejects.toBeInstanceOf(
      DecryptionFailed,
    );
    expect(yielded).toHaveLength(1);
  });

  it('rejects a stream without its final chunk', async () => {
    const key = createDocumentKey();
    const { header, chunks } = await encryptToChunks(key, DOCUMENT_A, content);
    const truncated = chunks.slice(0, -1);

    const yielded: Uint8Array[] = [];
    await expect(decryptInto(yielded, key, DOCUMENT_A, header, truncated)).rejects.toBeInstanceOf(
      DecryptionFailed,
    );
    expect(yielded).toHaveLength(truncated.length);
  });

  it('rejects a stream with no chunks', async () => {
    const key = createDocumentKey();
    const { header } = await encryptToChunks(key, DOCUMENT_A, content);

    const yielded: Uint8Array[] = [];
    await expect(decryptInto(yielded, key, DOCUMENT_A, header, [])).rejects.toBeInstanceOf(DecryptionFailed);
    expect(yielded).toHaveLength(0);
  });

  it('rejects a chunk appended after the final one', async () => {
    const key = createDocumentKey();
    const { header, chunks } = await encryptToChunks(key, DOCUMENT_A, content);
    const extended = [...chunks, chunks[1]!];

    const yielded: Uint8Array[] = [];
    await expect(decryptInto(yielded, key, DOCUMENT_A, header, extended)).rejects.toBeInstanceOf(DecryptionFailed);
    expect(yielded).toHaveLength(chunks.length);
  });

  it('rejects a final chunk of another stream appended', async () => {
    const key = createDocumentKey();
    const { header, chunks } = await encryptToChunks(key, DOCUMENT_A, content);
    const other = await encryptToChunks(key, DOCUMENT_A, randomContent(10));
    const extended = [...chunks, other.chunks[0]!];

    const yielded: Uint8Array[] = [];
    await expect(decryptInto(yielded, key, DOCUMENT_A, header, extended)).rejects.toBeInstanceOf(DecryptionFailed);
    expect(yielded).toHaveLength(chunks.length);
  });

  it('rejects a wrong document key', async () => {
    const { header, chunks } = await encryptToChunks(createDocumentKey(), DOCUMENT_A, content);

    const yielded: Uint8Array[] = [];
    await expect(decryptInto(yielded, createDocumentKey(), DOCUMENT_A, header, chunks)).rejects.toBeInstanceOf(
      DecryptionFailed,
    );
    expect(yielded).toHaveLength(0);
  });

  it('rejects a chunk shorter than its tag', async () => {
    const key = createDocumentKey();
    const { header, chunks } = await encryptToChunks(key, DOCUMENT_A, content);
    const damaged = [chunks[0]!.subarray(0, 10), ...chunks.slice(1)];

    const yielded: Uint8Array[] = [];
    await expect(decryptInto(yielded, key, DOCUMENT_A, header, damaged)).rejects.toBeInstanceOf(DecryptionFailed);
    expect(yielded).toHaveLength(0);
  });

  it('rejects a chunk cut short', async () => {
    const key = createDocumentKey();
    const { header, chunks } = await encryptToChunks(key, DOCUMENT_A, content);
    const damaged = [chunks[0]!.subarray(0, chunks[0]!.length - 1), ...chunks.slice(1)];

    const yielded: Uint8Array[] = [];
    await expect(decryptInto(yielded, key, DOCUMENT_A, header, damaged)).rejects.toBeInstanceOf(DecryptionFailed);
    expect(yielded).toHaveLength(0);
  });
});

describe('content stream framing', () => {
  it('rejects an authentic chunk after the final one', async () => {
    // Built with libsodium directly, because the encryptor never writes past TAG_FINAL.
    const sodium = await loadSodium();
    const key = createDocumentKey();
    const associatedData = `coffre:content:v1:${DOCUMENT_A}`;
    const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
    const finalTag = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL;
    const messageTag = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
    const chunks = [
      sodium.crypto_secretstream_xchacha20poly1305_push(state, randomContent(10), associatedData, finalTag),
      sodium.crypto_secretstream_xchacha20poly1305_push(state, randomContent(10), associatedData, messageTag),
    ];

    const yielded: Uint8Array[] = [];
    await expect(decryptInto(yielded, key, DOCUMENT_A, header, chunks)).rejects.toBeInstanceOf(DecryptionFailed);
    expect(yielded).toHaveLength(1);
  });

  it('rejects a chunk with a tag the encryptor never writes', async () => {
    const sodium = await loadSodium();
    const key = createDocumentKey();
    const associatedData = `coffre:content:v1:${DOCUMENT_A}`;
    const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
    const chunks = [
      sodium.crypto_secretstream_xchacha20poly1305_push(
        state,
        randomContent(10),
        associatedData,
        sodium.crypto_secretstream_xchacha20poly1305_TAG_REKEY,
      ),
    ];

    const yielded: Uint8Array[] = [];
    await expect(decryptInto(yielded, key, DOCUMENT_A, header, chunks)).rejects.toBeInstanceOf(DecryptionFailed);
    expect(yielded).toHaveLength(0);
  });

  it('accepts a stream written with the documented associated data', async () => {
    const sodium = await loadSodium();
    const key = createDocumentKey();
    const content = randomContent(10);
    const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
    const chunks = [
      sodium.crypto_secretstream_xchacha20poly1305_push(
        state,
        content,
        `coffre:content:v1:${DOCUMENT_A}`,
        sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL,
      ),
    ];

    const plaintext = await decryptInto([], key, DOCUMENT_A, header, chunks);

    expect(Buffer.compare(plaintext, content)).toBe(0);
  });
});

describe('content stream source errors', () => {
  it('passes on a source error', async () => {
    const key = createDocumentKey();
    async function* abortedUpload(): AsyncGenerator<Uint8Array> {
      yield randomContent(3 * CHUNK_SIZE);
      throw new Error('upload aborted');
    }
    const encryptor = await createContentEncryptor(key, DOCUMENT_A);
    const indexes: number[] = [];

    const draining = (async () => {
      for await (const chunk of encryptor.encrypt(abortedUpload())) {
        indexes.push(chunk.index);
      }
    })();

    await expect(draining).rejects.toThrow('upload aborted');
    expect(indexes).toEqual([0, 1]);
  });
});
