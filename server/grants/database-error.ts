import { AppError } from '../errors/app-error.js';
import { logger } from '../logging/logger.js';

/** Errors from PostgreSQL that a request can cause by racing another one. */
const CONSTRAINT_ERRORS: Readonly<Record<string, string>> = {
  // A listed document deleted between the check and the insert.
  grant_documents_document_id_fkey: 'document_not_found',
  grants_partner_id_fkey: 'partner_not_found',
  access_requests_partner_id_fkey: 'partner_unknown',
};

/**
 * Maps a database constraint violation to a client error, so a request
 * that loses a race never gets a 500. A foreign key to a row deleted
 * meanwhile becomes the not-found error of that row. Any other integrity,
 * serialization or deadlock error becomes `request_conflict` (409). Returns
 * any other error unchanged.
 */
export function mapDatabaseError(error: unknown, requestId: string | null): unknown {
  if (error instanceof AppError || typeof error !== 'object' || error === null) return error;
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  if (typeof code !== 'string') return error;

  const isIntegrity = code.startsWith('23');
  const isConcurrency = code === '40001' || code === '40P01';
  if (!isIntegrity && !isConcurrency) return error;

  logger.warn('database constraint rejected a request', { requestId, sqlState: code, constraint: typeof constraint === 'string' ? constraint : null });
  const mapped = typeof constraint === 'string' ? CONSTRAINT_ERRORS[constraint] : undefined;
  if (mapped === 'document_not_found' || mapped === 'partner_not_found' || mapped === 'partner_unknown') {
    return new AppError(mapped, {}, { cause: error });
  }
  return new AppError('request_conflict', {}, { cause: error });
}
