/**
 * The audit signing keys as stored in the database, published as a key set,
 * and the signature check that `verifyChain` takes.
 */
import type { Kysely } from 'kysely'

import {
  AUDIT_KEYS_FORMAT,
  encodePublicKey,
  verifyCheckpointSignature,
  type AuditKeySet,
  type PublishedAuditKey,
} from './checkpoint-message.js'
import type { StoredCheckpoint } from './verification-report.js'

/**
 * Reads every audit signing key, current and retired, oldest first, as the
 * published key set. Only public parts are read, never a wrapped secret.
 */
export async function loadAuditKeySet(db: Kysely<any>): Promise<AuditKeySet> {
  const rows = await db
    .selectFrom('audit_signing_keys')
    .select(['key_id', 'public_key', 'created_at', 'retired_at'])
    .orderBy('created_at')
    .orderBy('key_id')
    .execute()

  const keys: PublishedAuditKey[] = rows.map((row) => ({
    keyId: row.key_id as string,
    algorithm: 'Ed25519',
    publicKey: encodePublicKey(row.public_key as Buffer),
    createdAt: (row.created_at as Date).toISOString(),
    retiredAt: row.retired_at === null ? null : (row.retired_at as Date).toISOString(),
  }))
  return { format: AUDIT_KEYS_FORMAT, keys }
}

/**
 * Returns the `verifySignature` option of `verifyChain`, checking each
 * checkpoint against the public keys in `audit_signing_keys`.
 *
 * The keys are read once, then read again once when a checkpoint names a key
 * that the first read did not return, because a key created after the first
 * read may sign a checkpoint that verification's snapshot still includes.
 *
 * NOTE: this trusts the database's key table. Anyone who can insert a key
 * there can sign a forged checkpoint that passes this check. Only a copy of
 * the published key set kept elsewhere detects that.
 */
export async function createDatabaseSignatureVerifier(
  db: Kysely<any>,
): Promise<(checkpoint: StoredCheckpoint) => Promise<boolean>> {
  let keySet = await loadAuditKeySet(db)
  let reloaded = false

  return async (checkpoint) => {
    if (!reloaded && !keySet.keys.some((key) => key.keyId === checkpoint.keyId)) {
      keySet = await loadAuditKeySet(db)
      reloaded = true
    }
    return verifyCheckpointSignature(checkpoint, keySet)
  }
}
