import { randomUUID } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { DecryptionFailed } from '../../crypto/index.js';
import { openMessage, sealMessage } from '../../server/access-requests/access-request-message.js';
import {
  SHARING_CODE_ALPHABET,
  SHARING_CODE_LENGTH,
  generateSharingCode,
  hashSharingCode,
  normalizeSharingCode,
} from '../../server/access-requests/sharing-code.js';

describe('generateSharingCode', () => {
  it('draws at least 48 bits from an alphabet without look-alikes', () => {
    expect(SHARING_CODE_LENGTH * Math.log2(SHARING_CODE_ALPHABET.length)).toBeGreaterThanOrEqual(48);
    for (const confusable of ['0', 'O', '1', 'I', 'L']) expect(SHARING_CODE_ALPHABET).not.toContain(confusable);
  });

  it('formats codes as ABCD-EFGH-JK, without repeats', () => {
    const codes = new Set<string>();
    for (let index = 0; index < 2000; index += 1) {
      const code = generateSharingCode();
      expect(code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{2}$/);
      codes.add(code);
    }
    expect(codes.size).toBe(2000);
  });
});

describe('hashSharingCode', () => {
  it('ignores case, spaces and hyphens', () => {
    expect(normalizeSharingCode(' abcd-efgh jk ')).toBe('ABCDEFGHJK');
    expect(hashSharingCode('abcd efgh-jk').equals(hashSharingCode('ABCD-EFGH-JK'))).toBe(true);
  });

  it('differs for different codes', () => {
    expect(hashSharingCode('ABCD-EFGH-JK').equals(hashSharingCode('ABCD-EFGH-JM'))).toBe(false);
  });
});

describe('access request messages', () => {
  const key = new Uint8Array(32).fill(7);

  it('opens under the same request id', async () => {
    const id = randomUUID();
    expect(await openMessage(key, id, await sealMessage(key, id, 'Bonjour'))).toBe('Bonjour');
  });

  it('fails to open under another request id', async () => {
    const sealed = await sealMessage(key, randomUUID(), 'Bonjour');
    await expect(openMessage(key, randomUUID(), sealed)).rejects.toBeInstanceOf(DecryptionFailed);
  });
});
