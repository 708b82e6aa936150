import { describe, expect, it } from 'vitest';

import { constantTimeEqual } from '../../crypto/index.js';

describe('constantTimeEqual', () => {
  const cases: Array<[string, Uint8Array | string, Uint8Array | string, boolean]> = [
    ['equal bytes', new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]), true],
    ['different bytes', new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]), false],
    ['different lengths', new Uint8Array([1, 2, 3]), new Uint8Array([1, 2]), false],
    ['two empty values', new Uint8Array(0), '', true],
    ['equal strings', 'jeton-abc', 'jeton-abc', true],
    ['different strings', 'jeton-abc', 'jeton-abd', false],
    ['string and its UTF-8 bytes', 'é€', new Uint8Array([0xc3, 0xa9, 0xe2, 0x82, 0xac]), true],
    ['same length in characters only', 'é', 'e', false],
    ['prefix', 'abc', 'abcd', false],
  ];

  for (const [name, left, right, expected] of cases) {
    it(`compares ${name}`, () => {
      expect(constantTimeEqual(left, right)).toBe(expected);
      expect(constantTimeEqual(right, left)).toBe(expected);
    });
  }
});
