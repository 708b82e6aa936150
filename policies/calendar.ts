/**
 * UTC calendar arithmetic for grant windows. Every function reads and writes
 * the UTC fields of a Date only, so the result does not depend on the
 * process time zone (`TZ`).
 */

const MONTHS_PER_YEAR = 12;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, monthIndex: number): number {
  if (monthIndex === 1 && isLeapYear(year)) return 29;
  return DAYS_IN_MONTH[monthIndex] ?? 31;
}

/**
 * Adds `months` calendar months to `date` in UTC and keeps the UTC time of
 * day. When the target month is shorter, the day is clamped to its last day:
 * 2028-01-31T10:00Z + 1 month = 2028-02-29T10:00Z.
 *
 * Returns an invalid Date for an invalid `date`. Throws a RangeError when
 * `months` is not an integer.
 *
 * @example addUtcMonths(new Date('2027-01-31T10:00:00Z'), 1) // 2027-02-28T10:00:00.000Z
 */
export function addUtcMonths(date: Date, months: number): Date {
  if (!Number.isInteger(months)) throw new RangeError(`months must be an integer, got ${months}`);
  if (Number.isNaN(date.getTime())) return new Date(Number.NaN);

  const monthCount = date.getUTCFullYear() * MONTHS_PER_YEAR + date.getUTCMonth() + months;
  const year = Math.floor(monthCount / MONTHS_PER_YEAR);
  const monthIndex = monthCount - year * MONTHS_PER_YEAR;
  const day = Math.min(date.getUTCDate(), daysInMonth(year, monthIndex));

  // setUTCFullYear, unlike Date.UTC, does not map years 0 to 99 to 1900 to 1999.
  const result = new Date(0);
  result.setUTCFullYear(year, monthIndex, day);
  result.setUTCHours(date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), date.getUTCMilliseconds());
  return result;
}

/**
 * Adds `years` calendar years to `date` in UTC, with the same clamping as
 * addUtcMonths: 2028-02-29 + 1 year = 2029-02-28, same time of day.
 *
 * @example addUtcYears(new Date('2028-02-29T12:00:00Z'), 1) // 2029-02-28T12:00:00.000Z
 */
export function addUtcYears(date: Date, years: number): Date {
  if (!Number.isInteger(years)) throw new RangeError(`years must be an integer, got ${years}`);
  return addUtcMonths(date, years * MONTHS_PER_YEAR);
}
