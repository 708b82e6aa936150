import { describe, expect, it } from 'vitest';

import { addUtcMonths, addUtcYears } from '../../policies/index.js';
import { addUtcMonthsTable, addUtcYearsTable } from './cases/calendar.cases.js';
import { testDecisionTable } from './support/test-decision-table.js';

testDecisionTable(addUtcMonthsTable);
testDecisionTable(addUtcYearsTable);

describe('calendar arguments', () => {
  const date = new Date('2027-01-31T00:00:00.000Z');

  it.each([1.5, Number.NaN, Number.POSITIVE_INFINITY])('addUtcMonths rejects %s months', (months) => {
    expect(() => addUtcMonths(date, months)).toThrow(RangeError);
  });

  it('addUtcYears rejects a fractional year', () => {
    expect(() => addUtcYears(date, 0.5)).toThrow(RangeError);
  });

  it('returns an invalid Date for an invalid Date', () => {
    expect(Number.isNaN(addUtcMonths(new Date(Number.NaN), 1).getTime())).toBe(true);
  });

  it('leaves its argument unchanged', () => {
    addUtcMonths(date, 1);

    expect(date.toISOString()).toBe('2027-01-31T00:00:00.000Z');
  });
});
