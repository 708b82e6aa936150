import type { Denial } from '../../policies/index.js';
import { AppError } from '../errors/app-error.js';

/**
 * Turns a policy's denial into the error the route responds with: 404
 * `not_found`, so an id reveals nothing, or 403 `forbidden`. The audit entry
 * keeps the policy's own reason code.
 */
export function denialError(denial: Denial<string>): AppError {
  return new AppError(denial.status === 404 ? 'not_found' : 'forbidden');
}
