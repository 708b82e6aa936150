/**
 * Verification by parallel scan: runs `scanInParallel`, then checks the
 * signatures and builds the report that verification chain by chain would
 * give for the same valid log.
 */
import type pg from 'pg'

import { logger } from '../server/logging/logger.js'
import { AUDIT_CHAINS } from './chains.js'
import type { ScanResult } from './chain-scan.js'
import { scanInParallel } from './parallel-scan.js'
import { findRowOutsideKnownChains } from './stray-rows.js'
import type { StoredCheckpoint, VerificationReport } from './verification-report.js'

/** Outcome of a parallel scan, as `VerifyChainOptions.onScan` in `verify.ts` describes it. */
export type ScanOutcome = 'scan' | 'fallback' | 'worker_error'

/** The options of `verifyChain` that a scan uses. */
export interface ScanVerificationOptions {
  verifySignature?: (checkpoint: StoredCheckpoint) => Promise<boolean>
  onScan?: (outcome: ScanOutcome) => void
}

/**
 * Verifies the log with a parallel scan in physical order
 * (`parallel-scan.ts`). Returns the report when every chain verified, or
 * null when the scan had a doubt or a worker failed: the caller then
 * verifies chain by chain, which names the first failure. The report is the
 * one that verification in seq order gives for a valid log, including a
 * row outside the known chains.
 */
export async function verifyByScan(
  client: pg.PoolClient,
  pool: pg.Pool,
  checkpoints: ReadonlyMap<number, readonly StoredCheckpoint[]>,
  parts: number,
  batchSize: number,
  { verifySignature, onScan }: ScanVerificationOptions,
): Promise<VerificationReport | null> {
  let scan: ScanResult
  try {
    scan = await scanInParallel(client, checkpoints, { parts, batchSize, connection: connectionOf(pool) })
  } catch (error) {
    // The error can quote a value of the log, so only its class and code are logged.
    logger.warn('audit verification workers failed; verifying chain by chain', {
      errorName: (error as Error)?.name,
      errorCode: (error as { code?: unknown })?.code,
    })
    onScan?.('worker_error')
    return null
  }
  if (!scan.ok) {
    logger.info('audit verification scan found a doubt; verifying chain by chain', { ...scan.doubt })
    onScan?.('fallback')
    return null
  }

  // Signatures are checked here, after every head hash matched, in chain then seq order.
  if (verifySignature !== undefined) {
    for (const chain of AUDIT_CHAINS) {
      for (const checkpoint of checkpoints.get(chain) ?? []) {
        if (!(await verifySignature(checkpoint))) {
          onScan?.('fallback')
          return null
        }
      }
    }
  }

  const report: VerificationReport = { valid: true, entriesChecked: 0, checkpointsChecked: 0, head: null, heads: [] }
  for (const chain of scan.chains) {
    report.entriesChecked += chain.entries
    report.checkpointsChecked += chain.checkpointsChecked
    if (chain.headHash !== null) {
      report.head = { chain: chain.chain, seq: chain.entries, hash: chain.headHash }
      report.heads.push(report.head)
    }
  }
  const stray = await findRowOutsideKnownChains(client)
  onScan?.('scan')
  return stray === null ? report : { ...report, valid: false, failure: stray }
}

/** Picks the pool's connection settings that a worker needs to open a connection of its own. */
function connectionOf(pool: pg.Pool): { connectionString?: string; connectionTimeoutMillis?: number } {
  const options = (pool as unknown as { options: { connectionString?: string; connectionTimeoutMillis?: number } }).options
  return {
    ...(options.connectionString === undefined ? {} : { connectionString: options.connectionString }),
    ...(options.connectionTimeoutMillis === undefined ? {} : { connectionTimeoutMillis: options.connectionTimeoutMillis }),
  }
}
