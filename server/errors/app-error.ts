import type { ErrorCode } from './error-catalog.js';

/**
 * An error meant for the client: a stable code from the catalog, with
 * parameters for its message. The real cause stays in `cause` and the log.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly params: Record<string, string | number> = {},
    options?: { cause?: unknown },
  ) {
    super(code, options);
    this.name = 'AppError';
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
