import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { JWK } from 'jose';

import type { Database, PartnersTable } from '../db/schema.js';
import type { ListPosition } from '../http/page-cursor.js';
import type { Partner, PartnerKey, PartnerKeyAlgorithm, PartnerKind, PartnerStatus } from './partner.types.js';

type Reader = Kysely<Database> | Transaction<Database>;

/**
 * Inserts a partner and its keys. Returns false, inserting nothing, when a partner
 * already has this client id, which is how two vault instances seeding the same
 * development partner agree on one row.
 */
export async function insertPartner(trx: Transaction<Database>, partner: Partner, keys: readonly PartnerKey[]): Promise<boolean> {
  const inserted = await trx
    .insertInto('partners')
    .values({
      id: partner.id,
      name: partner.name,
      kind: partner.kind,
      siret: partner.siret,
      status: partner.status,
      client_id: partner.clientId,
      created_at: partner.createdAt,
      suspended_at: partner.suspendedAt,
    })
    .onConflict((conflict) => conflict.column('client_id').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return false;
  await insertPartnerKeys(trx, partner.id, keys);
  return true;
}

/** Adds keys to a partner; a kid that the partner already has keeps its stored key. */
export async function insertPartnerKeys(trx: Transaction<Database>, partnerId: string, keys: readonly PartnerKey[]): Promise<void> {
  if (keys.length === 0) return;
  await trx
    .insertInto('partner_keys')
    .values(keys.map((key) => ({ partner_id: partnerId, kid: key.kid, alg: key.alg, public_jwk: JSON.stringify(key.publicJwk) })))
    .onConflict((conflict) => conflict.columns(['partner_id', 'kid']).doNothing())
    .execute();
}

export async function findPartner(db: Reader, partnerId: string): Promise<Partner | undefined> {
  const row = await db.selectFrom('partners').selectAll().where('id', '=', partnerId).executeTakeFirst();
  return row ? toPartner(row) : undefined;
}

export async function findPartnerByClientId(db: Reader, clientId: string): Promise<Partner | undefined> {
  const row = await db.selectFrom('partners').selectAll().where('client_id', '=', clientId).executeTakeFirst();
  return row ? toPartner(row) : undefined;
}

/**
 * Reads a partner and locks its row against a concurrent status change until the
 * transaction ends, so a token is never issued after the suspension that should stop it.
 */
export async function findPartnerForShare(trx: Transaction<Database>, partnerId: string): Promise<Partner | undefined> {
  const row = await trx.selectFrom('partners').selectAll().where('id', '=', partnerId).forShare().executeTakeFirst();
  return row ? toPartner(row) : undefined;
}

/**
 * Lists partners newest first, after `after` when given. Reads one row more than
 * `limit`, so the caller knows whether a next page exists.
 */
export async function listPartners(
  db: Reader,
  options: { limit: number; after?: ListPosition; status?: PartnerStatus },
): Promise<Partner[]> {
  let query = db.selectFrom('partners').selectAll();
  if (options.status) query = query.where('status', '=', options.status);
  if (options.after) {
    const { createdAt, id } = options.after;
    query = query.where(sql<boolean>`(created_at, id) < (${createdAt}::timestamptz, ${id}::uuid)`);
  }
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit + 1).execute();
  return rows.map(toPartner);
}

/** Lists every active partner, in no particular order. */
export async function listActivePartners(db: Reader): Promise<Partner[]> {
  const rows = await db.selectFrom('partners').selectAll().where('status', '=', 'active').execute();
  return rows.map(toPartner);
}

/** Returns the keys of each partner, by partner id, oldest first. */
export async function listPartnerKeys(db: Reader, partnerIds: readonly string[]): Promise<Map<string, PartnerKey[]>> {
  const keys = new Map<string, PartnerKey[]>(partnerIds.map((id) => [id, []]));
  if (partnerIds.length === 0) return keys;
  const rows = await db
    .selectFrom('partner_keys')
    .select(['partner_id', 'kid', 'alg', 'public_jwk'])
    .where('partner_id', 'in', partnerIds)
    .orderBy('created_at')
    .orderBy('kid')
    .execute();
  for (const row of rows) keys.get(row.partner_id)?.push(toPartnerKey(row));
  return keys;
}

export async function findPartnerKey(db: Reader, partnerId: string, kid: string): Promise<PartnerKey | undefined> {
  const row = await db
    .selectFrom('partner_keys')
    .select(['kid', 'alg', 'public_jwk'])
    .where('partner_id', '=', partnerId)
    .where('kid', '=', kid)
    .executeTakeFirst();
  return row ? toPartnerKey(row) : undefined;
}

/**
 * Moves a partner from status `from` to `to`, setting or clearing `suspended_at`.
 * Returns the updated partner, or undefined when no partner has that id and status.
 */
export async function changePartnerStatus(
  trx: Transaction<Database>,
  partnerId: string,
  change: { from: PartnerStatus; to: PartnerStatus; at: Date },
): Promise<Partner | undefined> {
  const row = await trx
    .updateTable('partners')
    .set({ status: change.to, suspended_at: change.to === 'suspended' ? change.at : null })
    .where('id', '=', partnerId)
    .where('status', '=', change.from)
    .returningAll()
    .executeTakeFirst();
  return row ? toPartner(row) : undefined;
}

// The table's check constraints limit kind, status and alg to the values of these
// unions, so the casts cannot widen what the database holds.
function toPartner(row: Selectable<PartnersTable>): Partner {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as PartnerKind,
    siret: row.siret,
    status: row.status as PartnerStatus,
    clientId: row.client_id,
    createdAt: row.created_at,
    suspendedAt: row.suspended_at,
  };
}

function toPartnerKey(row: { kid: string; alg: string; public_jwk: Record<string, unknown> }): PartnerKey {
  return { kid: row.kid, alg: row.alg as PartnerKeyAlgorithm, publicJwk: row.public_jwk as JWK };
}
