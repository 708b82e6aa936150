import { describe, expect, it } from 'vitest';

import { formatParisTime, nextCalendarDay, parisMidnight, parseCalendarDay } from '../../server/web/dpo/paris-time.js';

describe('parseCalendarDay', () => {
  it.each([
    ['2026-01-31', { year: 2026, month: 1, day: 31 }],
    ['31/01/2026', { year: 2026, month: 1, day: 31 }],
    ['1/2/2026', { year: 2026, month: 2, day: 1 }],
    ['29/02/2028', { year: 2028, month: 2, day: 29 }],
  ])('reads %s', (text, expected) => {
    expect(parseCalendarDay(text)).toEqual(expected);
  });

  it.each(['31/02/2026', '2026-02-29', '2026-13-01', '2026-1-31', '31-01-2026', 'demain', '', '01/01/1969'])('rejects %s', (text) => {
    expect(parseCalendarDay(text)).toBeNull();
  });
});

describe('parisMidnight', () => {
  it.each([
    // Winter time (UTC+1), then the days around both changes of 2026.
    [{ year: 2026, month: 1, day: 15 }, '2026-01-14T23:00:00.000Z'],
    [{ year: 2026, month: 3, day: 29 }, '2026-03-28T23:00:00.000Z'],
    [{ year: 2026, month: 3, day: 30 }, '2026-03-29T22:00:00.000Z'],
    [{ year: 2026, month: 10, day: 25 }, '2026-10-24T22:00:00.000Z'],
    [{ year: 2026, month: 10, day: 26 }, '2026-10-25T23:00:00.000Z'],
  ])('starts %o at %s', (day, expected) => {
    expect(parisMidnight(day).toISOString()).toBe(expected);
  });

  it('crosses a year end', () => {
    expect(nextCalendarDay({ year: 2026, month: 12, day: 31 })).toEqual({ year: 2027, month: 1, day: 1 });
  });
});

describe('formatParisTime', () => {
  it('shows Paris wall-clock time', () => {
    expect(formatParisTime('2026-07-14T10:00:00Z')).toBe('14 juillet 2026 à 12:00:00');
  });
});
