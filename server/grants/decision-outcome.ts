import type { ReasonCode } from '../../policies/index.js';
import { AppError } from '../errors/app-error.js';
import type { ErrorCode } from '../errors/error-catalog.js';

/**
 * What a transaction that decides returns: the value on allow, or the error
 * to throw once the transaction has committed its deny audit entry.
 */
export type Outcome<T> = { allowed: true; value: T } | { allowed: false; error: AppError };

/** Wraps an allowed result. */
export function allowed<T>(value: T): Outcome<T> {
  return { allowed: true, value };
}

/** Wraps a denial's error. */
export function denied<T>(error: AppError): Outcome<T> {
  return { allowed: false, error };
}

/** Returns the value of an allowed outcome, or throws the denial's error. */
export function settle<T>(outcome: Outcome<T>): T {
  if (!outcome.allowed) throw outcome.error;
  return outcome.value;
}

// Every policy reason code except role_not_allowed is an error code of its
// own; the compiler checks it here.
type ReasonWithOwnError = Exclude<ReasonCode, 'role_not_allowed'>;
const reasonsHaveErrors: ReasonWithOwnError extends ErrorCode ? true : false = true;
void reasonsHaveErrors;

/**
 * Builds the client error for a policy denial: the reason code is the error
 * code, except `role_not_allowed`, which becomes `forbidden` as in the documents
 * API.
 */
export function denialError(reason: ReasonCode, params: Record<string, string | number> = {}): AppError {
  return reason === 'role_not_allowed' ? new AppError('forbidden') : new AppError(reason, params);
}
