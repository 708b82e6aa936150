import type { Transaction } from 'kysely';

import type { Database } from '../db/schema.js';

type Trx = Transaction<Database>;

/** A grant or access request that the erasure ends, with the partner to record in its audit entry. */
export interface EndedWithPartner {
  id: string;
  partnerId: string;
}

/** Rows that `deletePersonData` removed, by kind. */
export interface DeletedRows {
  documents: number;
  userKeys: number;
  grants: number;
  accessRequests: number;
  sharingCodes: number;
  sessions: number;
}

/**
 * Locks the account row until the transaction ends, so two erasures of the
 * same account run one after the other. Returns undefined for an unknown id.
 */
export async function lockAccount(trx: Trx, accountId: string): Promise<{ erasedAt: Date | null } | undefined> {
  const row = await trx.selectFrom('accounts').select('erased_at').where('id', '=', accountId).forUpdate().executeTakeFirst();
  return row ? { erasedAt: row.erased_at } : undefined;
}

/** Lists the person's grants that are not revoked: the erasure records a revocation for each. */
export async function listUnrevokedGrants(trx: Trx, personId: string): Promise<EndedWithPartner[]> {
  const rows = await trx.selectFrom('grants').select(['id', 'partner_id']).where('person_id', '=', personId).where('revoked_at', 'is', null).orderBy('id').execute();
  return rows.map((row) => ({ id: row.id, partnerId: row.partner_id }));
}

/** Lists the person's pending access requests: the erasure records a cancellation for each. */
export async function listPendingAccessRequests(trx: Trx, personId: string): Promise<EndedWithPartner[]> {
  const rows = await trx.selectFrom('access_requests').select(['id', 'partner_id']).where('person_id', '=', personId).where('status', '=', 'pending').orderBy('id').execute();
  return rows.map((row) => ({ id: row.id, partnerId: row.partner_id }));
}

/**
 * Deletes every row that contains the person's data or keys, children first:
 * access requests (and the partners' sealed messages), sharing codes,
 * idempotency keys, grants with their document and category lists, document
 * chunks, documents with their wrapped document keys, the wrapped user key,
 * and sessions with their sealed ID tokens. Audit entries are left alone.
 */
export async function deletePersonData(trx: Trx, personId: string): Promise<DeletedRows> {
  const accessRequests = await trx.deleteFrom('access_requests').where('person_id', '=', personId).executeTakeFirst();
  const sharingCodes = await trx.deleteFrom('sharing_codes').where('person_id', '=', personId).executeTakeFirst();
  await trx.deleteFrom('idempotency_keys').where('account_id', '=', personId).execute();
  const grants = await trx.deleteFrom('grants').where('person_id', '=', personId).executeTakeFirst();

  const owned = trx.selectFrom('documents').select('id').where('owner_id', '=', personId);
  await trx.deleteFrom('document_chunks').where('document_id', 'in', owned).execute();
  const documents = await trx.deleteFrom('documents').where('owner_id', '=', personId).executeTakeFirst();
  const userKeys = await trx.deleteFrom('user_keys').where('account_id', '=', personId).executeTakeFirst();
  const sessions = await trx.deleteFrom('sessions').where('account_id', '=', personId).executeTakeFirst();

  return {
    documents: Number(documents.numDeletedRows),
    userKeys: Number(userKeys.numDeletedRows),
    grants: Number(grants.numDeletedRows),
    accessRequests: Number(accessRequests.numDeletedRows),
    sharingCodes: Number(sharingCodes.numDeletedRows),
    sessions: Number(sessions.numDeletedRows),
  };
}

/**
 * Marks the account erased and replaces its provider subject with a value
 * that names no one, so the row no longer links the account id, which audit
 * entries keep, to an identity. Signing in again creates a new account.
 */
export async function markAccountErased(trx: Trx, accountId: string, at: Date): Promise<void> {
  await trx.updateTable('accounts').set({ erased_at: at, subject: `erased:${accountId}` }).where('id', '=', accountId).execute();
}

/** Reads the stored hash of an audit entry, as 64 lowercase hex digits. */
export async function auditEntryHash(trx: Trx, chain: number, seq: number): Promise<string> {
  const row = await trx.selectFrom('audit_events').select('hash').where('chain', '=', chain).where('seq', '=', seq).executeTakeFirstOrThrow();
  return row.hash.toString('hex');
}
