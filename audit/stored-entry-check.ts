/**
 * The checks that verification runs on each stored entry of a chain.
 */
import { createHash } from 'node:crypto'

import { entryCanonicalBytes, type AuditEntry } from './entry.js'
import { entryCanonicalText } from './entry-text.js'
import { COPIED_TEXT_COLUMNS, type CopiedTextColumn } from './event-row.js'
import type { VerificationFailure, VerificationFailureKind } from './verification-report.js'

/** A row of `audit_events` as node-postgres returns it, with bigint columns as strings. */
export type StoredEntryRow = {
  chain: number
  seq: string | number
  time: Date
  canonical: Buffer
  prev_hash: Buffer
  hash: Buffer
} & Record<CopiedTextColumn, string | null>

/** Expected position of the next entry of a chain: its seq and what it must link to. */
export interface ChainPosition {
  chain: number
  seq: number
  /** Hash of the previous entry, or 32 zero bytes (the genesis hash) for seq 1. */
  prevHash: Buffer
  /** Time of the previous entry in milliseconds since the epoch, or null for seq 1. */
  prevTime: number | null
}

/** Outcome of checking one entry: its recomputed hash and time, or the failure. */
export type StoredEntryCheck = { ok: true; hash: Buffer; time: number } | { ok: false; failure: VerificationFailure }

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Checks that a stored entry is the next entry of its chain: seq, link to the
 * previous hash, stored hash against the hash recomputed from the stored
 * canonical bytes, then the canonical bytes against the row.
 *
 * The hash is always recomputed from the stored bytes, never from a
 * re-serialization of the row, so an independent verifier of an export gets
 * the same result. Failure details name seqs and columns but never values.
 *
 * A valid entry takes the fast path. The fixed-field serializer builds the
 * canonical text that the row's columns and its place in the chain call
 * for, and one comparison with the stored bytes checks the canonical form
 * and every copied column. Anything else takes the detailed path, which
 * finds and names the first difference.
 */
export function checkStoredEntry(row: StoredEntryRow, position: ChainPosition): StoredEntryCheck {
  const seq = Number(row.seq)
  const time = row.time.getTime()
  if (seq === position.seq && row.prev_hash.equals(position.prevHash) && (position.prevTime === null || time >= position.prevTime)) {
    const hash = createHash('sha256').update(position.prevHash).update(row.canonical).digest()
    // Canonical entries are ASCII, so latin1 decoding maps each byte to one
    // character; any other byte makes the comparison fail.
    if (hash.equals(row.hash) && row.canonical.toString('latin1') === expectedCanonicalText(row, position, seq)) {
      return { ok: true, hash, time }
    }
  }
  return checkStoredEntryInDetail(row, position)
}

/** Builds the canonical text of the entry that the row and its place in the chain describe. */
function expectedCanonicalText(row: StoredEntryRow, position: ChainPosition, seq: number): string {
  return entryCanonicalText({
    version: 1,
    chain: position.chain,
    seq,
    time: row.time.toISOString(),
    prevHash: position.prevHash.toString('hex'),
    actorType: row.actor_type as AuditEntry['actorType'],
    actorId: row.actor_id,
    subjectId: row.subject_id,
    action: row.action as string,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    outcome: row.outcome as AuditEntry['outcome'],
    reason: row.reason,
    requestId: row.request_id,
    sourceAddress: row.source_address,
    partnerId: row.partner_id,
    grantId: row.grant_id,
  })
}

function checkStoredEntryInDetail(row: StoredEntryRow, position: ChainPosition): StoredEntryCheck {
  const { chain } = position
  const seq = Number(row.seq)
  if (seq !== position.seq) {
    return failed('sequence_gap', chain, position.seq, `entry ${position.seq} is missing: the next entry found has seq ${seq}`)
  }

  if (!row.prev_hash.equals(position.prevHash)) {
    const expected = seq === 1 ? 'the genesis hash' : `the hash of entry ${seq - 1}`
    return failed('hash_mismatch', chain, seq, `previous hash differs from ${expected}`)
  }

  const hash = createHash('sha256').update(position.prevHash).update(row.canonical).digest()
  if (!row.hash.equals(hash)) {
    return failed('hash_mismatch', chain, seq, 'stored hash differs from the hash recomputed from the canonical bytes')
  }

  const parsed = parseCanonicalEntry(row.canonical)
  if (typeof parsed === 'string') {
    return failed('entry_mismatch', chain, seq, parsed)
  }

  const mismatch = findRowMismatch(row, parsed, position, seq, position.prevHash.toString('hex'))
  if (mismatch !== null) {
    return failed('entry_mismatch', chain, seq, mismatch)
  }

  return { ok: true, hash, time: Date.parse(parsed.time) }
}

/** Parses canonical bytes into an entry, or returns why they are not a valid canonical entry. */
function parseCanonicalEntry(canonical: Buffer): AuditEntry | string {
  let parsed: unknown
  try {
    parsed = JSON.parse(strictUtf8.decode(canonical))
  } catch {
    return 'canonical bytes are not UTF-8 JSON'
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return 'canonical bytes are not a JSON object'
  }

  const entry = parsed as AuditEntry
  let rebuilt: Buffer
  try {
    rebuilt = entryCanonicalBytes(entry)
  } catch (error) {
    // InvalidAuditEntryError messages name the field and the rule, never the value.
    return `canonical bytes are not a valid entry: ${(error as Error).message}`
  }
  if (!rebuilt.equals(canonical)) {
    return 'canonical bytes are not in canonical form or have fields that an entry does not have'
  }
  return entry
}

/** Compares the hashed entry with its row and its place in the chain, and returns the first difference or null. */
function findRowMismatch(
  row: StoredEntryRow,
  entry: AuditEntry,
  position: ChainPosition,
  seq: number,
  prevHash: string,
): string | null {
  if (entry.chain !== position.chain) {
    return `hashed entry belongs to chain ${entry.chain}, not to chain ${position.chain}`
  }
  if (entry.seq !== seq) {
    return `hashed entry has seq ${entry.seq}, but its row has seq ${seq}`
  }
  if (entry.prevHash !== prevHash) {
    return 'hashed previous hash differs from column prev_hash'
  }

  const time = Date.parse(entry.time)
  if (row.time.getTime() !== time) {
    return 'column time differs from the hashed entry'
  }
  if (position.prevTime !== null && time < position.prevTime) {
    return `time is earlier than the time of entry ${seq - 1}`
  }

  for (const [column, field] of Object.entries(COPIED_TEXT_COLUMNS) as [CopiedTextColumn, keyof AuditEntry][]) {
    if (row[column] !== entry[field]) {
      return `column ${column} differs from the hashed entry`
    }
  }
  return null
}

function failed(kind: VerificationFailureKind, chain: number, seq: number, detail: string): StoredEntryCheck {
  return { ok: false, failure: { kind, chain, seq, detail } }
}
