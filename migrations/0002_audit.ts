/**
 * Audit log tables: the hash-chained events, the signed checkpoints of the
 * chain head and the public keys that signed them.
 *
 * Triggers make `audit_events` and `audit_checkpoints` append-only. They stop
 * the runtime role, which is not the owner, but the owner can disable them.
 * Verification of the hash chain and its signed checkpoints reveals changes
 * made that way, within the limits that `verifyChain` documents.
 * Privileges are granted at start-up, not here.
 */
import { sql, type Kysely } from 'kysely'

/** Creates the audit tables, their indexes and the append-only triggers. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_events')
    .addColumn('chain', 'smallint', (column) => column.notNull().defaultTo(0).check(sql`chain >= 0`))
    .addColumn('seq', 'bigint', (column) => column.notNull().check(sql`seq >= 1`))
    .addColumn('time', 'timestamptz', (column) => column.notNull())
    // The exact bytes that were hashed. The columns after `hash` are copies for queries.
    .addColumn('canonical', 'bytea', (column) => column.notNull())
    .addColumn('prev_hash', 'bytea', (column) => column.notNull().check(sql`octet_length(prev_hash) = 32`))
    .addColumn('hash', 'bytea', (column) => column.notNull().check(sql`octet_length(hash) = 32`))
    .addColumn('actor_type', 'text', (column) => column.notNull())
    // Ids are text because not every id is a UUID (a partner's client id, for one).
    .addColumn('actor_id', 'text')
    .addColumn('subject_id', 'text')
    .addColumn('action', 'text', (column) => column.notNull())
    .addColumn('resource_type', 'text')
    .addColumn('resource_id', 'text')
    .addColumn('outcome', 'text', (column) => column.notNull().check(sql`outcome in ('allow', 'deny')`))
    .addColumn('reason', 'text')
    .addColumn('request_id', 'text')
    .addColumn('source_address', 'text')
    .addColumn('partner_id', 'text')
    .addColumn('grant_id', 'text')
    .addPrimaryKeyConstraint('audit_events_pkey', ['chain', 'seq'])
    .execute()

  await db.schema.createIndex('audit_events_subject_time_idx').on('audit_events').columns(['subject_id', 'time']).execute()
  await db.schema.createIndex('audit_events_time_idx').on('audit_events').column('time').execute()

  // Not append-only: retiring a key sets retired_at and may clear wrapped_secret.
  await db.schema
    .createTable('audit_signing_keys')
    .addColumn('key_id', 'text', (column) => column.primaryKey())
    // Ed25519 public keys are 32 bytes.
    .addColumn('public_key', 'bytea', (column) => column.notNull().check(sql`octet_length(public_key) = 32`))
    .addColumn('wrapped_secret', 'bytea')
    .addColumn('kek_id', 'text')
    .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
    .addColumn('retired_at', 'timestamptz')
    .execute()

  await db.schema
    .createTable('audit_checkpoints')
    .addColumn('id', 'bigserial', (column) => column.primaryKey())
    .addColumn('chain', 'smallint', (column) => column.notNull().check(sql`chain >= 0`))
    .addColumn('seq', 'bigint', (column) => column.notNull().check(sql`seq >= 1`))
    .addColumn('head_hash', 'bytea', (column) => column.notNull().check(sql`octet_length(head_hash) = 32`))
    .addColumn('time', 'timestamptz', (column) => column.notNull())
    .addColumn('key_id', 'text', (column) => column.notNull().references('audit_signing_keys.key_id'))
    // The exact bytes that were signed.
    .addColumn('message', 'bytea', (column) => column.notNull())
    .addColumn('signature', 'bytea', (column) => column.notNull())
    .execute()

  await db.schema.createIndex('audit_checkpoints_chain_seq_idx').on('audit_checkpoints').columns(['chain', 'seq']).execute()

  await sql`
    create function audit_reject_change() returns trigger
    language plpgsql as $$
    begin
      raise exception 'audit log is append-only: % on % is not allowed', tg_op, tg_table_name
        using errcode = 'insufficient_privilege';
    end
    $$
  `.execute(db)

  for (const table of ['audit_events', 'audit_checkpoints']) {
    await sql`
      create trigger ${sql.id(`${table}_reject_update_delete`)}
      before update or delete on ${sql.table(table)}
      for each row execute function audit_reject_change()
    `.execute(db)
    await sql`
      create trigger ${sql.id(`${table}_reject_truncate`)}
      before truncate on ${sql.table(table)}
      for each statement execute function audit_reject_change()
    `.execute(db)
  }
}

/** Drops the audit tables, with their triggers, and the trigger function. */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_checkpoints').execute()
  await db.schema.dropTable('audit_signing_keys').execute()
  await db.schema.dropTable('audit_events').execute()
  await sql`drop function audit_reject_change()`.execute(db)
}
