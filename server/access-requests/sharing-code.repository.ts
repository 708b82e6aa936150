import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';

import type { Database, SharingCodesTable } from '../db/schema.js';
import type { ListPosition } from '../grants/grant.types.js';
import type { StoredSharingCode } from './sharing-code.types.js';

type Reader = Kysely<Database> | Transaction<Database>;

/** Inserts a sharing code by its hash. */
export async function insertSharingCode(trx: Transaction<Database>, code: StoredSharingCode, codeHash: Buffer): Promise<void> {
  await trx
    .insertInto('sharing_codes')
    .values({ id: code.id, person_id: code.personId, code_hash: codeHash, expires_at: code.expiresAt, created_at: code.createdAt })
    .execute();
}

/** Finds a sharing code by the hash of the code, whatever its state. */
export async function findSharingCodeByHash(db: Reader, codeHash: Buffer): Promise<StoredSharingCode | undefined> {
  const row = await db.selectFrom('sharing_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
  return row ? toStoredSharingCode(row) : undefined;
}

/** Finds a sharing code by id, locking it until the transaction ends. */
export async function findSharingCodeForUpdate(trx: Transaction<Database>, id: string): Promise<StoredSharingCode | undefined> {
  const row = await trx.selectFrom('sharing_codes').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  return row ? toStoredSharingCode(row) : undefined;
}

/** Lists a person's sharing codes newest first, one more than `limit`. */
export async function listSharingCodesOfPerson(db: Reader, personId: string, page: { limit: number; after?: ListPosition }): Promise<StoredSharingCode[]> {
  let query = db.selectFrom('sharing_codes').selectAll().where('person_id', '=', personId);
  if (page.after) {
    const { createdAt, id } = page.after;
    query = query.where(sql<boolean>`(created_at, id) < (${createdAt}::timestamptz, ${id}::uuid)`);
  }
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit + 1).execute();
  return rows.map(toStoredSharingCode);
}

/** Sets `revoked_at` on a sharing code that is not revoked yet. */
export async function revokeSharingCode(trx: Transaction<Database>, id: string, at: Date): Promise<void> {
  await trx.updateTable('sharing_codes').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
}

function toStoredSharingCode(row: Selectable<SharingCodesTable>): StoredSharingCode {
  return { id: row.id, personId: row.person_id, expiresAt: row.expires_at, revokedAt: row.revoked_at, createdAt: row.created_at };
}
