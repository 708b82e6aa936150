import { sql, type Kysely, type Transaction } from 'kysely';

import { appendAuditEvent } from '../../audit/append.js';
import { writeCheckpoints, type WrittenCheckpoint } from '../../audit/checkpoint-writer.js';
import { keyLineageBytes, type LineageKey } from '../../audit/key-lineage.js';
import { readStoredAuditKeys, trustedKeyIds } from '../../audit/trusted-keys.js';
import { DecryptionFailed, KeyProviderError } from '../../crypto/errors.js';
import type { KeyProvider } from '../../crypto/key-provider.js';
import { createAuditSigningKey, signDetached, unwrapAuditSigningKey, type AuditSigningKey } from '../../crypto/signing-key.js';
import type { Database } from '../db/schema.js';
import { logger } from '../logging/logger.js';

/**
 * Transaction-scoped advisory lock key that serializes the creation and the
 * rotation of audit signing keys, so two instances starting together create
 * one key. It is "Coffre" followed by 0x8001, past the range of chain lock keys
 * (0x0000 to 0x7fff) that `audit/chains.ts` reserves.
 */
const SIGNING_KEY_LOCK_KEY = (0x436f_6666_7265_8001n).toString();

/** Result of a rotation: the new key, the keys it retired and the checkpoints it signed, one per chain with entries. */
export interface SigningKeyRotation {
  key: AuditSigningKey;
  retiredKeyIds: string[];
  checkpoints: WrittenCheckpoint[];
}

/** Returns the id of the current (not retired) audit signing key, or null when there is none. */
export async function currentSigningKeyId(db: Kysely<Database>): Promise<string | null> {
  const row = await db
    .selectFrom('audit_signing_keys')
    .select('key_id')
    .where('retired_at', 'is', null)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.key_id ?? null;
}

/**
 * Loads the current audit signing key, unwrapping its secret with the KEK,
 * and creates and stores one when there is none. Throws DecryptionFailed or
 * KeyProviderError when the stored secret cannot be unwrapped, which must
 * stop the start: a vault that cannot sign checkpoints must not run silently.
 */
export async function loadOrCreateSigningKey(db: Kysely<Database>, keys: KeyProvider, now = new Date()): Promise<AuditSigningKey> {
  return db.transaction().execute(async (trx) => {
    await lockSigningKeys(trx);
    const current = await readCurrentKey(trx, keys);
    if (current !== null) {
      if (!current.hasLineage) await recordFirstLineage(trx, current.key, now);
      return current.key;
    }

    // A first key succeeds no key: any row left in the table stays untrusted.
    const created = await insertNewKey(trx, keys, now, []);
    logger.info('audit signing key created', { keyId: created.keyId });
    return created;
  });
}

/**
 * Replaces the current audit signing key. In one transaction, it creates and
 * stores a new key, retires every other current key and records
 * `audit.key_rotate` by the system actor. A retired key gets `retired_at` and
 * loses its wrapped secret but keeps its public key for verification. Then it
 * signs every chain head with the new key, so the rotation entry is covered.
 */
export async function rotateSigningKey(
  db: Kysely<Database>,
  keys: KeyProvider,
  audit: { requestId: string | null } = { requestId: null },
  now = new Date(),
): Promise<SigningKeyRotation> {
  const { key, retiredKeyIds } = await db.transaction().execute(async (trx) => {
    await lockSigningKeys(trx);
    await recordMissingLineage(trx, keys, now);

    // The new key vouches for the keys trusted now, and only for them: a key
    // inserted into the table without the master key stays out of the lineage.
    const rows = await readStoredAuditKeys(trx);
    const trusted = await trustedKeyIds(rows, keys);
    const predecessors = rows.filter((row) => trusted.has(row.key_id)).map((row) => ({ keyId: row.key_id, publicKey: new Uint8Array(row.public_key) }));
    const created = await insertNewKey(trx, keys, now, predecessors);

    const retired = await trx
      .updateTable('audit_signing_keys')
      .set({ retired_at: now, wrapped_secret: null, kek_id: null })
      .where('retired_at', 'is', null)
      .where('key_id', '<>', created.keyId)
      .returning('key_id')
      .execute();

    await appendAuditEvent(trx, {
      actorType: 'system',
      actorId: null,
      subjectId: null,
      action: 'audit.key_rotate',
      resourceType: 'audit_signing_key',
      resourceId: created.keyId,
      outcome: 'allow',
      reason: null,
      requestId: audit.requestId,
      sourceAddress: null,
    });
    return { key: created, retiredKeyIds: retired.map((row) => row.key_id) };
  });

  logger.info('audit signing key rotated', { keyId: key.keyId, retiredKeyIds });
  const checkpoints = await writeCheckpoints(db, key, { force: true });
  return { key, retiredKeyIds, checkpoints };
}

