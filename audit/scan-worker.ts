/**
 * Worker thread of a parallel verification: scans one part and posts its
 * `ScanResult`. An error ends the thread and reaches the parent as its 'error' event.
 */
import { parentPort, workerData } from 'node:worker_threads'

import { scanSnapshotPart, type SnapshotScanInput } from './snapshot-scan.js'

if (parentPort === null) {
  throw new Error('audit/scan-worker.ts runs only as a worker thread, started by audit/parallel-scan.ts')
}
parentPort.postMessage(await scanSnapshotPart(workerData as SnapshotScanInput))
