import { addUtcMonths, addUtcYears } from '../../../policies/index.js';
import type { DecisionTable } from '../support/decision-table.js';

/** A date and a number of calendar units to add to it. */
export interface CalendarInput {
  date: Date;
  amount: number;
}

const utc = (iso: string): Date => new Date(iso);

// Several dates sit near UTC midnight or month ends, where reading local
// fields instead of UTC fields gives another day or month under a far zone.
export const addUtcMonthsTable: DecisionTable<CalendarInput, Date> = {
  title: 'addUtcMonths',
  decide: ({ date, amount }) => addUtcMonths(date, amount),
  rows: [
    { name: 'Jan 31 2028 + 1 into leap Feb', input: { date: utc('2028-01-31T00:00:00.000Z'), amount: 1 }, expected: utc('2028-02-29T00:00:00.000Z') },
    { name: 'Jan 31 2027 + 1 into common Feb', input: { date: utc('2027-01-31T10:00:00.000Z'), amount: 1 }, expected: utc('2027-02-28T10:00:00.000Z') },
    { name: 'Mar 31 + 1 keeps last millisecond', input: { date: utc('2027-03-31T23:59:59.999Z'), amount: 1 }, expected: utc('2027-04-30T23:59:59.999Z') },
    { name: 'Nov 30 + 3 across year end', input: { date: utc('2027-11-30T00:00:00.000Z'), amount: 3 }, expected: utc('2028-02-29T00:00:00.000Z') },
    { name: 'Dec 31 + 1 into January', input: { date: utc('2027-12-31T12:00:00.000Z'), amount: 1 }, expected: utc('2028-01-31T12:00:00.000Z') },
    { name: 'Jun 15 + 3 default grant', input: { date: utc('2027-06-15T10:00:00.000Z'), amount: 3 }, expected: utc('2027-09-15T10:00:00.000Z') },
    { name: 'Mar 31 - 1 into leap Feb', input: { date: utc('2028-03-31T05:00:00.000Z'), amount: -1 }, expected: utc('2028-02-29T05:00:00.000Z') },
    { name: 'Jan 15 - 13 across two year ends', input: { date: utc('2028-01-15T00:00:00.000Z'), amount: -13 }, expected: utc('2026-12-15T00:00:00.000Z') },
    { name: 'zero months', input: { date: utc('2027-05-31T08:30:00.000Z'), amount: 0 }, expected: utc('2027-05-31T08:30:00.000Z') },
    { name: 'year below 100 stays literal', input: { date: utc('0050-01-31T00:00:00.000Z'), amount: 1 }, expected: utc('0050-02-28T00:00:00.000Z') },
  ],
};

export const addUtcYearsTable: DecisionTable<CalendarInput, Date> = {
  title: 'addUtcYears',
  decide: ({ date, amount }) => addUtcYears(date, amount),
  rows: [
    { name: 'Feb 29 2028 + 1 clamps', input: { date: utc('2028-02-29T12:00:00.000Z'), amount: 1 }, expected: utc('2029-02-28T12:00:00.000Z') },
    { name: 'Feb 29 2028 + 4 keeps leap day', input: { date: utc('2028-02-29T12:00:00.000Z'), amount: 4 }, expected: utc('2032-02-29T12:00:00.000Z') },
    { name: 'Feb 29 2096 + 4 into 2100', input: { date: utc('2096-02-29T00:00:00.000Z'), amount: 4 }, expected: utc('2100-02-28T00:00:00.000Z') },
    { name: 'Feb 29 1996 + 4 into 2000', input: { date: utc('1996-02-29T00:00:00.000Z'), amount: 4 }, expected: utc('2000-02-29T00:00:00.000Z') },
    { name: 'Mar 1 2027 + 1 spans 366 days', input: { date: utc('2027-03-01T00:00:00.000Z'), amount: 1 }, expected: utc('2028-03-01T00:00:00.000Z') },
    { name: 'Dec 31 late evening + 1', input: { date: utc('2027-12-31T23:00:00.000Z'), amount: 1 }, expected: utc('2028-12-31T23:00:00.000Z') },
    { name: 'Feb 29 2028 - 1 clamps', input: { date: utc('2028-02-29T00:00:00.000Z'), amount: -1 }, expected: utc('2027-02-28T00:00:00.000Z') },
  ],
};
