import { describe, expect, it } from 'vitest';

import { isValidSiret, normalizeSiret } from '../../server/partners/siret.js';

describe('isValidSiret', () => {
  it.each([
    ['73282932000074', 'Luhn check digit right'],
    ['35600000000048', 'La Poste head office, which also passes Luhn'],
    ['35600000049837', 'La Poste establishment, digit sum a multiple of 5'],
  ])('accepts %s (%s)', (siret) => {
    expect(isValidSiret(siret)).toBe(true);
  });

  it.each([
    ['73282932000075', 'check digit off by one'],
    ['7328293200007', '13 digits'],
    ['732829320000740', '15 digits'],
    ['7328293200007A', 'a letter'],
    ['35600000049838', 'La Poste rule broken'],
    ['', 'empty'],
  ])('rejects %s (%s)', (siret) => {
    expect(isValidSiret(siret)).toBe(false);
  });
});

describe('normalizeSiret', () => {
  it('removes spaces between groups', () => {
    expect(normalizeSiret('732 829 320 00074')).toBe('73282932000074');
    expect(normalizeSiret('732\u00a0829\u202f320 00074')).toBe('73282932000074');
  });
});
