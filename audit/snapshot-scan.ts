/**
 * One part of a parallel verification: a connection that joins the
 * verification's snapshot and scans the chains of its part in physical
 * order, through a binary COPY.
 */
import pg from 'pg'
import { to as copyTo } from 'pg-copy-streams'

import { ChainScan, DEFAULT_HOLD_LIMITS, SCANNED_COLUMNS, type ExpectedCheckpoint, type HoldLimits, type ScanResult } from './chain-scan.js'
import { readCopyRows } from './copy-rows.js'

/** Input of one part, plain data so that it can cross to a worker thread. */
export interface SnapshotScanInput {
  /** Connection settings of the pool that opened the verification. */
  connection: { connectionString?: string; connectionTimeoutMillis?: number }
  /** Snapshot id from `pg_export_snapshot()` in the verification's transaction. */
  snapshot: string
  /** This part reads the chains whose number modulo `parts` is `part`. */
  parts: number
  part: number
  chains: readonly number[]
  /** Checkpoints of this part's chains, by chain, in seq order. */
  checkpoints: readonly [number, readonly ExpectedCheckpoint[]][]
  batchSize: number
  holdLimits?: HoldLimits
}

// pg_export_snapshot() returns hexadecimal groups joined by dashes. SET
// TRANSACTION SNAPSHOT takes no parameter, so the id goes into the text.
const SNAPSHOT_ID = /^[0-9A-F]+(-[0-9A-F]+)+$/i

/**
 * Scans the part's chains in the exported snapshot and returns what the
 * scan proved, or its doubt. Rethrows database errors.
 */
export async function scanSnapshotPart(input: SnapshotScanInput): Promise<ScanResult> {
  if (!SNAPSHOT_ID.test(input.snapshot)) {
    throw new RangeError(`invalid snapshot id ${JSON.stringify(input.snapshot)}: expected the value of pg_export_snapshot()`)
  }
  if (!Number.isInteger(input.parts) || !Number.isInteger(input.part) || input.part < 0 || input.part >= input.parts) {
    throw new RangeError(`invalid part ${input.part} of ${input.parts}: expected an integer from 0 to parts - 1`)
  }

  const client = new pg.Client({ ...input.connection, application_name: 'coffre-audit-verify' })
  // The query that fails rejects with the same error; this only keeps the event handled.
  client.on('error', () => undefined)
  await client.connect()
  try {
    await client.query('begin isolation level repeatable read read only')
    await client.query(`set transaction snapshot '${input.snapshot}'`)
    await client.query('set local statement_timeout = 0')
    // A parallel plan would return the rows of several workers interleaved,
    // out of physical order.
    await client.query('set local max_parallel_workers_per_gather = 0')
    // Otherwise a scan of a large table starts at the page that another
    // scan of it reached, or last reached, and wraps around. The oldest rows would then come last.
    await client.query('set local synchronize_seqscans = off')

    const scan = new ChainScan(input.chains, new Map(input.checkpoints), input.holdLimits ?? DEFAULT_HOLD_LIMITS)
    // The modulo keeps any index out of the plan, so the rows come from a
    // sequential scan.
    const stream = client.query(
      copyTo(`copy (select ${SCANNED_COLUMNS.join(', ')} from audit_events where chain % ${input.parts} = ${input.part}) to stdout (format binary)`),
    )
    for await (const batch of readCopyRows(stream, SCANNED_COLUMNS.length, input.batchSize)) {
      // Leaving the loop destroys the stream, and the connection closes below.
      if (!scan.add(batch)) break
    }
    return scan.finish()
  } finally {
    await client.end().catch(() => undefined)
  }
}
