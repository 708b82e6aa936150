/**
 * Trust in the rows of `audit_signing_keys`, for verification.
 *
 * Anyone who can write the table can insert a key, sign forged checkpoints
 * with it and make them pass a check against the table. The vault therefore
 * trusts a key only when one of these holds:
 *
 * - the master key unwraps its stored secret, and the secret belongs to its
 *   public key, which only a key the vault made can satisfy (an anchor);
 * - the lineage of an anchor, signed by that anchor, names it with the same
 *   public key.
 *
 * A key retired before lineages existed, or left out of every anchor's
 * lineage, is not trusted, and the checkpoints it signed then fail.
 */
import type { Kysely } from 'kysely'

import { DecryptionFailed, KeyProviderError } from '../crypto/errors.js'
import type { KeyProvider } from '../crypto/key-provider.js'
import { unwrapAuditSigningKey, verifyDetached } from '../crypto/signing-key.js'
import { logger } from '../server/logging/logger.js'
import { parseKeyLineage } from './key-lineage.js'

/** A row of `audit_signing_keys` as trust is decided on it. */
export interface StoredAuditKey {
  key_id: string
  public_key: Buffer
  wrapped_secret: Buffer | null
  kek_id: string | null
  created_at: Date
  retired_at: Date | null
  lineage: Buffer | null
  lineage_signature: Buffer | null
}

/** Reads every audit signing key, oldest first. */
export async function readStoredAuditKeys(db: Kysely<any>): Promise<StoredAuditKey[]> {
  return (await db
    .selectFrom('audit_signing_keys')
    .select(['key_id', 'public_key', 'wrapped_secret', 'kek_id', 'created_at', 'retired_at', 'lineage', 'lineage_signature'])
    .orderBy('created_at')
    .orderBy('key_id')
    .execute()) as StoredAuditKey[]
}

/** Returns the ids of the keys in `rows` that verification may trust. */
export async function trustedKeyIds(rows: readonly StoredAuditKey[], keys: KeyProvider): Promise<Set<string>> {
  const trusted = new Set<string>()
  for (const anchor of rows) {
    if (!(await isAnchor(anchor, keys))) continue
    trusted.add(anchor.key_id)

    for (const predecessor of await vouchedKeys(anchor)) {
      const row = rows.find((candidate) => candidate.key_id === predecessor.keyId)
      if (row !== undefined && Buffer.from(predecessor.publicKey).equals(row.public_key)) trusted.add(row.key_id)
    }
  }
  return trusted
}

/** Tells whether the master key unwraps the key's secret, and the secret belongs to its public key. */
async function isAnchor(row: StoredAuditKey, keys: KeyProvider): Promise<boolean> {
  if (row.wrapped_secret === null || row.kek_id === null) return false
  try {
    const key = await unwrapAuditSigningKey(keys, row.key_id, new Uint8Array(row.public_key), { kekId: row.kek_id, wrapped: new Uint8Array(row.wrapped_secret) })
    key.secretKey.fill(0)
    return true
  } catch (error) {
    // A KEK that the provider does not have (one destroyed after a rotation)
    // proves nothing either.
    if (error instanceof DecryptionFailed || error instanceof KeyProviderError) {
      logger.warn('audit signing key not trusted: its secret does not unwrap with the master key', { keyId: row.key_id, kekId: row.kek_id })
      return false
    }
    throw error
  }
}

/** Returns the keys that the anchor's lineage names, or none when the lineage is missing or does not verify. */
async function vouchedKeys(anchor: StoredAuditKey): Promise<{ keyId: string; publicKey: Uint8Array }[]> {
  if (anchor.lineage === null || anchor.lineage_signature === null) return []
  const lineage = parseKeyLineage(anchor.lineage)
  const signed = await verifyDetached(new Uint8Array(anchor.public_key), new Uint8Array(anchor.lineage), new Uint8Array(anchor.lineage_signature))
  if (lineage === undefined || !signed || lineage.key.keyId !== anchor.key_id || !Buffer.from(lineage.key.publicKey).equals(anchor.public_key)) {
    logger.warn('audit signing key lineage does not verify; the keys it names are not trusted', { keyId: anchor.key_id })
    return []
  }
  return lineage.predecessors
}
