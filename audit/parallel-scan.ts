/**
 * Parallel verification: the chains are split into parts, and a worker
 * thread scans each part on its own connection in the verification's
 * snapshot. Each part keeps one PostgreSQL backend and one thread of checks
 * busy, so the parts use the machine's cores together.
 */
import { Worker } from 'node:worker_threads'

import type pg from 'pg'

import { AUDIT_CHAINS } from './chains.js'
import type { ExpectedCheckpoint, HoldLimits, ScanResult, ScannedChain } from './chain-scan.js'
import type { SnapshotScanInput } from './snapshot-scan.js'
import type { StoredCheckpoint } from './verification-report.js'

/** Options of `scanInParallel`. */
export interface ParallelScanOptions {
  parts: number
  batchSize: number
  /** Connection settings for the parts' own connections, from the pool that opened `client`. */
  connection: SnapshotScanInput['connection']
  holdLimits?: HoldLimits
}

const WORKER_ENTRY = new URL('./scan-worker-entry.mjs', import.meta.url)

/**
 * Scans every chain in `parts` worker threads, in the snapshot of the
 * transaction open on `client`, and returns the chains in chain order, or
 * the first doubt a part reported. Rejects when a worker fails, for
 * instance on a database error.
 */
export async function scanInParallel(
  client: pg.PoolClient,
  checkpoints: ReadonlyMap<number, readonly StoredCheckpoint[]>,
  options: ParallelScanOptions,
): Promise<ScanResult> {
  const { rows } = await client.query<{ snapshot: string }>('select pg_export_snapshot() as snapshot')
  const snapshot = rows[0]!.snapshot

  const workers: Worker[] = []
  try {
    const results = Array.from({ length: options.parts }, (_, part) => {
      const chains = AUDIT_CHAINS.filter((chain) => chain % options.parts === part)
      const input: SnapshotScanInput = {
        connection: options.connection,
        snapshot,
        parts: options.parts,
        part,
        chains,
        checkpoints: chains.map((chain) => [chain, expected(checkpoints.get(chain) ?? [])]),
        batchSize: options.batchSize,
        ...(options.holdLimits === undefined ? {} : { holdLimits: options.holdLimits }),
      }
      const worker = new Worker(WORKER_ENTRY, { workerData: input })
      workers.push(worker)
      return resultOf(worker)
    })

    // The first doubt settles the verification: the other parts are not awaited.
    const doubt = new Promise<ScanResult>((resolve, reject) => {
      for (const result of results) {
        result.then((value) => (value.ok ? undefined : resolve(value)), reject)
      }
    })
    const merged = Promise.all(results).then(mergeParts)
    return await Promise.race([doubt, merged])
  } finally {
    // Workers that already posted have ended; terminate stops the others.
    await Promise.all(workers.map((worker) => worker.terminate()))
  }
}

function expected(checkpoints: readonly StoredCheckpoint[]): ExpectedCheckpoint[] {
  return checkpoints.map((checkpoint) => ({ id: checkpoint.id, seq: checkpoint.seq, headHash: checkpoint.headHash }))
}

/** Resolves with the result a worker posts, or rejects with its error, or when it exits without posting. */
function resultOf(worker: Worker): Promise<ScanResult> {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve)
    worker.once('error', reject)
    worker.once('exit', (code) => reject(new Error(`an audit verification worker exited with code ${code} before posting its result`)))
  })
}

function mergeParts(parts: ScanResult[]): ScanResult {
  const chains: ScannedChain[] = []
  for (const part of parts) {
    if (!part.ok) return part
    chains.push(...part.chains)
  }
  chains.sort((left, right) => left.chain - right.chain)
  return { ok: true, chains }
}
