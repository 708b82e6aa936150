import { randomUUID } from 'node:crypto';

import type { Kysely } from 'kysely';

import { writeCheckpoint } from '../../audit/checkpoint-writer.js';
import { ERASURE_CERTIFICATE_FORMAT, signErasureCertificate, type CertificateCheckpoint, type ErasureCertificate } from '../../audit/erasure-certificate.js';
import type { AuditSigningKey } from '../../crypto/signing-key.js';
import { loadOrCreateSigningKey } from '../audit/signing-key.repository.js';
import type { AppContext } from '../context.js';
import type { Database } from '../db/schema.js';
import type { CompletedErasure } from './erasure.service.js';

/**
 * Signs a checkpoint that covers the erasure's audit entry, then returns the
 * erasure certificate signed with the same audit key. Call it after the
 * erasure has committed: the checkpoint reads the chain's stored head.
 */
export async function issueErasureCertificate(ctx: AppContext, erasure: CompletedErasure): Promise<ErasureCertificate> {
  const key = await loadOrCreateSigningKey(ctx.db, ctx.keys);
  try {
    const checkpoint = await checkpointCovering(ctx.db, key, erasure.auditEntry.chain);
    return await signErasureCertificate(
      {
        format: ERASURE_CERTIFICATE_FORMAT,
        certificateId: randomUUID(),
        personId: erasure.accountId,
        erasedAt: erasure.erasedAt.toISOString(),
        destroyed: {
          documents: erasure.deleted.documents,
          documentKeys: erasure.deleted.documents,
          userKeys: erasure.deleted.userKeys,
          grants: erasure.deleted.grants,
          accessRequests: erasure.deleted.accessRequests,
        },
        auditEntry: erasure.auditEntry,
        checkpoint,
        keyId: key.keyId,
      },
      key,
    );
  } finally {
    key.secretKey.fill(0);
  }
}

// The one use of the checkpoint writer. `force` signs the head even when the
// scheduler has just covered it, so the certificate names a checkpoint of
// its own, written after the erasure committed.
async function checkpointCovering(db: Kysely<Database>, key: AuditSigningKey, chain: number): Promise<CertificateCheckpoint> {
  const written = await writeCheckpoint(db, key, chain, { force: true });
  if (written === null) throw new Error(`audit chain ${chain} has no entry to sign, although the erasure appended one`);

  const row = await db
    .selectFrom('audit_checkpoints')
    .select('signature')
    .where('chain', '=', written.chain)
    .where('seq', '=', written.seq)
    .where('key_id', '=', written.keyId)
    .where('time', '=', new Date(written.time))
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  return { ...written, signature: row.signature.toString('base64url') };
}
