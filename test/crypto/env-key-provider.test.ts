import { describe, expect, it } from 'vitest';

import { KeyProviderError, envKeyProvider, kekIdOf } from '../../crypto/index.js';

describe('env key provider', () => {
  it('returns the given key', () => {
    const key = new Uint8Array(32).fill(9);

    const provider = envKeyProvider(Buffer.from(key).toString('base64'));

    expect(provider.currentKekId()).toBe(kekIdOf(key));
    expect(provider.kekIds()).toEqual([kekIdOf(key)]);
    expect(provider.getKek(provider.currentKekId())).toEqual(key);
  });

  it('ignores surrounding whitespace', () => {
    const encoded = Buffer.alloc(32, 3).toString('base64');

    expect(envKeyProvider(` ${encoded}\n`).currentKekId()).toBe(envKeyProvider(encoded).currentKekId());
  });

  const invalid: Array<[string, string]> = [
    ['16 bytes', Buffer.alloc(16, 1).toString('base64')],
    ['33 bytes', Buffer.alloc(33, 1).toString('base64')],
    ['an empty value', ''],
    ['non-base64 text', 'not a key at all, just some words!!'],
    ['base64url', Buffer.alloc(32, 0xfb).toString('base64url')],
  ];

  for (const [name, value] of invalid) {
    it(`rejects ${name} naming COFFRE_MASTER_KEY`, () => {
      expect(() => envKeyProvider(value)).toThrow(KeyProviderError);
      expect(() => envKeyProvider(value)).toThrow('COFFRE_MASTER_KEY');
    });
  }

  it('keeps the value out of the message', () => {
    const value = Buffer.alloc(31, 0x5a).toString('base64');

    expect(() => envKeyProvider(value)).not.toThrow(value);
    expect(() => envKeyProvider(value)).toThrow(KeyProviderError);
  });

  it('rejects an unknown KEK id', () => {
    const provider = envKeyProvider(Buffer.alloc(32, 1).toString('base64'));

    expect(() => provider.getKek('kek-0000000000000000')).toThrow(KeyProviderError);
  });

  describe('key set', () => {
    const newKey = Buffer.alloc(32, 7);
    const oldKey = Buffer.alloc(32, 8);

    it('makes the first key current and keeps the others readable', () => {
      const provider = envKeyProvider(`${newKey.toString('base64')}, ${oldKey.toString('base64')}`);

      expect(provider.currentKekId()).toBe(kekIdOf(newKey));
      expect(provider.kekIds()).toEqual([kekIdOf(newKey), kekIdOf(oldKey)]);
      expect(provider.getKek(kekIdOf(oldKey))).toEqual(new Uint8Array(oldKey));
    });

    it('rejects a repeated key', () => {
      const value = `${newKey.toString('base64')},${newKey.toString('base64')}`;

      expect(() => envKeyProvider(value)).toThrow('key 2 repeats key 1');
    });

    it('names the invalid key by position without its value', () => {
      const short = Buffer.alloc(31, 0x5a).toString('base64');
      const value = `${newKey.toString('base64')},${short}`;

      expect(() => envKeyProvider(value)).toThrow('key 2 of 2 decodes to 31 bytes');
      expect(() => envKeyProvider(value)).not.toThrow(short);
    });

    it('rejects an empty entry', () => {
      expect(() => envKeyProvider(`${newKey.toString('base64')},`)).toThrow('key 2 of 2 decodes to 0 bytes');
    });
  });
});
