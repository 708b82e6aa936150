import { sql, type Kysely } from 'kysely';

// KEKs retired by a completed key rotation. Once a KEK is listed here, the
// database rejects any new value wrapped under it, so a vault instance that
// still wraps under the old KEK fails its request instead of writing a value
// that nothing could open after the key is destroyed.
//
// `coffre_sealed_kek_id` reads the KEK id that a sealed session ID token
// carries in its first bytes (a length byte, then the id in ASCII), so that
// SQL can count and select those tokens by KEK as it does the kek_id columns.

const KEK_ID_TABLES = ['user_keys', 'audit_signing_keys', 'token_signing_keys'];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('retired_keks')
    .addColumn('kek_id', 'text', (col) => col.primaryKey())
    .addColumn('retired_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  await sql`
    create function coffre_sealed_kek_id(sealed bytea) returns text
    language sql immutable strict as $$
      select case when octet_length(sealed) > 1
        then convert_from(substring(sealed from 2 for get_byte(sealed, 0)), 'UTF8') end
    $$
  `.execute(db);

  // SECURITY DEFINER, so the check reads retired_keks whatever the privileges of the
  // role that writes the key (the search path is fixed, as such a function requires).
  await sql`
    create function reject_retired_kek() returns trigger
    language plpgsql security definer set search_path = public, pg_temp as $$
    declare
      kek text;
    begin
      if tg_table_name = 'sessions' then
        kek := coffre_sealed_kek_id(new.id_token_sealed);
      else
        kek := new.kek_id;
      end if;
      if kek is not null and exists (select 1 from retired_keks where kek_id = kek) then
        raise exception 'KEK % is retired, so no new value may be wrapped under it on %; restart this vault instance so that it loads the current master key', kek, tg_table_name
          using errcode = 'check_violation';
      end if;
      return new;
    end
    $$
  `.execute(db);

  for (const table of KEK_ID_TABLES) {
    await sql`
      create trigger ${sql.id(`${table}_reject_retired_kek`)}
      before insert or update of kek_id on ${sql.table(table)}
      for each row execute function reject_retired_kek()
    `.execute(db);
  }
  await sql`
    create trigger sessions_reject_retired_kek
    before insert or update of id_token_sealed on sessions
    for each row execute function reject_retired_kek()
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [...KEK_ID_TABLES, 'sessions']) {
    await sql`drop trigger ${sql.id(`${table}_reject_retired_kek`)} on ${sql.table(table)}`.execute(db);
  }
  await sql`drop function reject_retired_kek()`.execute(db);
  await sql`drop function coffre_sealed_kek_id(bytea)`.execute(db);
  await db.schema.dropTable('retired_keks').execute();
}
