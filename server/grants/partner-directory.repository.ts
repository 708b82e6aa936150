import type { Kysely, Transaction } from 'kysely';

import type { PartnerFacts } from '../../policies/index.js';
import type { Database } from '../db/schema.js';
import { findPartner as findStoredPartner } from '../partners/partner.repository.js';

type Reader = Kysely<Database> | Transaction<Database>;

/** A registered partner as grants need it: its standing and the name people see. */
export interface PartnerRecord extends PartnerFacts {
  name: string;
}

/** Finds a registered partner by id; the id must be a well-formed UUID. */
export async function findPartner(db: Reader, partnerId: string): Promise<PartnerRecord | undefined> {
  const partner = await findStoredPartner(db, partnerId);
  // Any status other than `active` is treated as suspended, so a status added
  // later never grants access by default.
  return partner ? { id: partner.id, name: partner.name, status: partner.status === 'active' ? 'active' : 'suspended' } : undefined;
}

/** Returns the names of the given partners by id; unknown ids are left out. */
export async function findPartnerNames(db: Reader, partnerIds: readonly string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  if (partnerIds.length === 0) return names;
  const rows = await db.selectFrom('partners').select(['id', 'name']).where('id', 'in', [...new Set(partnerIds)]).execute();
  for (const row of rows) names.set(row.id, row.name);
  return names;
}
