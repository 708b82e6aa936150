import { sql, type Kysely } from 'kysely';

// Tables that form the audit record: the runtime role may only add to them
// and read them. Triggers refuse changes too, for every role.
const APPEND_ONLY_TABLES = ['audit_events', 'audit_checkpoints'];

// The chain heads: appends update them, but no row may go away.
const UPDATE_ONLY_TABLES = ['audit_chain_heads'];

// Tables the runtime role must not touch at all.
const OWNER_ONLY_TABLES = ['kysely_migration', 'kysely_migration_lock'];

/**
 * Creates the runtime role when the owner may and it is missing, then grants
 * it exactly what the server needs. Runs as the owner after every migration,
 * so a new table is covered on the next start.
 */
export async function grantRuntimePrivileges(db: Kysely<any>, runtimeRole: string): Promise<void> {
  const role = sql.id(runtimeRole);

  // Concurrent starts can race on CREATE ROLE: both outcomes mean the role exists.
  await sql`
    do $$
    begin
      if not exists (select 1 from pg_roles where rolname = ${sql.lit(runtimeRole)}) then
        create role ${role} login;
      end if;
    exception when duplicate_object or unique_violation then null;
    end $$`.execute(db);

  await sql`grant usage on schema public to ${role}`.execute(db);
  await sql`grant select, insert, update, delete on all tables in schema public to ${role}`.execute(db);
  await sql`grant usage, select on all sequences in schema public to ${role}`.execute(db);

  for (const table of APPEND_ONLY_TABLES) {
    await sql`revoke update, delete, truncate, references, trigger on ${sql.table(table)} from ${role}`.execute(db);
  }
  for (const table of UPDATE_ONLY_TABLES) {
    await sql`revoke insert, delete, truncate, references, trigger on ${sql.table(table)} from ${role}`.execute(db);
  }
  for (const table of OWNER_ONLY_TABLES) {
    await sql`revoke all on ${sql.table(table)} from ${role}`.execute(db);
  }
}