async function lockSigningKeys(trx: Transaction<Database>): Promise<void> {
  await sql`select pg_advisory_xact_lock(${SIGNING_KEY_LOCK_KEY}::bigint)`.execute(trx);
}

async function readCurrentKey(trx: Transaction<Database>, keys: KeyProvider): Promise<{ key: AuditSigningKey; hasLineage: boolean } | null> {
  const row = await trx
    .selectFrom('audit_signing_keys')
    .select(['key_id', 'public_key', 'wrapped_secret', 'kek_id', 'lineage'])
    .where('retired_at', 'is', null)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (row === undefined) return null;
  if (row.wrapped_secret === null || row.kek_id === null) {
    throw new Error(`audit signing key ${row.key_id} is current but has no wrapped secret; run npm run audit:rotate-key to replace it`);
  }
  const key = await unwrapAuditSigningKey(keys, row.key_id, new Uint8Array(row.public_key), { kekId: row.kek_id, wrapped: new Uint8Array(row.wrapped_secret) });
  return { key, hasLineage: row.lineage !== null };
}

/**
 * Records the first lineage of a current key that has none, before a
 * rotation. A rotation must also replace a current key that cannot prove
 * itself (its secret erased or not unwrapping), so such a key is left as
 * it is, and it and the keys before it stay untrusted.
 */
async function recordMissingLineage(trx: Transaction<Database>, keys: KeyProvider, now: Date): Promise<void> {
  const row = await trx
    .selectFrom('audit_signing_keys')
    .select(['key_id', 'public_key', 'wrapped_secret', 'kek_id'])
    .where('retired_at', 'is', null)
    .where('lineage', 'is', null)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (row === undefined) return;
  if (row.wrapped_secret === null || row.kek_id === null) {
    logger.warn('current audit signing key has no secret; rotating without its lineage', { keyId: row.key_id });
    return;
  }

  let key: AuditSigningKey;
  try {
    key = await unwrapAuditSigningKey(keys, row.key_id, new Uint8Array(row.public_key), { kekId: row.kek_id, wrapped: new Uint8Array(row.wrapped_secret) });
  } catch (error) {
    if (!(error instanceof DecryptionFailed || error instanceof KeyProviderError)) throw error;
    logger.warn('current audit signing key does not unwrap; rotating without its lineage', { keyId: row.key_id, error });
    return;
  }
  try {
    await recordFirstLineage(trx, key, now);
  } finally {
    key.secretKey.fill(0);
  }
}

/**
 * Signs a lineage for a current key made before lineages existed. It names
 * every other key in the table as they are now, trusting the table this
 * once, because their secrets are erased and nothing else can vouch for them.
 */
async function recordFirstLineage(trx: Transaction<Database>, key: AuditSigningKey, now: Date): Promise<void> {
  const others = (await readStoredAuditKeys(trx)).filter((row) => row.key_id !== key.keyId);
  const predecessors = others.map((row) => ({ keyId: row.key_id, publicKey: new Uint8Array(row.public_key) }));
  const lineage = await signedLineage(key, predecessors, now);
  await trx.updateTable('audit_signing_keys').set(lineage).where('key_id', '=', key.keyId).execute();
  logger.info('audit signing key lineage recorded', { keyId: key.keyId, predecessorKeyIds: others.map((row) => row.key_id) });
}

/** Builds and signs the key's lineage, as the columns that store it. */
async function signedLineage(key: AuditSigningKey, predecessors: LineageKey[], now: Date): Promise<{ lineage: Buffer; lineage_signature: Buffer }> {
  const bytes = keyLineageBytes({ key: { keyId: key.keyId, publicKey: key.publicKey }, predecessors, time: now.toISOString() });
  return { lineage: bytes, lineage_signature: Buffer.from(await signDetached(key.secretKey, bytes)) };
}

async function insertNewKey(trx: Transaction<Database>, keys: KeyProvider, now: Date, predecessors: LineageKey[]): Promise<AuditSigningKey> {
  const { key, wrappedSecret } = await createAuditSigningKey(keys);
  const lineage = await signedLineage(key, predecessors, now);
  await trx
    .insertInto('audit_signing_keys')
    .values({
      key_id: key.keyId,
      public_key: Buffer.from(key.publicKey),
      wrapped_secret: Buffer.from(wrappedSecret.wrapped),
      kek_id: wrappedSecret.kekId,
      created_at: now,
      retired_at: null,
      ...lineage,
    })
    .execute();
  return key;
}
