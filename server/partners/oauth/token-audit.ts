import type { Kysely, Transaction } from 'kysely';

import { recordAuditEvent } from '../../audit/record-audit-event.js';
import type { Database } from '../../db/schema.js';
import { logger } from '../../logging/logger.js';

/** The request behind a token decision, as the audit entry records it. */
export interface TokenRequestOrigin {
  requestId: string | null;
  sourceAddress: string | null;
}

/**
 * Appends a `partner.token` decision inside `trx`. The actor is the partner once its
 * assertion's signature was verified, and `unknown` before; the resource is the issued
 * token's jti, never the token. Any failure becomes `audit_unavailable` (503).
 */
export async function appendTokenAudit(
  trx: Transaction<Database>,
  origin: TokenRequestOrigin,
  decision: { outcome: 'allow' | 'deny'; partnerId: string | null; reason: string | null; tokenId?: string },
): Promise<void> {
  await recordAuditEvent(trx, {
    actorType: decision.partnerId ? 'partner' : 'unknown',
    actorId: decision.partnerId,
    subjectId: null,
    action: 'partner.token',
    resourceType: 'access_token',
    resourceId: decision.tokenId ?? null,
    outcome: decision.outcome,
    reason: decision.reason,
    requestId: origin.requestId,
    sourceAddress: origin.sourceAddress,
    partnerId: decision.partnerId,
  });
}

/**
 * Records a refused token request in a transaction of its own. A failure is logged and
 * not thrown, because the request is refused either way and nothing was issued.
 */
export async function recordTokenRefusal(
  db: Kysely<Database>,
  origin: TokenRequestOrigin,
  refusal: { partnerId: string | null; reason: string },
): Promise<void> {
  try {
    await db.transaction().execute((trx) => appendTokenAudit(trx, origin, { outcome: 'deny', ...refusal }));
  } catch (error) {
    logger.error('audit append failed for a rejected token request', { requestId: origin.requestId, reason: refusal.reason, error });
  }
}
