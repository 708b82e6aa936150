import { sql, type Kysely, type Transaction } from 'kysely';

import { tokenSigningKeyContext } from '../../crypto/associated-data.js';
import type { KeyProvider } from '../../crypto/key-provider.js';
import { rewrapSessionIdToken, sealedKekId } from '../../crypto/session-token.js';
import { rewrapAuditSigningKey } from '../../crypto/signing-key.js';
import { rewrapUserKey } from '../../crypto/user-key.js';
import { rewrapWithCurrentKek, type WrappedKey } from '../../crypto/wrapped-key.js';
import type { Database } from '../db/schema.js';
import { sealedKekIdOf } from './kek-usage.repository.js';

/** The kinds of stored values that a KEK wraps, in the order a rotation re-wraps them. */
export const REWRAPPED_KINDS = ['userKeys', 'auditSigningKeys', 'tokenSigningKeys', 'sessionIdTokens'] as const;
export type RewrappedKind = (typeof REWRAPPED_KINDS)[number];

/**
 * Re-wraps up to `batchSize` values of one kind that are not under `targetKekId`, in one
 * transaction, and returns how many it re-wrapped. Rows are taken `FOR UPDATE SKIP LOCKED`,
 * so a row that a request has locked is left for a later batch, so the vault keeps serving. The
 * provider's current KEK must be `targetKekId`.
 */
export async function rewrapBatch(
  db: Kysely<Database>,
  keys: KeyProvider,
  kind: RewrappedKind,
  targetKekId: string,
  batchSize: number,
): Promise<number> {
  return db.transaction().execute((trx) => BATCHES[kind](trx, keys, targetKekId, batchSize));
}

type Batch = (trx: Transaction<Database>, keys: KeyProvider, targetKekId: string, batchSize: number) => Promise<number>;

const BATCHES: Record<RewrappedKind, Batch> = {
  async userKeys(trx, keys, targetKekId, batchSize) {
    const rows = await trx
      .selectFrom('user_keys')
      .select(['account_id', 'kek_id', 'wrapped_key'])
      .where('kek_id', '<>', targetKekId)
      .orderBy('account_id')
      .limit(batchSize)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const row of rows) {
      const rewrapped = await rewrapUserKey(keys, { kekId: row.kek_id, wrapped: row.wrapped_key }, row.account_id);
      await trx
        .updateTable('user_keys')
        .set({ ...columns(rewrapped, targetKekId, 'wrapped_key'), rewrapped_at: sql<Date>`now()` })
        .where('account_id', '=', row.account_id)
        .execute();
    }
    return rows.length;
  },

  async auditSigningKeys(trx, keys, targetKekId, batchSize) {
    const rows = await trx
      .selectFrom('audit_signing_keys')
      .select(['key_id', 'public_key', 'kek_id', 'wrapped_secret'])
      .where('wrapped_secret', 'is not', null)
      .where('kek_id', '<>', targetKekId)
      .orderBy('key_id')
      .limit(batchSize)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const row of rows) {
      const wrapped = { kekId: row.kek_id!, wrapped: row.wrapped_secret! };
      const rewrapped = await rewrapAuditSigningKey(keys, row.key_id, row.public_key, wrapped);
      await trx
        .updateTable('audit_signing_keys')
        .set(columns(rewrapped, targetKekId, 'wrapped_secret'))
        .where('key_id', '=', row.key_id)
        .execute();
    }
    return rows.length;
  },

  async tokenSigningKeys(trx, keys, targetKekId, batchSize) {
    const rows = await trx
      .selectFrom('token_signing_keys')
      .select(['kid', 'kek_id', 'wrapped_private_key'])
      .where('kek_id', '<>', targetKekId)
      .orderBy('kid')
      .limit(batchSize)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const row of rows) {
      const wrapped = { kekId: row.kek_id, wrapped: row.wrapped_private_key };
      const rewrapped = await rewrapWithCurrentKek(keys, wrapped, (kekId) => tokenSigningKeyContext(kekId, row.kid));
      await trx
        .updateTable('token_signing_keys')
        .set(columns(rewrapped, targetKekId, 'wrapped_private_key'))
        .where('kid', '=', row.kid)
        .execute();
    }
    return rows.length;
  },

  async sessionIdTokens(trx, keys, targetKekId, batchSize) {
    const rows = await trx
      .selectFrom('sessions')
      .select(['id_hash', 'id_token_sealed'])
      .where('id_token_sealed', 'is not', null)
      .where(sealedKekIdOf, '<>', targetKekId)
      .orderBy('id_hash')
      .limit(batchSize)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const row of rows) {
      const resealed = await rewrapSessionIdToken(keys, row.id_token_sealed!, row.id_hash);
      requireTarget(sealedKekId(resealed), targetKekId);
      await trx.updateTable('sessions').set({ id_token_sealed: Buffer.from(resealed) }).where('id_hash', '=', row.id_hash).execute();
    }
    return rows.length;
  },
};

function columns<Column extends string>(rewrapped: WrappedKey, targetKekId: string, column: Column): { kek_id: string } & Record<Column, Buffer> {
  requireTarget(rewrapped.kekId, targetKekId);
  return { kek_id: rewrapped.kekId, [column]: Buffer.from(rewrapped.wrapped) } as { kek_id: string } & Record<Column, Buffer>;
}

// The provider's current KEK changes under a running rotation only if another process
// edits the key file. The batch then rolls back rather than mix two target KEKs.
function requireTarget(kekId: string, targetKekId: string): void {
  if (kekId !== targetKekId) {
    throw new Error(
      `the current KEK changed from ${targetKekId} to ${kekId} during the rotation; ` +
        'check that no other process edits the master key, then run npm run keys:rotate again',
    );
  }
}
