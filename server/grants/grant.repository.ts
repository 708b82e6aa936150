import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';

import type { DocumentCategory, Purpose } from '../../policies/index.js';
import type { Database, GrantsTable } from '../db/schema.js';
import type { ListPosition, NewGrant, StoredGrant } from './grant.types.js';

type Reader = Kysely<Database> | Transaction<Database>;

type GrantRow = Selectable<GrantsTable> & { document_ids: string[]; categories: string[] };

/** Inserts a grant with its listed documents and categories. */
export async function insertGrant(trx: Transaction<Database>, grant: NewGrant): Promise<void> {
  await trx
    .insertInto('grants')
    .values({
      id: grant.id,
      person_id: grant.personId,
      partner_id: grant.partnerId,
      purpose: grant.purpose,
      purpose_text: grant.purposeText,
      starts_at: grant.startsAt,
      ends_at: grant.endsAt,
      consent_version: grant.consentVersion,
      created_at: grant.createdAt,
    })
    .execute();
  if (grant.documentIds.length > 0) {
    await trx
      .insertInto('grant_documents')
      .values(grant.documentIds.map((documentId) => ({ grant_id: grant.id, document_id: documentId })))
      .execute();
  }
  if (grant.categories.length > 0) {
    await trx
      .insertInto('grant_categories')
      .values(grant.categories.map((category) => ({ grant_id: grant.id, category })))
      .execute();
  }
}

/**
 * Finds a grant by id, whatever its person. The caller's policy decides
 * who may use it. With `forUpdate`, the row stays locked until the
 * transaction ends, so two revocations cannot both pass their check.
 */
export async function findGrant(db: Reader, grantId: string, options: { forUpdate?: boolean } = {}): Promise<StoredGrant | undefined> {
  let query = grantQuery(db).where('grants.id', '=', grantId);
  if (options.forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row ? toStoredGrant(row) : undefined;
}

/** Lists a person's grants newest first, one more than `limit` so the caller knows if a page follows. */
export async function listGrantsOfPerson(db: Reader, personId: string, page: { limit: number; after?: ListPosition }): Promise<StoredGrant[]> {
  return listGrants(db, 'person_id', personId, page);
}

/** Lists the grants made to a partner newest first, one more than `limit`. */
export async function listGrantsOfPartner(db: Reader, partnerId: string, page: { limit: number; after?: ListPosition }): Promise<StoredGrant[]> {
  return listGrants(db, 'partner_id', partnerId, page);
}

/** Sets `revoked_at` on a grant that is not revoked yet. */
export async function revokeGrant(trx: Transaction<Database>, grantId: string, at: Date): Promise<void> {
  await trx.updateTable('grants').set({ revoked_at: at }).where('id', '=', grantId).where('revoked_at', 'is', null).execute();
}

async function listGrants(db: Reader, column: 'person_id' | 'partner_id', ownerId: string, page: { limit: number; after?: ListPosition }): Promise<StoredGrant[]> {
  let query = grantQuery(db).where(`grants.${column}`, '=', ownerId);
  if (page.after) {
    const { createdAt, id } = page.after;
    query = query.where(sql<boolean>`(grants.created_at, grants.id) < (${createdAt}::timestamptz, ${id}::uuid)`);
  }
  const rows = await query.orderBy('grants.created_at', 'desc').orderBy('grants.id', 'desc').limit(page.limit + 1).execute();
  return rows.map(toStoredGrant);
}

function grantQuery(db: Reader) {
  return db
    .selectFrom('grants')
    .selectAll('grants')
    .select([
      sql<string[]>`coalesce((select array_agg(gd.document_id::text order by gd.document_id) from grant_documents gd where gd.grant_id = grants.id), '{}')`.as('document_ids'),
      sql<string[]>`coalesce((select array_agg(gc.category order by gc.category) from grant_categories gc where gc.grant_id = grants.id), '{}')`.as('categories'),
    ]);
}

// Check constraints limit purpose and category to the policies' unions, so
// the casts cannot widen what the database holds.
function toStoredGrant(row: GrantRow): StoredGrant {
  return {
    id: row.id,
    personId: row.person_id,
    partnerId: row.partner_id,
    documentIds: row.document_ids,
    categories: row.categories as DocumentCategory[],
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    revokedAt: row.revoked_at,
    purpose: row.purpose as Purpose,
    purposeText: row.purpose_text,
    consentVersion: row.consent_version,
    createdAt: row.created_at,
  };
}
