import { deny, type Decision } from './decision.js';
import { runChecks, type Check } from './pipeline.js';
import type { AccessRequestFacts, SharingCodeFacts } from './types.js';

/** Reason why a sharing code may not be used. */
export type SharingCodeUseReason = 'sharing_code_invalid';

/** Reasons why a person may not approve or refuse an access request. */
export type AccessRequestAnswerReason = 'access_request_not_found' | 'access_request_expired' | 'access_request_not_pending';

/** Reasons why a person may not approve an access request with the chosen end. */
export type ApprovalDurationReason = 'grant_window_invalid' | 'approval_longer_than_requested';

/** Input of decideSharingCodeUse. `code` is null when no sharing code matches. */
export interface SharingCodeUseInput {
  code: SharingCodeFacts | null;
  now: Date;
}

/** Input of decideAccessRequestAnswer. `request` is null when no request has the requested id. */
export interface AccessRequestAnswerInput {
  actor: { accountId: string };
  request: AccessRequestFacts | null;
  now: Date;
}

/** Input of decideApprovalDuration: the end the partner asked for and the end the person chose. */
export interface ApprovalDurationInput {
  requestedEndsAt: Date;
  approvedEndsAt: Date;
  startsAt: Date;
}

// One check with one reason: a wrong, revoked or expired code must get the
// same denial, so a partner cannot tell which codes once existed.
const checkSharingCodeValid: Check<SharingCodeUseInput, SharingCodeUseReason> = ({ code, now }) => {
  const usable = code !== null && code.revokedAt === null && now.getTime() < code.expiresAt.getTime();
  return usable ? null : deny('sharing_code_invalid', 404);
};

/**
 * Decides whether a partner may use a sharing code to send an access request.
 * Unknown, revoked and expired codes all deny with `sharing_code_invalid`
 * (404). A code expires at `expiresAt` itself. The partner's own standing is
 * checked first, by decidePartnerStanding.
 *
 * @example decideSharingCodeUse({ code: null, now }) // deny, sharing_code_invalid, 404
 */
export function decideSharingCodeUse(input: SharingCodeUseInput): Decision<SharingCodeUseReason> {
  return runChecks(input, [checkSharingCodeValid]);
}

type AnswerCheck = Check<AccessRequestAnswerInput, AccessRequestAnswerReason>;

const checkRequestOfActor: AnswerCheck = ({ actor, request }) =>
  request === null || request.personId !== actor.accountId ? deny('access_request_not_found', 404) : null;

// A pending request is expired from `expiresAt` on, before any job updates its status.
const checkRequestNotExpired: AnswerCheck = ({ request, now }) => {
  if (request === null) return deny('access_request_not_found', 404);
  if (request.status === 'expired') return deny('access_request_expired', 409);
  if (request.status === 'pending' && !(now.getTime() < request.expiresAt.getTime())) {
    return deny('access_request_expired', 409);
  }
  return null;
};

const checkRequestPending: AnswerCheck = ({ request }) =>
  request?.status === 'pending' ? null : deny('access_request_not_pending', 409);

const ACCESS_REQUEST_ANSWER_CHECKS: readonly AnswerCheck[] = [checkRequestOfActor, checkRequestNotExpired, checkRequestPending];

/**
 * Decides whether a person may approve or refuse an access request. Checks,
 * first denial wins:
 * - `access_request_not_found` (404): unknown, or addressed to another person;
 * - `access_request_expired` (409): status `expired`, or still `pending` at or after `expiresAt`;
 * - `access_request_not_pending` (409): already approved, refused or cancelled.
 *
 * @example decideAccessRequestAnswer({ actor, request: { ...request, status: 'refused' }, now }) // deny, access_request_not_pending, 409
 */
export function decideAccessRequestAnswer(input: AccessRequestAnswerInput): Decision<AccessRequestAnswerReason> {
  return runChecks(input, ACCESS_REQUEST_ANSWER_CHECKS);
}

type DurationCheck = Check<ApprovalDurationInput, ApprovalDurationReason>;

const checkApprovedEndAfterStart: DurationCheck = ({ requestedEndsAt, approvedEndsAt, startsAt }) => {
  if (Number.isNaN(requestedEndsAt.getTime())) return deny('grant_window_invalid', 422);
  return approvedEndsAt.getTime() > startsAt.getTime() ? null : deny('grant_window_invalid', 422);
};

const checkApprovalNotLonger: DurationCheck = ({ requestedEndsAt, approvedEndsAt }) =>
  approvedEndsAt.getTime() <= requestedEndsAt.getTime() ? null : deny('approval_longer_than_requested', 422);

/**
 * Decides whether a person may approve an access request with `approvedEndsAt`
 * as the grant's end. The person may keep or shorten the requested duration,
 * never extend it. Checks, first denial wins:
 * - `grant_window_invalid` (422): an invalid Date, or an end at or before `startsAt`;
 * - `approval_longer_than_requested` (422): an end after `requestedEndsAt`.
 *
 * The request's own window is checked when the partner sends it, with the
 * limits of resolveGrantWindow, so a shorter approval stays within them.
 *
 * @example decideApprovalDuration({ requestedEndsAt, approvedEndsAt: addUtcMonths(requestedEndsAt, 1), startsAt }) // deny, approval_longer_than_requested, 422
 */
export function decideApprovalDuration(input: ApprovalDurationInput): Decision<ApprovalDurationReason> {
  return runChecks(input, [checkApprovedEndAfterStart, checkApprovalNotLonger]);
}
