import type { Transaction } from 'kysely';

import type { Database } from '../db/schema.js';

/** A grant that has ended and whose expiry is not recorded yet. */
export interface EndedGrant {
  id: string;
  personId: string;
  partnerId: string;
}

/**
 * Locks up to `limit` grants that ended at or before `now`, are not revoked
 * and have no recorded expiry. Rows locked by another instance's sweep are
 * skipped, so two instances never record the same expiry twice.
 */
export async function lockEndedGrants(trx: Transaction<Database>, now: Date, limit: number): Promise<EndedGrant[]> {
  const rows = await trx
    .selectFrom('grants')
    .select(['id', 'person_id', 'partner_id'])
    .where('ends_at', '<=', now)
    .where('expiry_recorded_at', 'is', null)
    .where('revoked_at', 'is', null)
    .orderBy('ends_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
  return rows.map((row) => ({ id: row.id, personId: row.person_id, partnerId: row.partner_id }));
}

/** Sets `expiry_recorded_at` on the given grants. */
export async function markExpiryRecorded(trx: Transaction<Database>, grantIds: readonly string[], at: Date): Promise<void> {
  if (grantIds.length === 0) return;
  await trx.updateTable('grants').set({ expiry_recorded_at: at }).where('id', 'in', [...grantIds]).execute();
}
