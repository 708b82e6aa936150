import { sql, type Kysely } from 'kysely';

// Storage of the built-in development identity provider (oidc-provider): sessions,
// interactions, grants, authorization codes and tokens, one row per (model type, id).
// The table exists in every database, but only the development provider writes to it.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('oidc_payloads')
    .addColumn('type', 'text', (col) => col.notNull())
    .addColumn('id', 'text', (col) => col.notNull())
    .addColumn('payload', 'jsonb', (col) => col.notNull())
    .addColumn('grant_id', 'text')
    .addColumn('user_code', 'text')
    .addColumn('uid', 'text')
    .addColumn('expires_at', 'timestamptz')
    .addColumn('consumed_at', 'timestamptz')
    .addPrimaryKeyConstraint('oidc_payloads_pk', ['type', 'id'])
    .execute();

  // oidc-provider looks rows up by these secondary keys (revocation by grant,
  // sessions by uid, device flow by user code); the expiry index serves the cleanup.
  await sql`create index oidc_payloads_grant on oidc_payloads (grant_id) where grant_id is not null`.execute(db);
  await sql`create index oidc_payloads_uid on oidc_payloads (type, uid) where uid is not null`.execute(db);
  await sql`create index oidc_payloads_user_code on oidc_payloads (type, user_code) where user_code is not null`.execute(db);
  await sql`create index oidc_payloads_expires on oidc_payloads (expires_at) where expires_at is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('oidc_payloads').execute();
}
