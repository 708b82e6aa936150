import type { Transaction } from 'kysely';

import type { Database } from '../db/schema.js';

/** An Idempotency-Key already used by an account, with the request it came with. */
export interface IdempotencyRecord {
  requestHash: Buffer;
  grantId: string;
}

/** Finds the record of an account's Idempotency-Key. */
export async function findIdempotencyKey(trx: Transaction<Database>, accountId: string, key: string): Promise<IdempotencyRecord | undefined> {
  const row = await trx
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'grant_id'])
    .where('account_id', '=', accountId)
    .where('key', '=', key)
    .executeTakeFirst();
  return row ? { requestHash: row.request_hash, grantId: row.grant_id } : undefined;
}

/**
 * Records an Idempotency-Key with the grant it creates. Returns false when
 * another request recorded the same key first: PostgreSQL makes this insert
 * wait for that request's transaction, so the caller can then read its record.
 */
export async function insertIdempotencyKey(
  trx: Transaction<Database>,
  record: { accountId: string; key: string; requestHash: Buffer; grantId: string; createdAt: Date },
): Promise<boolean> {
  const inserted = await trx
    .insertInto('idempotency_keys')
    .values({ account_id: record.accountId, key: record.key, request_hash: record.requestHash, grant_id: record.grantId, created_at: record.createdAt })
    .onConflict((conflict) => conflict.columns(['account_id', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  return inserted !== undefined;
}
