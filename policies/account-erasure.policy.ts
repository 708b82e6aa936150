import { deny, type Decision, type Denial } from './decision.js';
import { decideOwnerDocumentCollectionAccess, type OwnerActor } from './owner-document.policy.js';
import { runChecks, type Check } from './pipeline.js';

/** Maximum age of the person's last sign-in for an erasure to proceed: 5 minutes, in milliseconds. */
export const ERASURE_MAX_SIGN_IN_AGE_MS = 5 * 60_000;

/** Reasons why an account may not be erased by its session. */
export type AccountErasureReason = 'role_not_allowed' | 'reauthentication_required';

/** Input of decideAccountErasure. `authTime` is when the identity provider last authenticated the person. */
export interface AccountErasureInput {
  actor: OwnerActor;
  authTime: Date;
  now: Date;
}

// Staff accounts have no documents, and the operator manages them.
function checkPerson(input: AccountErasureInput): Denial<'role_not_allowed'> | null {
  const decision = decideOwnerDocumentCollectionAccess({ actor: input.actor });
  return decision.effect === 'deny' ? decision : null;
}

// Written as "allowed only if", so an invalid Date denies. A sign-in time a
// little ahead of the vault's clock gives a negative age and is accepted.
function checkRecentSignIn(input: AccountErasureInput): Denial<'reauthentication_required'> | null {
  const age = input.now.getTime() - input.authTime.getTime();
  return age < ERASURE_MAX_SIGN_IN_AGE_MS ? null : deny('reauthentication_required', 403);
}

const ACCOUNT_ERASURE_CHECKS: readonly Check<AccountErasureInput, AccountErasureReason>[] = [checkPerson, checkRecentSignIn];

/**
 * Decides whether a session may erase its own account. Checks, first denial wins:
 * - `role_not_allowed` (403): the session is staff's, or not a person's;
 * - `reauthentication_required` (403): the person signed in 5 minutes ago or
 *   more, so someone else may be using an unattended session.
 *
 * @example decideAccountErasure({ actor: { accountId: 'a', roles: ['person'] }, authTime: new Date(0), now: new Date(600_000) }) // deny, reauthentication_required, 403
 */
export function decideAccountErasure(input: AccountErasureInput): Decision<AccountErasureReason> {
  return runChecks(input, ACCOUNT_ERASURE_CHECKS);
}
