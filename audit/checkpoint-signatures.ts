/**
 * The audit signing keys as stored in the database, published as a key set,
 * and the signature check that `verifyChain` takes.
 */
import type { Kysely } from 'kysely'

import type { KeyProvider } from '../crypto/key-provider.js'
import {
  AUDIT_KEYS_FORMAT,
  encodePublicKey,
  verifyCheckpointSignature,
  type AuditKeySet,
  type PublishedAuditKey,
} from './checkpoint-message.js'
import { readStoredAuditKeys, trustedKeyIds } from './trusted-keys.js'
import type { StoredCheckpoint } from './verification-report.js'

/**
 * Reads the audit signing keys that the vault trusts (`trusted-keys.ts`),
 * current and retired, oldest first, as the published key set. A key in the
 * table that the master key does not vouch for is left out.
 */
export async function loadAuditKeySet(db: Kysely<any>, keys: KeyProvider): Promise<AuditKeySet> {
  const rows = await readStoredAuditKeys(db)
  const trusted = await trustedKeyIds(rows, keys)

  const published: PublishedAuditKey[] = rows
    .filter((row) => trusted.has(row.key_id))
    .map((row) => ({
      keyId: row.key_id,
      algorithm: 'Ed25519',
      publicKey: encodePublicKey(row.public_key),
      createdAt: row.created_at.toISOString(),
      retiredAt: row.retired_at === null ? null : row.retired_at.toISOString(),
    }))
  return { format: AUDIT_KEYS_FORMAT, keys: published }
}

/**
 * Returns the `verifySignature` option of `verifyChain`, checking each
 * checkpoint against the trusted keys of `loadAuditKeySet`. A checkpoint
 * signed by a key that the master key does not vouch for fails.
 *
 * The keys are read once, then read again once when a checkpoint names a key
 * that the first read did not return, because a key created after the first
 * read may sign a checkpoint that verification's snapshot still includes.
 */
export async function createDatabaseSignatureVerifier(
  db: Kysely<any>,
  keys: KeyProvider,
): Promise<(checkpoint: StoredCheckpoint) => Promise<boolean>> {
  let keySet = await loadAuditKeySet(db, keys)
  let reloaded = false

  return async (checkpoint) => {
    if (!reloaded && !keySet.keys.some((key) => key.keyId === checkpoint.keyId)) {
      keySet = await loadAuditKeySet(db, keys)
      reloaded = true
    }
    return verifyCheckpointSignature(checkpoint, keySet)
  }
}
