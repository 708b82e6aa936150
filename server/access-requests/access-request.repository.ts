import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';

import type { AccessRequestStatus, DocumentCategory, Purpose } from '../../policies/index.js';
import type { AccessRequestsTable, Database } from '../db/schema.js';
import type { ListPosition } from '../grants/grant.types.js';
import type { StoredAccessRequest } from './access-request.types.js';

type Reader = Kysely<Database> | Transaction<Database>;

/** Inserts a new access request. */
export async function insertAccessRequest(trx: Transaction<Database>, request: StoredAccessRequest): Promise<void> {
  await trx
    .insertInto('access_requests')
    .values({
      id: request.id,
      partner_id: request.partnerId,
      person_id: request.personId,
      sharing_code_id: request.sharingCodeId,
      purpose: request.purpose,
      purpose_text: request.purposeText,
      categories: request.categories,
      message_sealed: request.messageSealed ? Buffer.from(request.messageSealed) : null,
      requested_ends_at: request.requestedEndsAt,
      status: request.status,
      created_at: request.createdAt,
      expires_at: request.expiresAt,
    })
    .execute();
}

/** Finds an access request by id, whatever its person. With `forUpdate`, locks it until the transaction ends. */
export async function findAccessRequest(db: Reader, id: string, options: { forUpdate?: boolean } = {}): Promise<StoredAccessRequest | undefined> {
  let query = db.selectFrom('access_requests').selectAll().where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row ? toStoredAccessRequest(row) : undefined;
}

/** Lists the access requests sent to a person, newest first, one more than `limit`. */
export async function listAccessRequestsOfPerson(db: Reader, personId: string, page: { limit: number; after?: ListPosition }): Promise<StoredAccessRequest[]> {
  let query = db.selectFrom('access_requests').selectAll().where('person_id', '=', personId);
  if (page.after) {
    const { createdAt, id } = page.after;
    query = query.where(sql<boolean>`(created_at, id) < (${createdAt}::timestamptz, ${id}::uuid)`);
  }
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit + 1).execute();
  return rows.map(toStoredAccessRequest);
}

/** Records the person's answer: `approved` with its grant, or `refused`. */
export async function recordAnswer(
  trx: Transaction<Database>,
  id: string,
  answer: { status: 'approved'; grantId: string; at: Date } | { status: 'refused'; at: Date },
): Promise<void> {
  await trx
    .updateTable('access_requests')
    .set({ status: answer.status, answered_at: answer.at, grant_id: answer.status === 'approved' ? answer.grantId : null })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

// Check constraints limit purpose, status and categories to the policies'
// unions, so the casts cannot widen what the database holds.
function toStoredAccessRequest(row: Selectable<AccessRequestsTable>): StoredAccessRequest {
  return {
    id: row.id,
    partnerId: row.partner_id,
    personId: row.person_id,
    sharingCodeId: row.sharing_code_id,
    purpose: row.purpose as Purpose,
    purposeText: row.purpose_text,
    categories: row.categories as DocumentCategory[],
    messageSealed: row.message_sealed,
    requestedEndsAt: row.requested_ends_at,
    status: row.status as AccessRequestStatus,
    createdAt: row.created_at,
    answeredAt: row.answered_at,
    grantId: row.grant_id,
    expiresAt: row.expires_at,
  };
}
