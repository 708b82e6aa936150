import { sql, type Kysely } from 'kysely';

// Accounts, their wrapped user keys, sessions, and encrypted documents.
// Only category, media type, size and dates are stored in clear: lists and
// policies need them. Titles, file names and content are ciphertext.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('id', 'uuid', (col) => col.primaryKey())
    .addColumn('issuer', 'text', (col) => col.notNull())
    .addColumn('subject', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('erased_at', 'timestamptz')
    .execute();
  // One live account per identity; an erased account frees the identity, so
  // signing in again creates a new, empty account.
  await sql`create unique index accounts_identity_live on accounts (issuer, subject) where erased_at is null`.execute(db);

  await db.schema
    .createTable('user_keys')
    .addColumn('account_id', 'uuid', (col) => col.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('kek_id', 'text', (col) => col.notNull())
    .addColumn('wrapped_key', 'bytea', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('rewrapped_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('user_keys_kek').on('user_keys').column('kek_id').execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id_hash', 'bytea', (col) => col.primaryKey())
    .addColumn('account_id', 'uuid', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('roles', sql`text[]`, (col) => col.notNull())
    .addColumn('csrf_token', 'text', (col) => col.notNull())
    .addColumn('acr', 'text')
    .addColumn('auth_time', 'timestamptz', (col) => col.notNull())
    .addColumn('id_token_sealed', 'bytea')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .addColumn('last_seen_at', 'timestamptz', (col) => col.notNull())
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('sessions_account').on('sessions').column('account_id').execute();

  await db.schema
    .createTable('documents')
    .addColumn('id', 'uuid', (col) => col.primaryKey())
    .addColumn('owner_id', 'uuid', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('category', 'text', (col) =>
      col.notNull().check(sql`category in ('decision_mdph', 'medical', 'employment', 'training', 'identity', 'other')`))
    .addColumn('media_type', 'text', (col) =>
      col.notNull().check(sql`media_type in ('application/pdf', 'image/jpeg', 'image/png')`))
    .addColumn('size_bytes', 'bigint', (col) => col.notNull().check(sql`size_bytes > 0`))
    .addColumn('chunk_count', 'integer', (col) => col.notNull())
    .addColumn('wrapped_key', 'bytea', (col) => col.notNull())
    .addColumn('stream_header', 'bytea', (col) => col.notNull())
    .addColumn('title_sealed', 'bytea', (col) => col.notNull())
    .addColumn('file_name_sealed', 'bytea', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .execute();
  await sql`create index documents_owner_listing on documents (owner_id, created_at desc, id desc)`.execute(db);
  await sql`create index documents_owner_category on documents (owner_id, category, created_at desc, id desc)`.execute(db);

  // Chunks are ciphertext; the document id is bound into each one as
  // associated data, so a chunk moved to another document fails to open.
  await db.schema
    .createTable('document_chunks')
    .addColumn('document_id', 'uuid', (col) => col.notNull().references('documents.id').onDelete('cascade'))
    .addColumn('index', 'integer', (col) => col.notNull())
    .addColumn('data', 'bytea', (col) => col.notNull())
    .addPrimaryKeyConstraint('document_chunks_pk', ['document_id', 'index'])
    .execute();
  // Chunk rows are already encrypted; compressing them wastes CPU.
  await sql`alter table document_chunks alter column data set storage external`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('document_chunks').execute();
  await db.schema.dropTable('documents').execute();
  await db.schema.dropTable('sessions').execute();
  await db.schema.dropTable('user_keys').execute();
  await db.schema.dropTable('accounts').execute();
}
