import { grantStatus, type GrantFacts, type GrantStatus } from '../../../policies/index.js';
import type { DecisionTable } from '../support/decision-table.js';
import { GRANT_ENDS_AT, GRANT_STARTS_AT, givenGrant, NOW, shift } from '../support/facts.js';

/** Input of grantStatus as one value, so it fits a decision table. */
export interface GrantStatusInput {
  grant: GrantFacts;
  now: Date;
}

const grant = givenGrant();

export const grantStatusTable: DecisionTable<GrantStatusInput, GrantStatus> = {
  title: 'grantStatus',
  decide: ({ grant: facts, now }) => grantStatus(facts, now),
  rows: [
    { name: 'inside the window', input: { grant, now: NOW }, expected: 'active' },
    { name: 'exactly startsAt', input: { grant, now: GRANT_STARTS_AT }, expected: 'active' },
    { name: 'startsAt - 1 ms', input: { grant, now: shift(GRANT_STARTS_AT, -1) }, expected: 'not_started' },
    { name: 'endsAt - 1 ms', input: { grant, now: shift(GRANT_ENDS_AT, -1) }, expected: 'active' },
    { name: 'exactly endsAt', input: { grant, now: GRANT_ENDS_AT }, expected: 'expired' },
    { name: 'revoked inside the window', input: { grant: givenGrant({ revokedAt: NOW }), now: NOW }, expected: 'revoked' },
    {
      name: 'revoked before start',
      input: { grant: givenGrant({ revokedAt: shift(GRANT_STARTS_AT, -1) }), now: shift(GRANT_STARTS_AT, -1) },
      expected: 'revoked',
    },
    { name: 'revoked and expired', input: { grant: givenGrant({ revokedAt: NOW }), now: GRANT_ENDS_AT }, expected: 'revoked' },
    { name: 'invalid now', input: { grant, now: new Date(Number.NaN) }, expected: 'not_started' },
    { name: 'invalid end', input: { grant: givenGrant({ endsAt: new Date(Number.NaN) }), now: NOW }, expected: 'expired' },
  ],
};
