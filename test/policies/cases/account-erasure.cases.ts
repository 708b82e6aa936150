import { allow, decideAccountErasure, deny, type AccountErasureInput, type AccountErasureReason, type Decision } from '../../../policies/index.js';
import type { DecisionTable } from '../support/decision-table.js';
import { MINUTE_MS, NOW, PERSON_ID } from '../support/facts.js';

const person = { accountId: PERSON_ID, roles: ['person'] } as const;
const signedInAgo = (milliseconds: number) => new Date(NOW.getTime() - milliseconds);

export const accountErasureTable: DecisionTable<AccountErasureInput, Decision<AccountErasureReason>> = {
  title: 'decideAccountErasure',
  decide: decideAccountErasure,
  rows: [
    { name: 'person signed in a minute ago', input: { actor: person, authTime: signedInAgo(MINUTE_MS), now: NOW }, expected: allow() },
    { name: 'person signed in just now', input: { actor: person, authTime: NOW, now: NOW }, expected: allow() },
    { name: 'sign-in clock a little ahead', input: { actor: person, authTime: new Date(NOW.getTime() + 2000), now: NOW }, expected: allow() },
    { name: 'sign-in 4 min 59 s ago', input: { actor: person, authTime: signedInAgo(5 * MINUTE_MS - 1000), now: NOW }, expected: allow() },
    { name: 'sign-in exactly 5 minutes ago', input: { actor: person, authTime: signedInAgo(5 * MINUTE_MS), now: NOW }, expected: deny('reauthentication_required', 403) },
    { name: 'sign-in an hour ago', input: { actor: person, authTime: signedInAgo(60 * MINUTE_MS), now: NOW }, expected: deny('reauthentication_required', 403) },
    { name: 'invalid sign-in time', input: { actor: person, authTime: new Date(Number.NaN), now: NOW }, expected: deny('reauthentication_required', 403) },
    { name: 'dpo with a fresh sign-in', input: { actor: { accountId: PERSON_ID, roles: ['dpo'] }, authTime: NOW, now: NOW }, expected: deny('role_not_allowed', 403) },
    { name: 'admin with an old sign-in', input: { actor: { accountId: PERSON_ID, roles: ['admin'] }, authTime: signedInAgo(60 * MINUTE_MS), now: NOW }, expected: deny('role_not_allowed', 403) },
  ],
};
