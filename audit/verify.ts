/**
 * Verification of the audit hash chain and its checkpoints.
 */
import type { Kysely, Transaction } from 'kysely'

import { AUDIT_CHAINS } from './chains.js'
import { CheckpointReader } from './checkpoint-reader.js'
import { GENESIS_HASH } from './entry.js'
import { COPIED_TEXT_COLUMNS } from './event-row.js'
import { checkStoredEntry, type ChainPosition, type StoredEntryRow } from './stored-entry-check.js'
import type { StoredCheckpoint, VerificationFailure, VerificationReport } from './verification-report.js'

export type {
  StoredCheckpoint,
  VerificationFailure,
  VerificationFailureKind,
  VerificationReport,
} from './verification-report.js'

/** Options of `verifyChain`. */
export interface VerifyChainOptions {
  /** Maximum entries or checkpoints read per query, from 1 to 100,000 (default 5,000). */
  batchSize?: number
  /**
   * Signature check for each checkpoint whose head hash matched. It must
   * return false for a signature that does not verify. An exception that it
   * throws aborts verification. Without it, signatures are not checked.
   */
  verifySignature?: (checkpoint: StoredCheckpoint) => Promise<boolean>
}

const DEFAULT_BATCH_SIZE = 5_000
const MAX_BATCH_SIZE = 100_000

const ENTRY_COLUMNS = ['chain', 'seq', 'time', 'canonical', 'prev_hash', 'hash', ...Object.keys(COPIED_TEXT_COLUMNS)]

/**
 * Verifies the audit log and reports the first entry or checkpoint that does
 * not verify.
 *
 * Reads every chain in seq order, in batches, from one read-only REPEATABLE
 * READ snapshot, so appends that commit meanwhile neither appear halfway nor
 * make checkpoints look ahead of the chain. For each entry it checks the
 * sequence from 1 without gaps, the link to the previous hash, the stored
 * hash against SHA-256 over the stored canonical bytes, and the canonical
 * bytes against the row. Each checkpoint's head hash must equal the
 * recomputed hash at its seq. A checkpoint past the last entry reveals
 * entries removed from the end. Without such a checkpoint, removal of the
 * last entries cannot be detected from the database alone.
 *
 * `db` must not be a transaction, because verification opens its own.
 * Throws a `RangeError` for an invalid batch size, and rethrows database
 * errors and errors thrown by `verifySignature`.
 */
export async function verifyChain(db: Kysely<any>, options: VerifyChainOptions = {}): Promise<VerificationReport> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
    throw new RangeError(`invalid batchSize ${batchSize}: must be an integer from 1 to ${MAX_BATCH_SIZE}`)
  }

  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => {
      const report: VerificationReport = { valid: true, entriesChecked: 0, checkpointsChecked: 0, head: null }

      for (const chain of AUDIT_CHAINS) {
        const failure = await verifyOneChain(trx, chain, batchSize, options.verifySignature, report)
        if (failure !== null) {
          return { ...report, valid: false, failure }
        }
      }

      const stray = await findRowOutsideKnownChains(trx)
      if (stray !== null) {
        return { ...report, valid: false, failure: stray }
      }
      return report
    })
}

/**
 * Verifies one chain and its checkpoints, adding what verified to `report`.
 * Returns the first failure, or null when the whole chain verified.
 */
async function verifyOneChain(
  trx: Transaction<any>,
  chain: number,
  batchSize: number,
  verifySignature: VerifyChainOptions['verifySignature'],
  report: VerificationReport,
): Promise<VerificationFailure | null> {
  const checkpoints = new CheckpointReader(trx, chain, batchSize)
  const position: ChainPosition = { chain, seq: 1, prevHash: GENESIS_HASH, prevTime: null }

  let nextBatch = fetchEntries(trx, chain, 0, batchSize)
  for (;;) {
    const rows = await nextBatch
    if (rows.length === 0) {
      break
    }

    // Ask for the next batch before checking this one, so the database reads
    // while this process hashes.
    const lastRow = rows[rows.length - 1] as StoredEntryRow
    nextBatch = rows.length < batchSize ? Promise.resolve([]) : fetchEntries(trx, chain, Number(lastRow.seq), batchSize)
    // Marks a rejection as handled in case checking this batch throws first.
    // The loop still awaits nextBatch, so the rejection still reaches it.
    nextBatch.catch(() => undefined)

    const failure = await checkBatch(rows, position, checkpoints, verifySignature, report)
    if (failure !== null) {
      // Let the read already sent finish before the transaction ends.
      await nextBatch.catch(() => [])
      return failure
    }
  }

  // Any checkpoint left names an entry that is no longer there.
  const beyond = await checkpoints.peek()
  if (beyond !== undefined) {
    const lastSeq = position.seq - 1
    return {
      kind: 'checkpoint_mismatch',
      chain,
      seq: beyond.seq,
      detail: `checkpoint ${beyond.id} covers entry ${beyond.seq}, but the chain ends at entry ${lastSeq}: entries after ${lastSeq} are missing`,
    }
  }
  return null
}

