import { randomUUID } from 'node:crypto';

import type { Kysely, Transaction } from 'kysely';

import type { KeyProvider } from '../../crypto/key-provider.js';
import { createUserKey, unwrapUserKey } from '../../crypto/user-key.js';
import type { Database } from '../db/schema.js';

/**
 * Returns the live account of an identity (issuer and subject), creating it
 * with its wrapped user key at first sign-in. The subject is kept as the
 * provider gives it: FranceConnect's is pairwise, so accounts are never
 * merged on it.
 */
export async function findOrCreateAccount(
  trx: Transaction<Database>,
  keys: KeyProvider,
  issuer: string,
  subject: string,
): Promise<{ accountId: string; created: boolean }> {
  const existing = await trx
    .selectFrom('accounts')
    .select('id')
    .where('issuer', '=', issuer)
    .where('subject', '=', subject)
    .where('erased_at', 'is', null)
    .executeTakeFirst();
  if (existing) return { accountId: existing.id, created: false };

  const accountId = randomUUID();
  const { wrapped } = await createUserKey(keys, accountId);
  await trx.insertInto('accounts').values({ id: accountId, issuer, subject }).execute();
  await trx
    .insertInto('user_keys')
    .values({ account_id: accountId, kek_id: wrapped.kekId, wrapped_key: Buffer.from(wrapped.wrapped) })
    .execute();
  return { accountId, created: true };
}

/**
 * Unwraps an account's user key. WARNING: the result opens every document of
 * that person; keep it in the request that needs it and never log it.
 */
export async function loadUserKey(db: Kysely<Database> | Transaction<Database>, keys: KeyProvider, accountId: string): Promise<Uint8Array> {
  const row = await db
    .selectFrom('user_keys')
    .select(['kek_id', 'wrapped_key'])
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  return unwrapUserKey(keys, { kekId: row.kek_id, wrapped: row.wrapped_key }, accountId);
}
