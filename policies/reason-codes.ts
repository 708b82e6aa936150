import type { AccountErasureReason } from './account-erasure.policy.js';
import type { ApprovalDurationReason, AccessRequestAnswerReason, SharingCodeUseReason } from './access-request.policy.js';
import type { GrantCreationReason } from './grant-creation.policy.js';
import type { GrantRevocationReason } from './grant-revocation.policy.js';
import type { OwnerDocumentReason } from './owner-document.policy.js';
import type { PartnerDocumentReadReason } from './partner-read.policy.js';

/**
 * Every reason code that a decision in `policies/` can deny with. The audit
 * log records these codes and error responses carry them, so a code is part
 * of the API: rename one only with a migration of both. Each code always
 * comes with the same HTTP status, whichever decision returns it.
 */
export const REASON_CODES = Object.freeze([
  'role_not_allowed',
  'not_found',
  'partner_unknown',
  'partner_suspended',
  'grant_not_found',
  'grant_revoked',
  'grant_not_started',
  'grant_expired',
  'document_not_found',
  'document_not_in_scope',
  'partner_not_found',
  'partner_not_active',
  'category_unknown',
  'scope_empty',
  'purpose_unknown',
  'purpose_text_required',
  'purpose_text_not_allowed',
  'grant_window_invalid',
  'grant_start_in_past',
  'grant_too_long',
  'grant_already_revoked',
  'grant_already_expired',
  'sharing_code_invalid',
  'access_request_not_found',
  'access_request_expired',
  'access_request_not_pending',
  'approval_longer_than_requested',
  'reauthentication_required',
] as const);

/** A reason code from REASON_CODES. */
export type ReasonCode = (typeof REASON_CODES)[number];

type PolicyReason =
  | OwnerDocumentReason
  | PartnerDocumentReadReason
  | GrantCreationReason
  | GrantRevocationReason
  | SharingCodeUseReason
  | AccessRequestAnswerReason
  | ApprovalDurationReason
  | AccountErasureReason;

type SameMembers<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type AssertTrue<T extends true> = T;

/**
 * Compile-time guard, `true` when REASON_CODES and the decisions' reason
 * types hold the same codes. `tsc` fails when a decision gains a code missing
 * from REASON_CODES, or when REASON_CODES keeps a code that no decision
 * returns. The staff and partner-standing reasons are part of
 * OwnerDocumentReason and PartnerDocumentReadReason.
 */
export type ReasonCodesMatchPolicies = AssertTrue<SameMembers<PolicyReason, ReasonCode>>;
