import { describe, expect, it } from 'vitest';

import { DecryptionFailed, createDocumentKey, openMetadata, sealMetadata } from '../../crypto/index.js';

const DOCUMENT_A = '0b6b1c1e-7f0a-4a53-9d2c-3a8c1f1e2d01';
const DOCUMENT_B = '5e2f8a90-1c3d-4b6e-8f70-9a1b2c3d4e02';
const TITLE = 'Notification « RQTH » – décision CDAPH, frais 12 € l’an 📄';

describe('metadata', () => {
  it('opens to the sealed Unicode text', async () => {
    const key = createDocumentKey();

    const sealed = await sealMetadata(key, DOCUMENT_A, 'title', TITLE);

    expect(await openMetadata(key, DOCUMENT_A, 'title', sealed)).toBe(TITLE);
  });

  it('opens an empty value', async () => {
    const key = createDocumentKey();

    const sealed = await sealMetadata(key, DOCUMENT_A, 'notes', '');

    expect(await openMetadata(key, DOCUMENT_A, 'notes', sealed)).toBe('');
  });

  it('does not contain the plaintext', async () => {
    const sealed = await sealMetadata(createDocumentKey(), DOCUMENT_A, 'fileName', 'certificat-medical.pdf');

    expect(Buffer.from(sealed).includes('certificat')).toBe(false);
  });

  it('fails when moved to another field', async () => {
    const key = createDocumentKey();
    const sealed = await sealMetadata(key, DOCUMENT_A, 'title', TITLE);

    await expect(openMetadata(key, DOCUMENT_A, 'fileName', sealed)).rejects.toBeInstanceOf(DecryptionFailed);
  });

  it('fails when moved to another document', async () => {
    const key = createDocumentKey();
    const sealed = await sealMetadata(key, DOCUMENT_A, 'title', TITLE);

    await expect(openMetadata(key, DOCUMENT_B, 'title', sealed)).rejects.toBeInstanceOf(DecryptionFailed);
  });

  it('fails with another document key', async () => {
    const sealed = await sealMetadata(createDocumentKey(), DOCUMENT_A, 'title', TITLE);

    await expect(openMetadata(createDocumentKey(), DOCUMENT_A, 'title', sealed)).rejects.toBeInstanceOf(
      DecryptionFailed,
    );
  });

  it('rejects an unknown field', async () => {
    const field = 'category' as 'title';

    await expect(sealMetadata(createDocumentKey(), DOCUMENT_A, field, TITLE)).rejects.toBeInstanceOf(RangeError);
  });
});
