import type { GrantFacts } from './types.js';

/** State of a grant at a given instant. Only an `active` grant gives access. */
export type GrantStatus = 'active' | 'revoked' | 'expired' | 'not_started';

/**
 * Returns the state of `grant` at `now`. A grant is active from `startsAt`
 * inclusive to `endsAt` exclusive, so at exactly `endsAt` it is expired.
 * Revocation wins over the dates and takes effect whatever `revokedAt` holds,
 * even an instant after `now` (clocks of two servers may differ).
 *
 * The comparisons are written so that an invalid Date in `now` or in the
 * grant never yields `active`.
 *
 * @example grantStatus(grant, grant.endsAt) // 'expired' unless revoked
 */
export function grantStatus(grant: Pick<GrantFacts, 'startsAt' | 'endsAt' | 'revokedAt'>, now: Date): GrantStatus {
  if (grant.revokedAt !== null) return 'revoked';

  const instant = now.getTime();
  if (!(instant >= grant.startsAt.getTime())) return 'not_started';
  if (!(instant < grant.endsAt.getTime())) return 'expired';
  return 'active';
}
