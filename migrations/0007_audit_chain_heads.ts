/**
 * One row per audit chain holding its head: the seq, hash and time of its
 * last entry. An append updates the row with `UPDATE … RETURNING`, which takes
 * the chain's row lock and reads the head left by the previous holder in one
 * statement, then writes the new head in the statement that inserts the entry.
 *
 * The rows are a cache of `audit_events`, not part of the record: a changed
 * row cannot rewrite an entry. It makes the next append fail on the
 * (chain, seq) key, or link to a wrong hash that verification reports.
 */
import { sql, type Kysely } from 'kysely';

/** Number of chains the vault writes to; `audit/chains.ts` holds the same number. */
const CHAIN_COUNT = 32;

const GENESIS = Buffer.alloc(32);

/** Creates `audit_chain_heads` with one row per chain, filled from the entries already stored, and indexes for the DPO's filters. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_chain_heads')
    .addColumn('chain', 'smallint', (column) => column.primaryKey().check(sql`chain >= 0`))
    // 0 and the genesis hash for a chain without entries.
    .addColumn('seq', 'bigint', (column) => column.notNull().check(sql`seq >= 0`))
    .addColumn('hash', 'bytea', (column) => column.notNull().check(sql`octet_length(hash) = 32`))
    .addColumn('time', 'timestamptz')
    .execute();

  // The DPO's journal filters on these with a time range and pages by time.
  for (const column of ['actor_id', 'partner_id', 'action']) {
    await db.schema.createIndex(`audit_events_${column}_time_idx`).on('audit_events').columns([column, 'time']).execute();
  }

  // A vault created before this migration has its entries in chain 0.
  await sql`
    insert into audit_chain_heads (chain, seq, hash, time)
    select c.chain,
           coalesce(last.seq, 0),
           coalesce(last.hash, ${GENESIS}),
           last.time
    from generate_series(0, ${CHAIN_COUNT - 1}) as c(chain)
    left join lateral (
      select e.seq, e.hash, e.time
      from audit_events e
      where e.chain = c.chain
      order by e.seq desc
      limit 1
    ) last on true
  `.execute(db);
}

/** Drops `audit_chain_heads` and the filter indexes. */
export async function down(db: Kysely<any>): Promise<void> {
  for (const column of ['actor_id', 'partner_id', 'action']) {
    await db.schema.dropIndex(`audit_events_${column}_time_idx`).execute();
  }
  await db.schema.dropTable('audit_chain_heads').execute();
}
