import { sql, type Kysely, type SelectQueryBuilder, type Transaction } from 'kysely';

import type { AuditFilters, LogPosition } from './audit-query.js';

// `any`, as in audit/verify.ts: the audit tables are read column by column
// here, and the typed schema does not list source_address.
type Reader = Kysely<any> | Transaction<any>;

/** An entry as the DPO's journal and exports read it: the columns copied from the hashed entry. */
export interface AuditEventRecord {
  chain: number;
  seq: number;
  time: Date;
  actorType: string;
  actorId: string | null;
  subjectId: string | null;
  action: string;
  resourceType: string | null;
  resourceId: string | null;
  outcome: 'allow' | 'deny';
  reason: string | null;
  requestId: string | null;
  sourceAddress: string | null;
  partnerId: string | null;
  grantId: string | null;
}

/** An entry with the exact bytes it was hashed over and its hash, for a verifiable export. */
export interface ChainedEventRecord extends AuditEventRecord {
  canonical: Buffer;
  hash: string;
}

/** A checkpoint as exported: the signed fields, the signed bytes and the signature. */
export interface CheckpointRecord {
  id: number;
  chain: number;
  seq: number;
  headHash: string;
  time: Date;
  keyId: string;
  message: Buffer;
  signature: Buffer;
}

const QUERY_COLUMNS = [
  'chain',
  'seq',
  'time',
  'actor_type',
  'actor_id',
  'subject_id',
  'action',
  'resource_type',
  'resource_id',
  'outcome',
  'reason',
  'request_id',
  'source_address',
  'partner_id',
  'grant_id',
] as const;

/**
 * Lists entries of every chain that match `filters`, newest first (by time,
 * then chain, then seq), before `before` when given. Reads `limit` rows; ask
 * one more to learn whether a next page exists. Migration 0007 indexes
 * person, actor, partner and action with time, so a filter reads its own
 * index in time order.
 */
export async function searchAuditEvents(db: Reader, filters: AuditFilters, limit: number, before?: LogPosition): Promise<AuditEventRecord[]> {
  let query = applyFilters(db.selectFrom('audit_events').select([...QUERY_COLUMNS]), filters);
  if (before !== undefined) query = query.where(sql<boolean>`(time, chain, seq) < (${before.time}, ${before.chain}::smallint, ${before.seq}::bigint)`);
  const rows = await query.orderBy('time', 'desc').orderBy('chain', 'desc').orderBy('seq', 'desc').limit(limit).execute();
  return rows.map(toRecord);
}

/**
 * Reads the next batch of an export: entries with seq in (afterSeq, toSeq]
 * that match `filters`, oldest first, with their canonical bytes and hash.
 */
export async function readExportBatch(
  db: Reader,
  chain: number,
  filters: AuditFilters,
  afterSeq: number,
  toSeq: number,
  batchSize: number,
): Promise<ChainedEventRecord[]> {
  const query = applyFilters(
    db
      .selectFrom('audit_events')
      .select([...QUERY_COLUMNS, 'canonical', 'hash'])
      .where('chain', '=', chain)
      .where('seq', '>', afterSeq)
      .where('seq', '<=', toSeq),
    filters,
  );
  const rows = await query.orderBy('seq').limit(batchSize).execute();
  return rows.map((row) => ({ ...toRecord(row), canonical: row.canonical as Buffer, hash: (row.hash as Buffer).toString('hex') }));
}

/** Returns the seq of the chain's last entry, or 0 when the chain is empty. */
export async function findHeadSeq(db: Reader, chain: number): Promise<number> {
  const row = await db
    .selectFrom('audit_events')
    .select('seq')
    .where('chain', '=', chain)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? 0 : Number(row.seq);
}

/** Returns the hash of the entry at `seq` as 64 hex digits, or undefined when there is none. */
export async function findEntryHash(db: Reader, chain: number, seq: number): Promise<string | undefined> {
  const row = await db.selectFrom('audit_events').select('hash').where('chain', '=', chain).where('seq', '=', seq).executeTakeFirst();
  return row === undefined ? undefined : (row.hash as Buffer).toString('hex');
}

/**
 * Reads the next batch of checkpoints of the chain after position
 * (afterSeq, afterId), in (seq, id) order, with seq at most `maxSeq`.
 */
export async function readCheckpointBatch(
  db: Reader,
  chain: number,
  after: { seq: number; id: number },
  maxSeq: number,
  batchSize: number,
): Promise<CheckpointRecord[]> {
  const rows = await db
    .selectFrom('audit_checkpoints')
    .select(['id', 'chain', 'seq', 'head_hash', 'time', 'key_id', 'message', 'signature'])
    .where('chain', '=', chain)
    .where(sql<boolean>`(seq, id) > (${after.seq}::bigint, ${after.id}::bigint)`)
    .where('seq', '<=', maxSeq)
    .orderBy('seq')
    .orderBy('id')
    .limit(batchSize)
    .execute();
  return rows.map(toCheckpoint);
}

/** Returns the first checkpoint with seq above `seq`, or undefined. */
export async function findCheckpointAfter(db: Reader, chain: number, seq: number): Promise<CheckpointRecord | undefined> {
  const row = await db
    .selectFrom('audit_checkpoints')
    .select(['id', 'chain', 'seq', 'head_hash', 'time', 'key_id', 'message', 'signature'])
    .where('chain', '=', chain)
    .where('seq', '>', seq)
    .orderBy('seq')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? undefined : toCheckpoint(row);
}

function applyFilters<QB extends SelectQueryBuilder<any, any, any>>(query: QB, filters: AuditFilters): QB {
  let filtered = query;
  if (filters.personId !== undefined) filtered = filtered.where('subject_id', '=', filters.personId) as QB;
  if (filters.actorId !== undefined) filtered = filtered.where('actor_id', '=', filters.actorId) as QB;
  if (filters.partnerId !== undefined) filtered = filtered.where('partner_id', '=', filters.partnerId) as QB;
  if (filters.action !== undefined) filtered = filtered.where('action', '=', filters.action) as QB;
  if (filters.outcome !== undefined) filtered = filtered.where('outcome', '=', filters.outcome) as QB;
  if (filters.from !== undefined) filtered = filtered.where('time', '>=', filters.from) as QB;
  if (filters.to !== undefined) filtered = filtered.where('time', '<', filters.to) as QB;
  return filtered;
}

function toRecord(row: Record<string, any>): AuditEventRecord {
  return {
    chain: Number(row.chain),
    seq: Number(row.seq),
    time: row.time as Date,
    actorType: row.actor_type,
    actorId: row.actor_id,
    subjectId: row.subject_id,
    action: row.action,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    outcome: row.outcome,
    reason: row.reason,
    requestId: row.request_id,
    sourceAddress: row.source_address,
    partnerId: row.partner_id,
    grantId: row.grant_id,
  };
}

function toCheckpoint(row: Record<string, any>): CheckpointRecord {
  return {
    id: Number(row.id),
    chain: Number(row.chain),
    seq: Number(row.seq),
    headHash: (row.head_hash as Buffer).toString('hex'),
    time: row.time as Date,
    keyId: row.key_id,
    message: row.message as Buffer,
    signature: row.signature as Buffer,
  };
}
