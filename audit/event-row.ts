/**
 * The mapping between an `AuditEntry` and its row in `audit_events`.
 */
import type { AuditEntry } from './entry.js'

/**
 * Columns of `audit_events` that copy one text field of the hashed entry, so
 * that a DPO can filter on them. Verification checks each copy against the
 * hashed entry, because a changed copy would hide an entry from a query.
 */
export const COPIED_TEXT_COLUMNS = {
  actor_type: 'actorType',
  actor_id: 'actorId',
  subject_id: 'subjectId',
  action: 'action',
  resource_type: 'resourceType',
  resource_id: 'resourceId',
  outcome: 'outcome',
  reason: 'reason',
  request_id: 'requestId',
  source_address: 'sourceAddress',
  partner_id: 'partnerId',
  grant_id: 'grantId',
} as const satisfies Record<string, keyof AuditEntry>

/** Name of a column listed in `COPIED_TEXT_COLUMNS`. */
export type CopiedTextColumn = keyof typeof COPIED_TEXT_COLUMNS

/** A row of `audit_events` as inserted. */
export type AuditEventRow = {
  chain: number
  seq: number
  time: Date
  canonical: Buffer
  prev_hash: Buffer
  hash: Buffer
} & Record<CopiedTextColumn, string | null>

/** Builds the row that stores an entry, its canonical bytes and its hash (hex). */
export function entryToRow(entry: AuditEntry, canonical: Buffer, hash: string): AuditEventRow {
  return {
    chain: entry.chain,
    seq: entry.seq,
    time: new Date(entry.time),
    canonical,
    prev_hash: Buffer.from(entry.prevHash, 'hex'),
    hash: Buffer.from(hash, 'hex'),
    actor_type: entry.actorType,
    actor_id: entry.actorId,
    subject_id: entry.subjectId,
    action: entry.action,
    resource_type: entry.resourceType,
    resource_id: entry.resourceId,
    outcome: entry.outcome,
    reason: entry.reason,
    request_id: entry.requestId,
    source_address: entry.sourceAddress,
    partner_id: entry.partnerId,
    grant_id: entry.grantId,
  }
}
