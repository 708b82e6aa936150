import { deny, type Decision } from './decision.js';
import { runChecks, type Check } from './pipeline.js';
import type { GrantFacts } from './types.js';

/** Reasons why a person may not revoke a grant. */
export type GrantRevocationReason = 'grant_not_found' | 'grant_already_revoked' | 'grant_already_expired';

/** Input of decideGrantRevocation. `grant` is null when no grant has the requested id. */
export interface GrantRevocationInput {
  actor: { accountId: string };
  grant: GrantFacts | null;
  now: Date;
}

type RevocationCheck = Check<GrantRevocationInput, GrantRevocationReason>;

const checkGrantOfActor: RevocationCheck = (input) =>
  input.grant === null || input.grant.personId !== input.actor.accountId ? deny('grant_not_found', 404) : null;

const checkNotRevoked: RevocationCheck = (input) =>
  input.grant?.revokedAt === null ? null : deny('grant_already_revoked', 409);

// Written as "allowed only before endsAt", so an invalid Date denies.
const checkNotExpired: RevocationCheck = (input) => {
  const endsAt = input.grant?.endsAt.getTime() ?? Number.NaN;
  return input.now.getTime() < endsAt ? null : deny('grant_already_expired', 409);
};

const GRANT_REVOCATION_CHECKS: readonly RevocationCheck[] = [checkGrantOfActor, checkNotRevoked, checkNotExpired];

/**
 * Decides whether a person may revoke a grant. Checks, first denial wins:
 * - `grant_not_found` (404): unknown, or another person's grant;
 * - `grant_already_revoked` (409);
 * - `grant_already_expired` (409): from `endsAt` itself. An expired grant
 *   already gives nothing, and refusing keeps its history ending at expiry
 *   instead of showing a revocation that changed nothing.
 *
 * A grant that has not started yet may be revoked.
 *
 * @example decideGrantRevocation({ actor: { accountId: grant.personId }, grant, now: grant.endsAt }) // deny, grant_already_expired, 409
 */
export function decideGrantRevocation(input: GrantRevocationInput): Decision<GrantRevocationReason> {
  return runChecks(input, GRANT_REVOCATION_CHECKS);
}
