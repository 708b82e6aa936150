import type { Transaction } from 'kysely';

import { appendAuditEvent } from '../../audit/append.js';
import type { AuditEntry, AuditEventInput } from '../../audit/entry.js';
import type { Database } from '../db/schema.js';
import { AppError } from '../errors/app-error.js';
import { logger } from '../logging/logger.js';

/**
 * Appends an audit entry inside `trx`, as every decision on personal data
 * must before it takes effect. Any failure is logged with the request id and
 * action and becomes `audit_unavailable` (503), so the caller's transaction
 * rolls back and nothing happens without its record.
 */
export async function recordAuditEvent(trx: Transaction<Database>, input: AuditEventInput): Promise<AuditEntry> {
  try {
    return await appendAuditEvent(trx, input);
  } catch (error) {
    logger.error('audit append failed', { requestId: input.requestId, action: input.action, error });
    throw new AppError('audit_unavailable', {}, { cause: error });
  }
}
