import { sql, type Kysely } from 'kysely';

// Grants (partages): one person's consent for one partner, covering listed
// documents and whole categories, from starts_at (inclusive) to ends_at
// (exclusive) unless revoked. Access is decided from these rows on every
// request; expiry_recorded_at only records that the expiry job wrote the
// grant.expire audit entry.

const PURPOSES = sql`('employment_support', 'workplace_adjustment', 'training_access', 'rights_application', 'other')`;
const CATEGORIES = sql`('decision_mdph', 'medical', 'employment', 'training', 'identity', 'other')`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('grants')
    .addColumn('id', 'uuid', (col) => col.primaryKey())
    .addColumn('person_id', 'uuid', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('partner_id', 'uuid', (col) => col.notNull().references('partners.id'))
    .addColumn('purpose', 'text', (col) => col.notNull().check(sql`purpose in ${PURPOSES}`))
    .addColumn('purpose_text', 'text')
    .addColumn('starts_at', 'timestamptz', (col) => col.notNull())
    .addColumn('ends_at', 'timestamptz', (col) => col.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('consent_version', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('expiry_recorded_at', 'timestamptz')
    // A free-text purpose goes with `other` and only with it.
    .addCheckConstraint('grants_purpose_text', sql`(purpose = 'other') = (purpose_text is not null)`)
    .addCheckConstraint('grants_purpose_text_length', sql`purpose_text is null or char_length(purpose_text) between 3 and 500`)
    .addCheckConstraint('grants_window', sql`ends_at > starts_at`)
    .execute();
  // The partner's listing and the person's listing, newest first.
  await sql`create index grants_partner_listing on grants (partner_id, created_at desc, id desc)`.execute(db);
  await sql`create index grants_person_listing on grants (person_id, created_at desc, id desc)`.execute(db);
  // The expiry job reads only the grants whose expiry is still unrecorded.
  await sql`create index grants_expiry_pending on grants (ends_at) where expiry_recorded_at is null and revoked_at is null`.execute(db);

  // Deleting a document removes it from every grant in the same statement,
  // so a deleted document is never served again.
  await db.schema
    .createTable('grant_documents')
    .addColumn('grant_id', 'uuid', (col) => col.notNull().references('grants.id').onDelete('cascade'))
    .addColumn('document_id', 'uuid', (col) => col.notNull().references('documents.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('grant_documents_pk', ['grant_id', 'document_id'])
    .execute();
  await db.schema.createIndex('grant_documents_document').on('grant_documents').column('document_id').execute();

  await db.schema
    .createTable('grant_categories')
    .addColumn('grant_id', 'uuid', (col) => col.notNull().references('grants.id').onDelete('cascade'))
    .addColumn('category', 'text', (col) => col.notNull().check(sql`category in ${CATEGORIES}`))
    .addPrimaryKeyConstraint('grant_categories_pk', ['grant_id', 'category'])
    .execute();

  // Idempotency-Key of POST /api/v1/grants: the same key and body return the
  // first grant. The grant row is inserted after the key in the same
  // transaction, hence the deferred foreign key.
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('account_id', 'uuid', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('key', 'text', (col) => col.notNull().check(sql`char_length(key) between 1 and 200`))
    .addColumn('request_hash', 'bytea', (col) => col.notNull().check(sql`octet_length(request_hash) = 32`))
    .addColumn('grant_id', 'uuid', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['account_id', 'key'])
    .addForeignKeyConstraint('idempotency_keys_grant_id_fkey', ['grant_id'], 'grants', ['id'], (fk) =>
      fk.onDelete('cascade').deferrable().initiallyDeferred())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('idempotency_keys').execute();
  await db.schema.dropTable('grant_categories').execute();
  await db.schema.dropTable('grant_documents').execute();
  await db.schema.dropTable('grants').execute();
}