/** Checks a batch of entries and the checkpoints at their seqs, and advances `position` past each entry that verified. */
async function checkBatch(
  rows: StoredEntryRow[],
  position: ChainPosition,
  checkpoints: CheckpointReader,
  verifySignature: VerifyChainOptions['verifySignature'],
  report: VerificationReport,
): Promise<VerificationFailure | null> {
  for (const row of rows) {
    const check = checkStoredEntry(row, position)
    if (!check.ok) {
      return check.failure
    }

    const seq = position.seq
    report.entriesChecked++
    report.head = { chain: position.chain, seq, hash: check.hash }
    position.seq = seq + 1
    position.prevHash = check.hash
    position.prevTime = check.time

    const failure = await checkCheckpointsAt(checkpoints, position.chain, seq, check.hash, verifySignature, report)
    if (failure !== null) {
      return failure
    }
  }
  return null
}

/**
 * Checks every checkpoint at `seq` against the recomputed hash of that entry.
 * Checkpoints come in seq order and the entries are gapless, so no
 * checkpoint with a smaller seq can still be waiting.
 */
async function checkCheckpointsAt(
  checkpoints: CheckpointReader,
  chain: number,
  seq: number,
  hash: string,
  verifySignature: VerifyChainOptions['verifySignature'],
  report: VerificationReport,
): Promise<VerificationFailure | null> {
  for (let checkpoint = await checkpoints.peek(); checkpoint?.seq === seq; checkpoint = await checkpoints.peek()) {
    if (checkpoint.headHash !== hash) {
      return {
        kind: 'checkpoint_mismatch',
        chain,
        seq,
        detail: `checkpoint ${checkpoint.id} head hash differs from the recomputed hash of entry ${seq}`,
      }
    }

    // Signatures are checked only when the caller supplies verifySignature:
    // this module does not read keys. `npm run audit:verify` and the DPO's
    // verification route pass one built from audit_signing_keys.
    if (verifySignature !== undefined && !(await verifySignature(checkpoint))) {
      return {
        kind: 'bad_signature',
        chain,
        seq,
        detail: `checkpoint ${checkpoint.id} signature by key ${checkpoint.keyId} does not verify`,
      }
    }

    report.checkpointsChecked++
    checkpoints.advance()
  }
  return null
}

async function fetchEntries(
  trx: Transaction<any>,
  chain: number,
  afterSeq: number,
  batchSize: number,
): Promise<StoredEntryRow[]> {
  const rows = await trx
    .selectFrom('audit_events')
    .select(ENTRY_COLUMNS)
    .where('chain', '=', chain)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(batchSize)
    .execute()
  return rows as StoredEntryRow[]
}

/** Finds an entry or checkpoint in a chain that the log does not use, which nothing else would verify. */
async function findRowOutsideKnownChains(trx: Transaction<any>): Promise<VerificationFailure | null> {
  for (const table of ['audit_events', 'audit_checkpoints']) {
    const row = await trx
      .selectFrom(table)
      .select(['chain', 'seq'])
      .where('chain', 'not in', AUDIT_CHAINS)
      .orderBy('chain')
      .orderBy('seq')
      .limit(1)
      .executeTakeFirst()
    if (row !== undefined) {
      const kind = table === 'audit_events' ? 'entry' : 'checkpoint'
      return {
        kind: 'unknown_chain',
        chain: Number(row.chain),
        seq: Number(row.seq),
        detail: `${kind} ${row.seq} belongs to chain ${row.chain}, which the audit log does not use`,
      }
    }
  }
  return null
}
