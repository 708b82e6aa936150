import { sql, type Kysely } from 'kysely';

// Partners (partenaires) and what their software authenticates with: the
// public keys they registered, the client assertion ids (jti) already used,
// and the vault's own keys that sign the partners' access tokens.

const PARTNER_KINDS = sql`('mdph', 'cap_emploi', 'france_travail', 'mission_locale', 'training_centre', 'employer', 'agefiph_fiphfp', 'other')`;
const PARTNER_KEY_ALGORITHMS = sql`('ES256', 'PS256', 'RS256')`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('partners')
    .addColumn('id', 'uuid', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull().check(sql`char_length(name) between 1 and 200`))
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ${PARTNER_KINDS}`))
    // The Luhn check digit (and La Poste's own rule) is checked in code.
    .addColumn('siret', 'text', (col) => col.check(sql`siret ~ '^[0-9]{14}$'`))
    .addColumn('status', 'text', (col) => col.notNull().check(sql`status in ('active', 'suspended')`))
    .addColumn('client_id', 'text', (col) => col.notNull().unique().check(sql`char_length(client_id) between 1 and 128`))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull())
    .addColumn('suspended_at', 'timestamptz')
    .addCheckConstraint('partners_suspension', sql`(status = 'suspended') = (suspended_at is not null)`)
    .execute();
  // The administrators' listing, newest first.
  await sql`create index partners_listing on partners (created_at desc, id desc)`.execute(db);

  // Public keys only: the registration refuses a JWK with private members.
  await db.schema
    .createTable('partner_keys')
    .addColumn('partner_id', 'uuid', (col) => col.notNull().references('partners.id').onDelete('cascade'))
    .addColumn('kid', 'text', (col) => col.notNull().check(sql`char_length(kid) between 1 and 128`))
    .addColumn('alg', 'text', (col) => col.notNull().check(sql`alg in ${PARTNER_KEY_ALGORITHMS}`))
    .addColumn('public_jwk', 'jsonb', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('partner_keys_pk', ['partner_id', 'kid'])
    .execute();

  // A client assertion is accepted once: its jti stays here until the
  // assertion has expired, after which the assertion is refused anyway.
  await db.schema
    .createTable('client_assertion_jtis')
    .addColumn('client_id', 'text', (col) => col.notNull().references('partners.client_id').onDelete('cascade'))
    .addColumn('jti', 'text', (col) => col.notNull().check(sql`char_length(jti) between 1 and 256`))
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addPrimaryKeyConstraint('client_assertion_jtis_pk', ['client_id', 'jti'])
    .execute();
  await db.schema.createIndex('client_assertion_jtis_expiry').on('client_assertion_jtis').columns(['client_id', 'expires_at']).execute();

  // The vault's access-token signing keys, shared by every instance. The
  // private JWK is wrapped by the KEK and bound to its kid (the RFC 7638
  // thumbprint of public_jwk), so a row copied under another kid fails to open.
  await db.schema
    .createTable('token_signing_keys')
    .addColumn('kid', 'text', (col) => col.primaryKey())
    .addColumn('alg', 'text', (col) => col.notNull().check(sql`alg = 'ES256'`))
    .addColumn('public_jwk', 'jsonb', (col) => col.notNull())
    .addColumn('wrapped_private_key', 'bytea', (col) => col.notNull())
    .addColumn('kek_id', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('retired_at', 'timestamptz')
    .execute();
  // At most one current signing key: two instances starting together cannot
  // both create one, because the second insert fails here and reads the first.
  await sql`create unique index token_signing_keys_current on token_signing_keys ((true)) where retired_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('token_signing_keys').execute();
  await db.schema.dropTable('client_assertion_jtis').execute();
  await db.schema.dropTable('partner_keys').execute();
  await db.schema.dropTable('partners').execute();
}
