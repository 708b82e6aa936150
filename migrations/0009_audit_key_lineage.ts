import { sql, type Kysely } from 'kysely';

// The lineage of an audit signing key: a message, signed by that key, that
// lists the keys it succeeds (`audit/key-lineage.ts`). Verification trusts a
// key from the table only when the master key can unwrap its secret, or when
// a key trusted that way lists it, so a key inserted into the table by
// someone without the master key verifies nothing.

/** Adds `lineage` and `lineage_signature` to `audit_signing_keys`, empty for existing keys. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('audit_signing_keys')
    .addColumn('lineage', 'bytea')
    // An Ed25519 signature is 64 bytes.
    .addColumn('lineage_signature', 'bytea', (column) => column.check(sql`octet_length(lineage_signature) = 64`))
    .execute();
}

/** Drops the lineage columns. */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('audit_signing_keys').dropColumn('lineage_signature').dropColumn('lineage').execute();
}
