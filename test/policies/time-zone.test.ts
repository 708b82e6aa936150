import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { DecisionRow, DecisionTable } from './support/decision-table.js';

// Node rereads TZ whenever process.env.TZ is assigned, so this file can run
// the calendar and expiry tables under zones far from UTC. TZ is set before
// the tables and policies are loaded, and restored when the file ends.
const originalTimeZone = process.env.TZ;
process.env.TZ = 'Pacific/Kiritimati';

const { addUtcMonthsTable, addUtcYearsTable } = await import('./cases/calendar.cases.js');
const { grantBoundaryTable } = await import('./cases/partner-read.cases.js');
const { grantStatusTable } = await import('./cases/grant-status.cases.js');
const { grantCreationTable } = await import('./cases/grant-creation.cases.js');
const { grantRevocationTable } = await import('./cases/grant-revocation.cases.js');

function testRowsUnderCurrentZone<I, E>(table: DecisionTable<I, E>): void {
  it.each<DecisionRow<I, E>>(table.rows)(`${table.title}: $name`, ({ input, expected }) => {
    expect(table.decide(input)).toStrictEqual(expected);
  });
}

afterAll(() => {
  if (originalTimeZone === undefined) delete process.env.TZ;
  else process.env.TZ = originalTimeZone;
});

// Offsets are read at a 2027 instant: in 1970 Kiritimati was UTC-10:40, so
// `new Date(0)` would not show its offset of today (UTC+14 since 1995).
const ZONES = [
  { zone: 'Pacific/Kiritimati', offsetMinutes: -14 * 60 },
  { zone: 'Pacific/Niue', offsetMinutes: 11 * 60 },
];

describe.each(ZONES)('under $zone', ({ zone, offsetMinutes }) => {
  beforeAll(() => {
    process.env.TZ = zone;
  });

  it('the process uses the zone', () => {
    expect(new Date('2027-01-01T00:00:00.000Z').getTimezoneOffset()).toBe(offsetMinutes);
  });

  testRowsUnderCurrentZone(addUtcMonthsTable);
  testRowsUnderCurrentZone(addUtcYearsTable);
  testRowsUnderCurrentZone(grantBoundaryTable);
  testRowsUnderCurrentZone(grantStatusTable);
  testRowsUnderCurrentZone(grantCreationTable);
  testRowsUnderCurrentZone(grantRevocationTable);
});
