import {
  addUtcMonths,
  allow,
  decideAccessRequestAnswer,
  decideApprovalDuration,
  decideSharingCodeUse,
  deny,
  type AccessRequestAnswerInput,
  type AccessRequestAnswerReason,
  type AccessRequestFacts,
  type ApprovalDurationInput,
  type ApprovalDurationReason,
  type Decision,
  type SharingCodeFacts,
  type SharingCodeUseInput,
  type SharingCodeUseReason,
} from '../../../policies/index.js';
import type { DecisionTable } from '../support/decision-table.js';
import { NOW, OTHER_PERSON_ID, PERSON_ID, shift } from '../support/facts.js';

const CODE_EXPIRES_AT = shift(NOW, 15 * 60 * 1000);
const code: SharingCodeFacts = { personId: PERSON_ID, expiresAt: CODE_EXPIRES_AT, revokedAt: null };

export const sharingCodeUseTable: DecisionTable<SharingCodeUseInput, Decision<SharingCodeUseReason>> = {
  title: 'decideSharingCodeUse',
  decide: decideSharingCodeUse,
  rows: [
    { name: 'valid code', input: { code, now: NOW }, expected: allow() },
    { name: 'valid code at expiresAt - 1 ms', input: { code, now: shift(CODE_EXPIRES_AT, -1) }, expected: allow() },
    { name: 'unknown code', input: { code: null, now: NOW }, expected: deny('sharing_code_invalid', 404) },
    { name: 'code at expiresAt', input: { code, now: CODE_EXPIRES_AT }, expected: deny('sharing_code_invalid', 404) },
    { name: 'code after expiry', input: { code, now: shift(CODE_EXPIRES_AT, 1) }, expected: deny('sharing_code_invalid', 404) },
    { name: 'revoked code', input: { code: { ...code, revokedAt: NOW }, now: NOW }, expected: deny('sharing_code_invalid', 404) },
    {
      name: 'revoked and expired code',
      input: { code: { ...code, revokedAt: NOW }, now: CODE_EXPIRES_AT },
      expected: deny('sharing_code_invalid', 404),
    },
    { name: 'invalid now', input: { code, now: new Date(Number.NaN) }, expected: deny('sharing_code_invalid', 404) },
  ],
};

const REQUEST_EXPIRES_AT = shift(NOW, 7 * 24 * 60 * 60 * 1000);
const person = { accountId: PERSON_ID };

function requestWith(overrides: Partial<AccessRequestFacts>): AccessRequestFacts {
  return { personId: PERSON_ID, status: 'pending', expiresAt: REQUEST_EXPIRES_AT, ...overrides };
}

export const accessRequestAnswerTable: DecisionTable<AccessRequestAnswerInput, Decision<AccessRequestAnswerReason>> = {
  title: 'decideAccessRequestAnswer',
  decide: decideAccessRequestAnswer,
  rows: [
    { name: 'own pending request', input: { actor: person, request: requestWith({}), now: NOW }, expected: allow() },
    {
      name: 'own pending request at expiresAt - 1 ms',
      input: { actor: person, request: requestWith({}), now: shift(REQUEST_EXPIRES_AT, -1) },
      expected: allow(),
    },
    { name: 'unknown request', input: { actor: person, request: null, now: NOW }, expected: deny('access_request_not_found', 404) },
    {
      name: "another person's request",
      input: { actor: { accountId: OTHER_PERSON_ID }, request: requestWith({}), now: NOW },
      expected: deny('access_request_not_found', 404),
    },
    {
      name: "another person's expired request",
      input: { actor: { accountId: OTHER_PERSON_ID }, request: requestWith({ status: 'expired' }), now: NOW },
      expected: deny('access_request_not_found', 404),
    },
    {
      name: 'status expired',
      input: { actor: person, request: requestWith({ status: 'expired' }), now: NOW },
      expected: deny('access_request_expired', 409),
    },
    {
      name: 'pending at expiresAt',
      input: { actor: person, request: requestWith({}), now: REQUEST_EXPIRES_AT },
      expected: deny('access_request_expired', 409),
    },
    {
      name: 'pending with invalid now',
      input: { actor: person, request: requestWith({}), now: new Date(Number.NaN) },
      expected: deny('access_request_expired', 409),
    },
    {
      name: 'already approved',
      input: { actor: person, request: requestWith({ status: 'approved' }), now: NOW },
      expected: deny('access_request_not_pending', 409),
    },
    {
      name: 'already refused',
      input: { actor: person, request: requestWith({ status: 'refused' }), now: NOW },
      expected: deny('access_request_not_pending', 409),
    },
    {
      name: 'cancelled by the partner',
      input: { actor: person, request: requestWith({ status: 'cancelled' }), now: NOW },
      expected: deny('access_request_not_pending', 409),
    },
    {
      name: 'approved, past expiresAt',
      input: { actor: person, request: requestWith({ status: 'approved' }), now: REQUEST_EXPIRES_AT },
      expected: deny('access_request_not_pending', 409),
    },
    {
      name: 'unknown status',
      input: { actor: person, request: requestWith({ status: 'archived' as AccessRequestFacts['status'] }), now: NOW },
      expected: deny('access_request_not_pending', 409),
    },
  ],
};

const STARTS_AT = NOW;
const REQUESTED_ENDS_AT = addUtcMonths(NOW, 3);

export const approvalDurationTable: DecisionTable<ApprovalDurationInput, Decision<ApprovalDurationReason>> = {
  title: 'decideApprovalDuration',
  decide: decideApprovalDuration,
  rows: [
    {
      name: 'same end as requested',
      input: { requestedEndsAt: REQUESTED_ENDS_AT, approvedEndsAt: REQUESTED_ENDS_AT, startsAt: STARTS_AT },
      expected: allow(),
    },
    {
      name: 'shorter than requested',
      input: { requestedEndsAt: REQUESTED_ENDS_AT, approvedEndsAt: addUtcMonths(NOW, 1), startsAt: STARTS_AT },
      expected: allow(),
    },
    {
      name: 'one millisecond after start',
      input: { requestedEndsAt: REQUESTED_ENDS_AT, approvedEndsAt: shift(STARTS_AT, 1), startsAt: STARTS_AT },
      expected: allow(),
    },
    {
      name: '1 ms longer than requested',
      input: { requestedEndsAt: REQUESTED_ENDS_AT, approvedEndsAt: shift(REQUESTED_ENDS_AT, 1), startsAt: STARTS_AT },
      expected: deny('approval_longer_than_requested', 422),
    },
    {
      name: 'end equal to start',
      input: { requestedEndsAt: REQUESTED_ENDS_AT, approvedEndsAt: STARTS_AT, startsAt: STARTS_AT },
      expected: deny('grant_window_invalid', 422),
    },
    {
      name: 'end before start',
      input: { requestedEndsAt: REQUESTED_ENDS_AT, approvedEndsAt: shift(STARTS_AT, -1), startsAt: STARTS_AT },
      expected: deny('grant_window_invalid', 422),
    },
    {
      name: 'invalid approved end',
      input: { requestedEndsAt: REQUESTED_ENDS_AT, approvedEndsAt: new Date(Number.NaN), startsAt: STARTS_AT },
      expected: deny('grant_window_invalid', 422),
    },
    {
      name: 'invalid requested end',
      input: { requestedEndsAt: new Date(Number.NaN), approvedEndsAt: REQUESTED_ENDS_AT, startsAt: STARTS_AT },
      expected: deny('grant_window_invalid', 422),
    },
  ],
};
