/**
 * Appending to the audit hash chain.
 */
import { sql, type Transaction } from 'kysely'

import { APPEND_CHAIN, chainLockKey } from './chains.js'
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
 * Appends one entry to the chain inside the caller's transaction, so the caller's change and this record commit or fail together.
 *
 * The input is validated before any lock is taken, so a rejected event
 * (`InvalidAuditEntryError`) costs no waiting. The chain's transaction-scoped
 * advisory lock is then held until the caller commits or rolls back, so call
 * this as late as possible in the transaction.
 *
 * The entry's time is `now` if given, else the clock after the lock is
 * granted. Time never decreases along the chain: when that time is earlier
 * than the previous entry's, the entry takes the previous entry's time.
 *
 * The wait for the lock is bounded by `setAuditLockTimeout` (5 s by default),
 * through `SET LOCAL lock_timeout`, which stays in force for the rest of the
 * caller's transaction. A timeout and every other database failure throw
 * `AuditAppendError`.
 *
 * The transaction must run at READ COMMITTED, PostgreSQL's default. At
 * REPEATABLE READ or SERIALIZABLE the read of the head cannot see an append
 * that committed after the transaction's snapshot, and the insert then fails
 * on the (chain, seq) primary key rather than forking the chain.
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
    return await appendToChain(trx, APPEND_CHAIN, event, now)
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
  const lockKey = chainLockKey(chain)

  // A bounded wait: a stuck lock holder makes appends fail, and so their
  // requests fail closed, instead of piling up behind it.
  await sql`select set_config('lock_timeout', ${`${lockTimeoutMs}ms`}, true)`.execute(trx)

  // The lock and the read of the head must be two statements, because at
  // READ COMMITTED each statement takes a new snapshot. A single statement
  // would read the head from a snapshot taken before the lock was granted and
  // miss the entry appended by the previous holder of the lock.
  await sql`select pg_advisory_xact_lock(${lockKey}::bigint)`.execute(trx)

  const head = await trx
    .selectFrom('audit_events')
    .select(['seq', 'hash', 'time'])
    .where('chain', '=', chain)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst()

  const clock = now ?? new Date()
  let seq = 1
  let prevHash = GENESIS_HASH
  let time = clock
  if (head !== undefined) {
    seq = parseSeq(head.seq) + 1
    prevHash = (head.hash as Buffer).toString('hex')
    const headTime = head.time as Date
    if (clock.getTime() < headTime.getTime()) {
      time = headTime
    }
  }

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

  await trx.insertInto('audit_events').values(entryToRow(entry, canonical, hash)).execute()
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
