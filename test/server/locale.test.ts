import { describe, expect, it } from 'vitest';

import { negotiateLocale } from '../../server/i18n/locale.js';

describe('negotiateLocale', () => {
  it.each([
    [undefined, 'fr'],
    ['', 'fr'],
    ['en', 'en'],
    ['en-GB,en;q=0.9', 'en'],
    ['fr-FR,fr;q=0.9,en;q=0.8', 'fr'],
    ['en;q=0.5,fr;q=0.9', 'fr'],
    ['de-DE', 'fr'],
    ['de,en;q=0.3', 'en'],
    ['en;q=0', 'fr'],
    ['en;q=abc', 'fr'],
  ])('picks a language for %j', (header, expected) => {
    expect(negotiateLocale(header)).toBe(expected);
  });
});
