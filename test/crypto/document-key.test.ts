import { describe, expect, it } from 'vitest';

import { DecryptionFailed, createDocumentKey, unwrapDocumentKey, wrapDocumentKey } from '../../crypto/index.js';

const DOCUMENT_A = '0b6b1c1e-7f0a-4a53-9d2c-3a8c1f1e2d01';
const DOCUMENT_B = '5e2f8a90-1c3d-4b6e-8f70-9a1b2c3d4e02';

describe('document key', () => {
  it('creates 32 random bytes', () => {
    const first = createDocumentKey();
    const second = createDocumentKey();

    expect(first).toHaveLength(32);
    expect(first).not.toEqual(second);
  });

  it('unwraps to the wrapped key', async () => {
    const userKey = createDocumentKey();
    const documentKey = createDocumentKey();

    const wrapped = await wrapDocumentKey(userKey, documentKey, DOCUMENT_A);

    expect(await unwrapDocumentKey(userKey, wrapped, DOCUMENT_A)).toEqual(documentKey);
  });

  it('fails when moved to another document', async () => {
    const userKey = createDocumentKey();
    const wrapped = await wrapDocumentKey(userKey, createDocumentKey(), DOCUMENT_A);

    await expect(unwrapDocumentKey(userKey, wrapped, DOCUMENT_B)).rejects.toBeInstanceOf(DecryptionFailed);
  });

  it('fails with another user key', async () => {
    const wrapped = await wrapDocumentKey(createDocumentKey(), createDocumentKey(), DOCUMENT_A);

    await expect(unwrapDocumentKey(createDocumentKey(), wrapped, DOCUMENT_A)).rejects.toBeInstanceOf(
      DecryptionFailed,
    );
  });

  it('fails with an unknown version byte', async () => {
    const userKey = createDocumentKey();
    const wrapped = await wrapDocumentKey(userKey, createDocumentKey(), DOCUMENT_A);
    wrapped[0] = 2;

    await expect(unwrapDocumentKey(userKey, wrapped, DOCUMENT_A)).rejects.toBeInstanceOf(DecryptionFailed);
  });

  it('rejects a user key of the wrong length', async () => {
    await expect(wrapDocumentKey(new Uint8Array(31), createDocumentKey(), DOCUMENT_A)).rejects.toBeInstanceOf(
      RangeError,
    );
  });
});
