import { sql, type Kysely } from 'kysely';

// Sharing codes that a person reads out to a partner, and the access
// requests (demandes d'accès) that partners send with them. A code is stored
// only as its SHA-256, so the table cannot give a live code away. A partner's
// message is sealed under the person's user key, bound to the request id, so
// erasing the person's key erases the message too.

const PURPOSES = sql`('employment_support', 'workplace_adjustment', 'training_access', 'rights_application', 'other')`;
const CATEGORIES = sql`array['decision_mdph', 'medical', 'employment', 'training', 'identity', 'other']::text[]`;
const STATUSES = sql`('pending', 'approved', 'refused', 'expired', 'cancelled')`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sharing_codes')
    .addColumn('id', 'uuid', (col) => col.primaryKey())
    .addColumn('person_id', 'uuid', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('code_hash', 'bytea', (col) => col.notNull().unique().check(sql`octet_length(code_hash) = 32`))
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index sharing_codes_person_listing on sharing_codes (person_id, created_at desc, id desc)`.execute(db);

  await db.schema
    .createTable('access_requests')
    .addColumn('id', 'uuid', (col) => col.primaryKey())
    .addColumn('partner_id', 'uuid', (col) => col.notNull().references('partners.id'))
    .addColumn('person_id', 'uuid', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('sharing_code_id', 'uuid', (col) => col.notNull().references('sharing_codes.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (col) => col.notNull().check(sql`purpose in ${PURPOSES}`))
    .addColumn('purpose_text', 'text')
    .addColumn('categories', sql`text[]`, (col) => col.notNull())
    .addColumn('message_sealed', 'bytea')
    .addColumn('requested_ends_at', 'timestamptz', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull().check(sql`status in ${STATUSES}`))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('answered_at', 'timestamptz')
    .addColumn('grant_id', 'uuid', (col) => col.references('grants.id').onDelete('set null'))
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addCheckConstraint('access_requests_purpose_text', sql`(purpose = 'other') = (purpose_text is not null)`)
    // The request must name a scope the person could approve as it stands.
    .addCheckConstraint('access_requests_categories', sql`cardinality(categories) > 0 and categories <@ ${CATEGORIES}`)
    // Only the person's answer sets answered_at: approved and refused.
    .addCheckConstraint('access_requests_answered', sql`(status in ('approved', 'refused')) = (answered_at is not null)`)
    // A grant is linked only to an approved request; it may be gone later with its person.
    .addCheckConstraint('access_requests_grant', sql`grant_id is null or status = 'approved'`)
    .execute();
  await sql`create index access_requests_person_listing on access_requests (person_id, created_at desc, id desc)`.execute(db);
  await db.schema.createIndex('access_requests_partner').on('access_requests').column('partner_id').execute();
  await db.schema.createIndex('access_requests_sharing_code').on('access_requests').column('sharing_code_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('access_requests').execute();
  await db.schema.dropTable('sharing_codes').execute();
}
