/**
 * Appending to the audit hash chain.
 */
import { sql, type Transaction } from 'kysely'

import { chainOf } from './chains.js'
import {
  AUDIT_ENTRY_VERSION,
  GENESIS_HASH,
  InvalidAuditEntryError,
  chainHash,
  entryCanonicalBytes,
  normalizeAuditEventInput,
  type AuditEntry,
  type AuditEventInput,
} from './entry.js'
import { entryToRow } from './event-row.js'

/** Default of the bounded wait for the chain's append lock, in milliseconds. */
export const DEFAULT_AUDIT_LOCK_TIMEOUT_MS = 5_000

const MAX_AUDIT_LOCK_TIMEOUT_MS = 600_000

let lockTimeoutMs = DEFAULT_AUDIT_LOCK_TIMEOUT_MS

/**
 * Error thrown when the database refuses or fails an append: the lock wait
 * timed out, the insert was not permitted, the connection broke. The database
 * error is in `cause`. Callers respond with `audit_unavailable` (503) and let the
 * transaction roll back, so nothing happens without its record.
 */
export class AuditAppendError extends Error {
  override name = 'AuditAppendError'
}

/**
 * Sets how long every later append in this process waits for the chain's
 * append lock before it fails with `AuditAppendError`, in milliseconds
 * (1 to 600,000). The vault sets it once at start from
 * COFFRE_AUDIT_LOCK_TIMEOUT_MS.
 */
export function setAuditLockTimeout(milliseconds: number): void {
  if (!Number.isInteger(milliseconds) || milliseconds < 1 || milliseconds > MAX_AUDIT_LOCK_TIMEOUT_MS) {
    throw new RangeError(`invalid audit lock timeout ${milliseconds}: must be an integer from 1 to ${MAX_AUDIT_LOCK_TIMEOUT_MS} milliseconds`)
  }
  lockTimeoutMs = milliseconds
}

/**
 * Appends one entry to the chain of its subject (`chainOf`) inside the
 * caller's transaction, so the caller's change and this record commit or
 * fail together.
 *
 * The input is validated before any lock is taken, so a rejected event
 * (`InvalidAuditEntryError`) costs no waiting. The lock on the chain's head
 * row is then held until the caller commits or rolls back, so call this as
 * late as possible in the transaction. Appends to other chains do not wait.
 *
 * The entry's time is `now` if given, else the clock after the lock is
 * granted. Time never decreases along a chain: when that time is earlier
 * than the previous entry's, the entry takes the previous entry's time.
 *
 * The wait for the lock is bounded by `setAuditLockTimeout` (5 s by default),
 * through the transaction's `lock_timeout`, which stays in force for the rest
 * of the caller's transaction. A timeout and every other database failure
 * throw `AuditAppendError`.
 *
 * A transaction that appends about several people locks several heads. Two
 * such transactions that lock them in opposite orders deadlock, and
 * PostgreSQL then aborts one of them, which fails closed like a timeout.
 *
 * The transaction must run at READ COMMITTED, PostgreSQL's default. At
 * REPEATABLE READ or SERIALIZABLE an append after another transaction
 * changed the same head fails with a serialization error instead.
 */
export async function appendAuditEvent(
  trx: Transaction<any>,
  input: AuditEventInput,
  now?: Date,
): Promise<AuditEntry> {
  if (now !== undefined && Number.isNaN(now.getTime())) {
    throw new RangeError('invalid audit time: now is an invalid Date')
  }
  const event = normalizeAuditEventInput(input)
  try {
    return await appendToChain(trx, chainOf(event), event, now)
  } catch (error) {
    if (error instanceof InvalidAuditEntryError || error instanceof RangeError) {
      throw error
    }
    throw new AuditAppendError('audit append failed: the entry could not be written to the chain', { cause: error })
  }
}

async function appendToChain(
  trx: Transaction<any>,
  chain: number,
  event: Required<AuditEventInput>,
  now: Date | undefined,
): Promise<AuditEntry> {
  // One statement takes the chain's row lock and reads its head. At READ
  // COMMITTED an UPDATE that waited for the previous holder re-reads the row
  // it committed, so the head is never stale. The set_config in the WHERE
  // clause runs before the row lock is requested, so the wait is bounded:
  // a stuck holder makes appends fail, and their requests fail closed,
  // instead of piling up behind it. The timeout stays for the rest of the
  // caller's transaction, as SET LOCAL would.
  const { rows } = await sql<{ seq: string; hash: Buffer; time: Date | null }>`
    update audit_chain_heads
    set seq = seq + 1
    where chain = ${chain} and set_config('lock_timeout', ${`${lockTimeoutMs}ms`}, true) is not null
    returning seq, hash, time
  `.execute(trx)
  const head = rows[0]
  if (head === undefined) {
    // A plain Error, so the caller gets AuditAppendError and fails closed.
    throw new Error(`audit chain ${chain} has no head row: run the migrations`)
  }

  const seq = parseSeq(head.seq)
  const prevHash = seq === 1 ? GENESIS_HASH : head.hash.toString('hex')
  const clock = now ?? new Date()
  const time = head.time !== null && clock.getTime() < head.time.getTime() ? head.time : clock

  const entry: AuditEntry = {
    ...event,
    version: AUDIT_ENTRY_VERSION,
    chain,
    seq,
    time: time.toISOString(),
    prevHash,
  }
  const canonical = entryCanonicalBytes(entry)
  const hash = chainHash(prevHash, canonical)
  const row = entryToRow(entry, canonical, hash)

  // The entry and the new head in one statement: one round trip less while
  // the lock is held.
  await trx
    .with('head', (db) => db.updateTable('audit_chain_heads').set({ hash: row.hash, time: row.time }).where('chain', '=', chain))
    .insertInto('audit_events')
    .values(row)
    .execute()
  return entry
}

// node-postgres returns bigint columns as decimal strings.
function parseSeq(value: unknown): number {
  const seq = Number(value)
  if (!Number.isSafeInteger(seq) || seq < 1) {
    throw new RangeError(`invalid audit chain head: seq ${String(value)} is not a positive safe integer`)
  }
  return seq
}
