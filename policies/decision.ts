/**
 * The result of every authorization decision in `policies/`.
 *
 * A denial carries a stable reason code, which the audit log records and the
 * error response carries. It also carries the HTTP status of the response:
 * 404 where the existence of the resource must not leak, 403 for a denial
 * whose reason the caller may learn, 409 for a state conflict and 422 for a
 * request that cannot be honoured as written.
 */

/** HTTP statuses that a denial may set on the route's response. */
export type DenyStatus = 403 | 404 | 409 | 422;

/** A denial with its reason code `R` and the HTTP status of the route's response. */
export interface Denial<R extends string> {
  effect: 'deny';
  reason: R;
  status: DenyStatus;
}

/** An allowed action. Decisions that compute values on allow extend this shape. */
export interface Allowance {
  effect: 'allow';
}

/** Allow, or deny with one reason code from `R`. */
export type Decision<R extends string> = Allowance | Denial<R>;

/** Builds an allowance. Each call returns a new object, so a caller may extend it safely. */
export function allow(): Allowance {
  return { effect: 'allow' };
}

/**
 * Builds a denial.
 *
 * @example deny('grant_revoked', 403) // { effect: 'deny', reason: 'grant_revoked', status: 403 }
 */
export function deny<R extends string>(reason: R, status: DenyStatus): Denial<R> {
  return { effect: 'deny', reason, status };
}
