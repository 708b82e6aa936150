/**
 * Verification of the audit hash chain and its checkpoints.
 */
import { availableParallelism } from 'node:os'

import type { Kysely } from 'kysely'
import type pg from 'pg'
import { to as copyTo } from 'pg-copy-streams'

import { poolOf } from '../server/db/pool.js'
import { logger } from '../server/logging/logger.js'
import { AUDIT_CHAINS } from './chains.js'
import { CheckpointQueue, readCheckpointsByChain } from './checkpoint-reader.js'
import { checkCopiedRow, VERIFIED_COLUMNS } from './copied-entry-check.js'
import { readCopyRows, type CopyBatch } from './copy-rows.js'
import { GENESIS_HASH } from './entry.js'
import { verifyByScan, type ScanOutcome } from './scan-verification.js'
import type { ChainPosition } from './stored-entry-check.js'
import { findRowOutsideKnownChains } from './stray-rows.js'
import type { StoredCheckpoint, VerificationFailure, VerificationReport } from './verification-report.js'

export type {
  StoredCheckpoint,
  VerificationFailure,
  VerificationFailureKind,
  VerificationReport,
} from './verification-report.js'

/** Options of `verifyChain`. */
export interface VerifyChainOptions {
  /** Maximum entries checked between two reads of the stream, from 1 to 100,000 (default 5,000). */
  batchSize?: number
  /**
   * Signature check for each checkpoint whose head hash matched. It must
   * return false for a signature that does not verify. An exception that it
   * throws aborts verification. Without it, signatures are not checked.
   */
  verifySignature?: (checkpoint: StoredCheckpoint) => Promise<boolean>
  /**
   * Worker threads that scan the log in parallel, from 0 to 16. With 0,
   * the chains are read one after the other in seq order on one
   * connection. By default: 0 for a log under 128 MiB, where starting
   * threads costs more than it saves, else one per core up to 8.
   */
  workers?: number
  /**
   * Called once after a parallel scan with how it ended: `scan` when the
   * report comes from the scan, `fallback` when a doubt sent verification
   * chain by chain, `worker_error` when a worker failed and verification
   * went chain by chain. Tests and benchmarks use it to know which path
   * produced the report.
   */
  onScan?: (outcome: ScanOutcome) => void
}

export type { ScanOutcome } from './scan-verification.js'

const DEFAULT_BATCH_SIZE = 5_000
const MAX_BATCH_SIZE = 100_000
const MAX_WORKERS = 16
const DEFAULT_MAX_WORKERS = 8
// NOTE: an estimate from one machine. Starting two workers took 0.35 to
// 0.41 s there. On a log of 38,000 entries (32 MiB) the scan took 0.65 s and
// the chain-by-chain path 0.29 to 0.42 s, so the scan pays off from about
// 100,000 entries. 128 MiB is about 150,000 entries.
const PARALLEL_FROM_BYTES = 128 * 1024 * 1024


/**
 * Verifies the audit log and reports the first entry or checkpoint that does
 * not verify.
 *
 * Reads from one read-only REPEATABLE READ snapshot, so appends that commit
 * meanwhile neither appear halfway nor make checkpoints look ahead of the
 * chain. Entries arrive through a binary COPY. For each entry it checks the
 * sequence from 1 without gaps, the link to the previous hash, the stored
 * hash against SHA-256 over the stored canonical bytes, and the canonical
 * bytes against the row. Each checkpoint's head hash must equal the
 * recomputed hash at its seq. A checkpoint past the last entry reveals
 * entries removed from the end. Without such a checkpoint, removal of the
 * last entries cannot be detected from the database alone.
 *
 * A large log is first scanned in parallel in physical order
 * (`parallel-scan.ts`). When that scan cannot prove the log valid, the
 * chains are read again one by one in seq order, which names the first
 * failure. Both paths give the same report.
 *
 * `db` must be an instance from `openDatabase`, not a transaction, because
 * verification opens its own. Verifications of one process run one at a
 * time, because each keeps a pooled connection and its workers' connections
 * busy for as long as it reads. A call made during another waits for it.
 * Throws a `RangeError` for an invalid batch size or worker count, and
 * rethrows database errors and errors thrown by `verifySignature`.
 */
export async function verifyChain(db: Kysely<any>, options: VerifyChainOptions = {}): Promise<VerificationReport> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
    throw new RangeError(`invalid batchSize ${batchSize}: must be an integer from 1 to ${MAX_BATCH_SIZE}`)
  }
  const { workers } = options
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 0 || workers > MAX_WORKERS)) {
    throw new RangeError(`invalid workers ${workers}: must be an integer from 0 to ${MAX_WORKERS}`)
  }

  return oneAtATime(() => verifyInSnapshot(db, batchSize, options))
}

