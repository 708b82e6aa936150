import type { ColumnType, Generated } from 'kysely';

// Row types as PostgreSQL returns them through node-postgres. bigint columns
// come back as numbers (see pool.ts); bytea as Buffer.

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface AccountsTable {
  id: string;
  issuer: string;
  subject: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  erased_at: Timestamp | null;
}

export interface UserKeysTable {
  account_id: string;
  kek_id: string;
  wrapped_key: Buffer;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  rewrapped_at: Timestamp | null;
}

export interface SessionsTable {
  id_hash: Buffer;
  account_id: string;
  roles: string[];
  csrf_token: string;
  acr: string | null;
  auth_time: Timestamp;
  id_token_sealed: Buffer | null;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface DocumentsTable {
  id: string;
  owner_id: string;
  category: string;
  media_type: string;
  size_bytes: number;
  chunk_count: number;
  wrapped_key: Buffer;
  stream_header: Buffer;
  title_sealed: Buffer;
  file_name_sealed: Buffer;
  created_at: Timestamp;
}

export interface DocumentChunksTable {
  document_id: string;
  index: number;
  data: Buffer;
}

export interface AuditEventsTable {
  chain: number;
  seq: number;
  time: Timestamp;
  canonical: Buffer;
  prev_hash: Buffer;
  hash: Buffer;
  actor_type: string;
  actor_id: string | null;
  subject_id: string | null;
  action: string;
  resource_type: string | null;
  resource_id: string | null;
  outcome: string;
  reason: string | null;
  request_id: string | null;
  partner_id: string | null;
  grant_id: string | null;
}

export interface AuditCheckpointsTable {
  id: Generated<number>;
  chain: number;
  seq: number;
  head_hash: Buffer;
  time: Timestamp;
  key_id: string;
  message: Buffer;
  signature: Buffer;
}

export interface AuditChainHeadsTable {
  chain: number;
  seq: ColumnType<string, number, number>;
  hash: Buffer;
  time: Timestamp | null;
}

export interface AuditSigningKeysTable {
  key_id: string;
  public_key: Buffer;
  wrapped_secret: Buffer | null;
  kek_id: string | null;
  created_at: Timestamp;
  retired_at: Timestamp | null;
  /** `coffre-audit-key-lineage/1` message signed by this key, or null for a key made before lineages. */
  lineage: Buffer | null;
  lineage_signature: Buffer | null;
}

export interface OidcPayloadsTable {
  type: string;
  id: string;
  payload: unknown;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  expires_at: Timestamp | null;
  consumed_at: Timestamp | null;
}

export interface GrantsTable {
  id: string;
  person_id: string;
  partner_id: string;
  purpose: string;
  purpose_text: string | null;
  starts_at: Timestamp;
  ends_at: Timestamp;
  revoked_at: Timestamp | null;
  consent_version: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  expiry_recorded_at: Timestamp | null;
}

export interface GrantDocumentsTable {
  grant_id: string;
  document_id: string;
}

export interface GrantCategoriesTable {
  grant_id: string;
  category: string;
}

export interface IdempotencyKeysTable {
  account_id: string;
  key: string;
  request_hash: Buffer;
  grant_id: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface SharingCodesTable {
  id: string;
  person_id: string;
  code_hash: Buffer;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface AccessRequestsTable {
  id: string;
  partner_id: string;
  person_id: string;
  sharing_code_id: string;
  purpose: string;
  purpose_text: string | null;
  categories: string[];
  message_sealed: Buffer | null;
  requested_ends_at: Timestamp;
  status: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  answered_at: Timestamp | null;
  grant_id: string | null;
  expires_at: Timestamp;
}

export interface PartnersTable {
  id: string;
  name: string;
  kind: string;
  siret: string | null;
  status: string;
  client_id: string;
  created_at: Timestamp;
  suspended_at: Timestamp | null;
}

export interface PartnerKeysTable {
  partner_id: string;
  kid: string;
  alg: string;
  /** A public JWK; node-postgres parses jsonb into an object. */
  public_jwk: ColumnType<Record<string, unknown>, string, string>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface ClientAssertionJtisTable {
  client_id: string;
  jti: string;
  expires_at: Timestamp;
}

export interface TokenSigningKeysTable {
  kid: string;
  alg: string;
  public_jwk: ColumnType<Record<string, unknown>, string, string>;
  wrapped_private_key: Buffer;
  kek_id: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  retired_at: Timestamp | null;
}

/** A KEK that a completed rotation retired: the database rejects new values wrapped under it. */
export interface RetiredKeksTable {
  kek_id: string;
  retired_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface Database {
  accounts: AccountsTable;
  user_keys: UserKeysTable;
  sessions: SessionsTable;
  documents: DocumentsTable;
  document_chunks: DocumentChunksTable;
  audit_events: AuditEventsTable;
  audit_checkpoints: AuditCheckpointsTable;
  audit_chain_heads: AuditChainHeadsTable;
  audit_signing_keys: AuditSigningKeysTable;
  oidc_payloads: OidcPayloadsTable;
  partners: PartnersTable;
  partner_keys: PartnerKeysTable;
  client_assertion_jtis: ClientAssertionJtisTable;
  token_signing_keys: TokenSigningKeysTable;
  grants: GrantsTable;
  grant_documents: GrantDocumentsTable;
  grant_categories: GrantCategoriesTable;
  idempotency_keys: IdempotencyKeysTable;
  sharing_codes: SharingCodesTable;
  access_requests: AccessRequestsTable;
  retired_keks: RetiredKeksTable;
}
