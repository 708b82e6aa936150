import { sql, type Kysely } from 'kysely';

import { appendAuditEvent } from '../../audit/append.js';
import { createDatabaseSignatureVerifier } from '../../audit/checkpoint-signatures.js';
import type { ChainHead } from '../../audit/verification-report.js';
import { verifyChain, type VerificationReport } from '../../audit/verify.js';
import type { KeyProvider } from '../../crypto/key-provider.js';
import type { Database } from '../db/schema.js';
import { AppError } from '../errors/app-error.js';
import { logger } from '../logging/logger.js';

/** Latest checkpoint covered by a verification, as the DPO's response shows it. */
export interface LatestCheckpointView {
  chain: number;
  seq: number;
  /** Signed head hash, 64 lowercase hex digits. */
  headHash: string;
  /** RFC 3339 UTC. */
  time: string;
  keyId: string;
}

/** Response of `GET /dpo/v1/audit/verification`. */
export type VerificationView = VerificationReport & { latestCheckpoint: LatestCheckpointView | null };

/** Account that requested a verification, as the audit log records it. */
export interface VerificationActor {
  actorType: 'person' | 'dpo' | 'admin';
  accountId: string;
  requestId: string | null;
  sourceAddress: string | null;
}

/**
 * Verifies the whole chain with checkpoint signatures, then records
 * `audit.verify`. The entry is appended after verification, in a transaction
 * of its own, because an entry appended during verification would belong to
 * the chain being verified. So the report never covers its own entry, and the
 * next verification does.
 *
 * The latest checkpoint returned is the most recent one that signs a
 * verified entry, whatever its chain.
 * Throws `audit_unavailable` when the entry cannot be written, so no report
 * leaves without its record.
 */
export async function verifyAuditLog(db: Kysely<Database>, keys: KeyProvider, actor: VerificationActor): Promise<VerificationView> {
  const report = await verifyChain(db, { verifySignature: await createDatabaseSignatureVerifier(db, keys) });
  const latestCheckpoint = await latestCheckpointWithin(db, report.heads);

  await recordVerification(db, actor, 'allow', report.valid ? null : report.failure?.kind ?? null);
  if (!report.valid) logger.warn('audit verification found a mismatch', { requestId: actor.requestId, failure: report.failure });
  return { ...report, latestCheckpoint };
}

/** Records a verification decision in a transaction of its own; throws `audit_unavailable` when it cannot. */
export async function recordVerification(
  db: Kysely<Database>,
  actor: VerificationActor,
  outcome: 'allow' | 'deny',
  reason: string | null,
): Promise<void> {
  try {
    await db.transaction().execute((trx) =>
      appendAuditEvent(trx, {
        actorType: actor.actorType,
        actorId: actor.accountId,
        subjectId: null,
        action: 'audit.verify',
        resourceType: 'audit_log',
        resourceId: null,
        outcome,
        reason,
        requestId: actor.requestId,
        sourceAddress: actor.sourceAddress,
      }),
    );
  } catch (error) {
    logger.error('audit append failed', { requestId: actor.requestId, action: 'audit.verify', error });
    throw new AppError('audit_unavailable', {}, { cause: error });
  }
}

/**
 * Returns the most recently written checkpoint that signs an entry the
 * report verified: at or before the verified head of its chain.
 */
async function latestCheckpointWithin(db: Kysely<Database>, heads: ChainHead[]): Promise<LatestCheckpointView | null> {
  if (heads.length === 0) return null;
  const { rows } = await sql<{ chain: number; seq: string; head_hash: Buffer; time: Date; key_id: string }>`
    select c.chain, c.seq, c.head_hash, c.time, c.key_id
    from audit_checkpoints c
    join unnest(${heads.map((head) => head.chain)}::smallint[], ${heads.map((head) => head.seq)}::bigint[]) as h(chain, seq)
      on c.chain = h.chain and c.seq <= h.seq
    order by c.id desc
    limit 1
  `.execute(db);
  const row = rows[0];
  if (row === undefined) return null;
  return { chain: Number(row.chain), seq: Number(row.seq), headHash: row.head_hash.toString('hex'), time: new Date(row.time).toISOString(), keyId: row.key_id };
}
