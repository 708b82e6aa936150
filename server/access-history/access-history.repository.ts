import { sql, type Kysely, type Transaction } from 'kysely';

import type { LogPosition } from '../dpo/audit-query.js';

// `any`, as in audit/verify.ts: the audit table is read with joins on text
// columns, which the typed schema cannot express.
type Reader = Kysely<any> | Transaction<any>;

/** Grant events that a person's history shows even when the person made them. */
export const GRANT_HISTORY_ACTIONS = ['grant.create', 'grant.revoke', 'grant.expire'] as const;

/** An entry of a person's history, with what the joins found about its grant, partner and document. */
export interface HistoryRecord {
  chain: number;
  seq: number;
  time: Date;
  actorType: string;
  action: string;
  resourceType: string | null;
  resourceId: string | null;
  outcome: 'allow' | 'deny';
  reason: string | null;
  grantId: string | null;
  partnerId: string | null;
  partnerName: string | null;
  /** The grant's purpose, only when the grant belongs to the person. */
  purpose: string | null;
  /** The document, only when it still exists and belongs to the person. */
  document: { id: string; wrappedKey: Buffer; titleSealed: Buffer } | null;
}

/**
 * Lists the entries of a person's access history, newest first (by time,
 * then chain, then seq), before `before` when given: every entry about the person's data whose actor
 * is a partner (reads, downloads, access requests, refused attempts), and
 * the allowed grant events (created, revoked, expired), whoever made them.
 * Reads `limit` rows; ask one more to learn whether a next page exists.
 *
 * The grant and the document are joined only when they belong to `personId`,
 * so an id recorded by a partner's attempt cannot show another person's data.
 */
export async function listHistoryRecords(db: Reader, personId: string, limit: number, before?: LogPosition): Promise<HistoryRecord[]> {
  let query = db
    .selectFrom('audit_events as e')
    .leftJoin('partners as p', (join) => join.on(sql<boolean>`p.id::text = e.partner_id`))
    .leftJoin('grants as g', (join) => join.on(sql<boolean>`g.id::text = e.grant_id`).on('g.person_id', '=', personId))
    .leftJoin('documents as d', (join) =>
      join.on(sql<boolean>`d.id::text = e.resource_id`).on('e.resource_type', '=', 'document').on('d.owner_id', '=', personId),
    )
    .select([
      'e.chain',
      'e.seq',
      'e.time',
      'e.actor_type',
      'e.action',
      'e.resource_type',
      'e.resource_id',
      'e.outcome',
      'e.reason',
      'e.grant_id',
      'e.partner_id',
      'p.name as partner_name',
      'g.purpose',
      'd.id as document_id',
      'd.wrapped_key',
      'd.title_sealed',
    ])
    .where('e.subject_id', '=', personId)
    .where((eb) =>
      eb.or([
        eb('e.actor_type', '=', 'partner'),
        eb.and([eb('e.action', 'in', [...GRANT_HISTORY_ACTIONS]), eb('e.outcome', '=', 'allow')]),
      ]),
    );
  if (before !== undefined) query = query.where(sql<boolean>`(e.time, e.chain, e.seq) < (${before.time}, ${before.chain}::smallint, ${before.seq}::bigint)`);
  const rows = await query.orderBy('e.time', 'desc').orderBy('e.chain', 'desc').orderBy('e.seq', 'desc').limit(limit).execute();
  return rows.map(toRecord);
}

function toRecord(row: Record<string, any>): HistoryRecord {
  return {
    chain: Number(row.chain),
    seq: Number(row.seq),
    time: row.time as Date,
    actorType: row.actor_type,
    action: row.action,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    outcome: row.outcome,
    reason: row.reason,
    grantId: row.grant_id,
    partnerId: row.partner_id,
    partnerName: row.partner_name ?? null,
    purpose: row.purpose ?? null,
    document: row.document_id ? { id: row.document_id, wrappedKey: row.wrapped_key, titleSealed: row.title_sealed } : null,
  };
}
