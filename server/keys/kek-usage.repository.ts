import { sql, type Kysely, type Transaction } from 'kysely';

import type { Database } from '../db/schema.js';

/** Count of stored values per KEK id, for each kind of value wrapped under a KEK. */
export interface KekUsage {
  userKeys: Record<string, number>;
  auditSigningKeys: Record<string, number>;
  tokenSigningKeys: Record<string, number>;
  sessionIdTokens: Record<string, number>;
}

type Executor = Kysely<Database> | Transaction<Database>;

/** The KEK id inside a sealed session ID token, as the function of migration 0008 reads it. */
export const sealedKekIdOf = sql<string>`coffre_sealed_kek_id(id_token_sealed)`;

/**
 * Counts the values wrapped under each KEK: user keys, audit signing secrets (retired
 * audit keys have none), partner token signing keys and sealed session ID tokens.
 */
export async function countKekUsage(db: Executor): Promise<KekUsage> {
  const [userKeys, auditSigningKeys, tokenSigningKeys, sessionIdTokens] = await Promise.all([
    db.selectFrom('user_keys').select(['kek_id', (eb) => eb.fn.countAll<number>().as('count')]).groupBy('kek_id').execute(),
    db
      .selectFrom('audit_signing_keys')
      .select(['kek_id', (eb) => eb.fn.countAll<number>().as('count')])
      .where('wrapped_secret', 'is not', null)
      .groupBy('kek_id')
      .execute(),
    db.selectFrom('token_signing_keys').select(['kek_id', (eb) => eb.fn.countAll<number>().as('count')]).groupBy('kek_id').execute(),
    db
      .selectFrom('sessions')
      .select([sealedKekIdOf.as('kek_id'), (eb) => eb.fn.countAll<number>().as('count')])
      .where('id_token_sealed', 'is not', null)
      .groupBy(sealedKekIdOf)
      .execute(),
  ]);
  return {
    userKeys: toRecord(userKeys),
    auditSigningKeys: toRecord(auditSigningKeys),
    tokenSigningKeys: toRecord(tokenSigningKeys),
    sessionIdTokens: toRecord(sessionIdTokens),
  };
}

/** Returns every KEK id that some stored value depends on. */
export function kekIdsInUse(usage: KekUsage): string[] {
  const ids = new Set<string>();
  for (const counts of Object.values(usage)) {
    for (const kekId of Object.keys(counts)) ids.add(kekId);
  }
  return [...ids].sort();
}

/** Returns how many stored values depend on `kekId`. */
export function valuesUnder(usage: KekUsage, kekId: string): number {
  return Object.values(usage).reduce((sum, counts) => sum + (counts[kekId] ?? 0), 0);
}

/** Returns how many stored values depend on a KEK other than `kekId`. */
export function valuesNotUnder(usage: KekUsage, kekId: string): number {
  return kekIdsInUse(usage)
    .filter((id) => id !== kekId)
    .reduce((sum, id) => sum + valuesUnder(usage, id), 0);
}

/** Returns the retired KEKs, oldest retirement first. */
export async function listRetiredKeks(db: Executor): Promise<Array<{ kekId: string; retiredAt: string }>> {
  const rows = await db.selectFrom('retired_keks').select(['kek_id', 'retired_at']).orderBy('retired_at').orderBy('kek_id').execute();
  return rows.map((row) => ({ kekId: row.kek_id, retiredAt: row.retired_at.toISOString() }));
}

function toRecord(rows: Array<{ kek_id: string | null; count: number | string | bigint }>): Record<string, number> {
  const record: Record<string, number> = {};
  for (const row of rows) {
    if (row.kek_id !== null) record[row.kek_id] = Number(row.count);
  }
  return record;
}
