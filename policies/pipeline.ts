import { allow, type Decision, type Denial } from './decision.js';

/**
 * One rule of a decision: returns a denial with a single reason code, or
 * `null` when the rule is satisfied.
 */
export type Check<I, R extends string> = (input: I) => Denial<R> | null;

/**
 * Runs `checks` in order and returns the first denial, or an allowance when
 * every check passes. The order of the list is the order in which reasons
 * win, so a decision reads as its list of checks.
 *
 * Throws a TypeError for an empty list: a decision with no rule would allow
 * everything, which is a bug and never a default.
 */
export function runChecks<I, R extends string>(input: I, checks: readonly Check<I, R>[]): Decision<R> {
  if (checks.length === 0) throw new TypeError('runChecks needs at least one check');
  for (const check of checks) {
    const denial = check(input);
    if (denial !== null) return denial;
  }
  return allow();
}
