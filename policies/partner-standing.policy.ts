import { deny, type Decision, type Denial } from './decision.js';
import { runChecks, type Check } from './pipeline.js';
import type { PartnerFacts } from './types.js';

/** Reasons why a partner may not act at all. */
export type PartnerStandingReason = 'partner_unknown' | 'partner_suspended';

/** Input of decidePartnerStanding. `partner` is null when no registered partner matches. */
export interface PartnerStandingInput {
  partner: PartnerFacts | null;
}

/** Denies `partner_unknown` (404) when there is no registered partner. */
export function checkPartnerKnown(input: PartnerStandingInput): Denial<'partner_unknown'> | null {
  return input.partner === null ? deny('partner_unknown', 404) : null;
}

/**
 * Denies `partner_suspended` (403) unless the partner is active. A status
 * other than `active` or `suspended` is treated as suspended.
 */
export function checkPartnerActive(input: PartnerStandingInput): Denial<'partner_suspended'> | null {
  return input.partner?.status === 'active' ? null : deny('partner_suspended', 403);
}

const PARTNER_STANDING_CHECKS: readonly Check<PartnerStandingInput, PartnerStandingReason>[] = [
  checkPartnerKnown,
  checkPartnerActive,
];

/**
 * Decides whether a partner may use the partner API at all: it must be
 * registered and active. Every partner route runs this first, including the
 * ones that take a sharing code; decidePartnerGrantAccess and
 * decidePartnerDocumentRead start with it.
 *
 * @example decidePartnerStanding({ partner: { id: 'p', status: 'suspended' } }) // deny, partner_suspended, 403
 */
export function decidePartnerStanding(input: PartnerStandingInput): Decision<PartnerStandingReason> {
  return runChecks(input, PARTNER_STANDING_CHECKS);
}
