import type { Transaction } from 'kysely';

import { constantTimeEqual } from '../../crypto/constant-time.js';
import type { AppContext } from '../context.js';
import type { Database } from '../db/schema.js';
import { AppError } from '../errors/app-error.js';
import { recordAudit } from './audit-record.js';
import { CURRENT_CONSENT_VERSION } from './consent-text.js';
import { mapDatabaseError } from './database-error.js';
import { allowed, denialError, denied, settle, type Outcome } from './decision-outcome.js';
import { decideAndInsertGrant, grantCreationError } from './grant-insert.js';
import { hashGrantRequest, type GrantRequest } from './grant-request.js';
import { findGrant } from './grant.repository.js';
import type { StoredGrant } from './grant.types.js';
import { findIdempotencyKey, insertIdempotencyKey } from './idempotency.repository.js';
import { decidePersonSharing, type PersonActor } from './person-actor.js';
import { parseUuid } from './uuid.js';

/** A created grant, or the grant that an earlier request with the same Idempotency-Key created. */
export interface GrantCreated {
  grant: StoredGrant;
  /** False when the grant comes from an earlier request with the same key and body. */
  created: boolean;
}

/** Thrown inside the transaction when a concurrent request recorded the same key first. */
class IdempotencyKeyTaken extends Error {}

/**
 * Creates a grant for the signed-in person. With an Idempotency-Key, the
 * same key and body return the grant of the first request, and the same key
 * with another body is refused with `idempotency_key_reused` (422). The
 * decision, the grant and its audit entry commit together; a denial commits
 * its audit entry alone.
 */
export async function createGrant(ctx: AppContext, actor: PersonActor, request: GrantRequest, idempotencyKey: string | null): Promise<GrantCreated> {
  const requestHash = hashGrantRequest(request);
  const attempt = () => ctx.db.transaction().execute((trx) => createInTransaction(trx, actor, request, idempotencyKey, requestHash));
  try {
    try {
      return settle(await attempt());
    } catch (error) {
      // The concurrent request has committed by now, so its key is readable.
      if (error instanceof IdempotencyKeyTaken) return settle(await attempt());
      throw error;
    }
  } catch (error) {
    throw mapDatabaseError(error, actor.requestId);
  }
}

async function createInTransaction(
  trx: Transaction<Database>,
  actor: PersonActor,
  request: GrantRequest,
  idempotencyKey: string | null,
  requestHash: Buffer,
): Promise<Outcome<GrantCreated>> {
  const now = new Date();
  const partnerId = parseUuid(request.partnerId);
  const deny = async (reason: string, error: AppError): Promise<Outcome<GrantCreated>> => {
    await recordAudit(trx, actor.audit, { action: 'grant.create', resourceType: 'grant', resourceId: null, subjectId: actor.accountId, outcome: 'deny', reason, partnerId });
    return denied(error);
  };

  const standing = decidePersonSharing(actor);
  if (standing.effect === 'deny') return deny(standing.reason, denialError(standing.reason));

  if (idempotencyKey !== null) {
    const earlier = await findIdempotencyKey(trx, actor.accountId, idempotencyKey);
    if (earlier) {
      if (!constantTimeEqual(earlier.requestHash, requestHash)) return deny('idempotency_key_reused', new AppError('idempotency_key_reused'));
      const grant = await findGrant(trx, earlier.grantId);
      // The key's row goes with its grant (ON DELETE CASCADE), so the grant exists.
      if (!grant) throw new Error('idempotency key without its grant');
      return allowed({ grant, created: false });
    }
  }

  if (request.consentVersion !== null && request.consentVersion !== CURRENT_CONSENT_VERSION) {
    return deny('consent_version_outdated', new AppError('consent_version_outdated'));
  }

  const result = await decideAndInsertGrant(trx, { personId: actor.accountId, ...request }, now);
  if (result.effect === 'deny') return deny(result.reason, grantCreationError(result, request));

  const { grant } = result;
  if (idempotencyKey !== null) {
    const recorded = await insertIdempotencyKey(trx, { accountId: actor.accountId, key: idempotencyKey, requestHash, grantId: grant.id, createdAt: now });
    if (!recorded) throw new IdempotencyKeyTaken();
  }
  await recordAudit(trx, actor.audit, {
    action: 'grant.create',
    resourceType: 'grant',
    resourceId: grant.id,
    subjectId: actor.accountId,
    outcome: 'allow',
    reason: null,
    partnerId: grant.partnerId,
    grantId: grant.id,
  });
  return allowed({ grant, created: true });
}
