import {
  allow,
  decideGrantRevocation,
  deny,
  type Decision,
  type GrantRevocationInput,
  type GrantRevocationReason,
} from '../../../policies/index.js';
import type { DecisionTable } from '../support/decision-table.js';
import { GRANT_ENDS_AT, GRANT_STARTS_AT, givenGrant, MINUTE_MS, NOW, OTHER_PERSON_ID, PERSON_ID, shift } from '../support/facts.js';

const owner = { accountId: PERSON_ID };
const grant = givenGrant();

export const grantRevocationTable: DecisionTable<GrantRevocationInput, Decision<GrantRevocationReason>> = {
  title: 'decideGrantRevocation',
  decide: decideGrantRevocation,
  rows: [
    { name: 'own active grant', input: { actor: owner, grant, now: NOW }, expected: allow() },
    { name: 'own grant not started', input: { actor: owner, grant, now: shift(GRANT_STARTS_AT, -1) }, expected: allow() },
    { name: 'own grant at endsAt - 1 ms', input: { actor: owner, grant, now: shift(GRANT_ENDS_AT, -1) }, expected: allow() },
    { name: 'unknown grant', input: { actor: owner, grant: null, now: NOW }, expected: deny('grant_not_found', 404) },
    {
      name: "another person's grant",
      input: { actor: { accountId: OTHER_PERSON_ID }, grant, now: NOW },
      expected: deny('grant_not_found', 404),
    },
    {
      name: "another person's revoked grant",
      input: { actor: { accountId: OTHER_PERSON_ID }, grant: givenGrant({ revokedAt: NOW }), now: NOW },
      expected: deny('grant_not_found', 404),
    },
    {
      name: 'already revoked',
      input: { actor: owner, grant: givenGrant({ revokedAt: shift(NOW, -MINUTE_MS) }), now: NOW },
      expected: deny('grant_already_revoked', 409),
    },
    {
      name: 'revoked, then expired',
      input: { actor: owner, grant: givenGrant({ revokedAt: NOW }), now: GRANT_ENDS_AT },
      expected: deny('grant_already_revoked', 409),
    },
    { name: 'own grant at endsAt', input: { actor: owner, grant, now: GRANT_ENDS_AT }, expected: deny('grant_already_expired', 409) },
    {
      name: 'invalid now',
      input: { actor: owner, grant, now: new Date(Number.NaN) },
      expected: deny('grant_already_expired', 409),
    },
  ],
};