async function verifyInSnapshot(db: Kysely<any>, batchSize: number, options: VerifyChainOptions): Promise<VerificationReport> {
  const started = performance.now()
  const client = await poolOf(db).connect()
  // A server that ends the connection (a shutdown, a dropped database) also
  // emits 'error' on the client. The pending query rejects with the same
  // error, so this listener only keeps the event from being unhandled.
  const ignore = (): void => undefined
  client.on('error', ignore)
  // A failure can stop reading in the middle of a COPY, which leaves the
  // connection unusable: it is then closed rather than returned to the pool.
  let reusable = false
  try {
    await client.query('begin isolation level repeatable read read only')
    // The whole log is read in this transaction, which may outlast the
    // pool's statement timeout on a large log.
    await client.query('set local statement_timeout = 0')
    // Checkpoints are read before the entries, since the connection serves
    // nothing else while a COPY runs. A chain gets about one checkpoint per
    // thousand entries, so they fit in memory.
    const checkpoints = await readCheckpointsByChain(client, AUDIT_CHAINS)
    const parts = options.workers ?? (await defaultWorkers(client))
    const scanned = parts > 0 ? await verifyByScan(client, poolOf(db), checkpoints, parts, batchSize, options) : null
    const report = scanned ?? (await verifyChainsInOrder(client, checkpoints, batchSize, options.verifySignature))
    logger.info('audit log verified', {
      valid: report.valid,
      entriesChecked: report.entriesChecked,
      workers: parts,
      path: scanned === null ? 'in_order' : 'scan',
      milliseconds: Math.round(performance.now() - started),
    })
    if (report.valid) {
      await client.query('commit')
      reusable = true
    }
    return report
  } finally {
    client.off('error', ignore)
    client.release(!reusable)
  }
}

// The end of the queue of this process's verifications.
let lastVerification: Promise<unknown> = Promise.resolve()

/** Runs `work` after every verification started before it has settled. */
function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  const run = lastVerification.then(work)
  lastVerification = run.catch(() => undefined)
  return run
}

/** Chooses one worker per core, up to 8, for a log of 128 MiB or more, and none below. */
async function defaultWorkers(client: pg.PoolClient): Promise<number> {
  const { rows } = await client.query<{ bytes: string }>(`select pg_relation_size('audit_events') as bytes`)
  return Number(rows[0]!.bytes) < PARALLEL_FROM_BYTES ? 0 : Math.min(DEFAULT_MAX_WORKERS, availableParallelism())
}

async function verifyChainsInOrder(
  client: pg.PoolClient,
  checkpoints: ReadonlyMap<number, readonly StoredCheckpoint[]>,
  batchSize: number,
  verifySignature: VerifyChainOptions['verifySignature'],
): Promise<VerificationReport> {
  const report: VerificationReport = { valid: true, entriesChecked: 0, checkpointsChecked: 0, head: null, heads: [] }
  for (const chain of AUDIT_CHAINS) {
    const queue = new CheckpointQueue(checkpoints.get(chain) ?? [])
    const failure = await verifyOneChain(client, chain, queue, batchSize, verifySignature, report)
    if (failure !== null) {
      return { ...report, valid: false, failure }
    }
  }

  const stray = await findRowOutsideKnownChains(client)
  if (stray !== null) {
    return { ...report, valid: false, failure: stray }
  }
  return report
}

/**
 * Verifies one chain and its checkpoints, adding what verified to `report`.
 * Returns the first failure, or null when the whole chain verified.
 */
async function verifyOneChain(
  client: pg.PoolClient,
  chain: number,
  checkpoints: CheckpointQueue,
  batchSize: number,
  verifySignature: VerifyChainOptions['verifySignature'],
  report: VerificationReport,
): Promise<VerificationFailure | null> {
  const position: ChainPosition = { chain, seq: 1, prevHash: Buffer.from(GENESIS_HASH, 'hex'), prevTime: null }

  const stream = client.query(
    copyTo(`copy (select ${VERIFIED_COLUMNS.join(', ')} from audit_events where chain = ${chain} order by seq) to stdout (format binary)`),
  )
  for await (const batch of readCopyRows(stream, VERIFIED_COLUMNS.length, batchSize)) {
    const failure = await checkBatch(batch, position, checkpoints, verifySignature, report)
    recordHead(report, position)
    if (failure !== null) {
      stream.destroy()
      return failure
    }
  }

  if (position.seq > 1) {
    report.heads.push({ chain, seq: position.seq - 1, hash: position.prevHash.toString('hex') })
  }

  // Any checkpoint left names an entry that is no longer there.
  const beyond = checkpoints.peek()
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
  batch: CopyBatch,
  position: ChainPosition,
  checkpoints: CheckpointQueue,
  verifySignature: VerifyChainOptions['verifySignature'],
  report: VerificationReport,
): Promise<VerificationFailure | null> {
  // Checkpoints come in seq order, so only the entry at the next
  // checkpoint's seq needs the asynchronous checkpoint check.
  let nextCheckpointSeq = checkpoints.peek()?.seq ?? Infinity
  for (let row = 0; row < batch.rows; row++) {
    const check = checkCopiedRow(batch, row, position)
    if (!check.ok) {
      return check.failure
    }

    const seq = position.seq
    report.entriesChecked++
    position.seq = seq + 1
    position.prevHash = check.hash
    position.prevTime = check.time

    if (seq === nextCheckpointSeq) {
      const failure = await checkCheckpointsAt(checkpoints, position.chain, seq, check.hash, verifySignature, report)
      if (failure !== null) {
        return failure
      }
      nextCheckpointSeq = checkpoints.peek()?.seq ?? Infinity
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
  checkpoints: CheckpointQueue,
  chain: number,
  seq: number,
  hash: Buffer,
  verifySignature: VerifyChainOptions['verifySignature'],
  report: VerificationReport,
): Promise<VerificationFailure | null> {
  for (let checkpoint = checkpoints.peek(); checkpoint?.seq === seq; checkpoint = checkpoints.peek()) {
    if (checkpoint.headHash !== hash.toString('hex')) {
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

/** Sets the report's head to the last entry of `position`'s chain that verified. */
function recordHead(report: VerificationReport, position: ChainPosition): void {
  if (position.seq > 1) {
    report.head = { chain: position.chain, seq: position.seq - 1, hash: position.prevHash.toString('hex') }
  }
}
