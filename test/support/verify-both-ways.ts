import type { Kysely } from 'kysely'
import { expect } from 'vitest'

import { verifyChain, type ScanOutcome, type VerificationReport, type VerifyChainOptions } from '../../audit/verify.js'

/**
 * Verifies the log chain by chain in seq order, then again with a parallel
 * scan in two worker threads, and expects the same report from both. On a
 * valid log the second report must come from the scan itself, not from its
 * fallback. Returns the report.
 */
export async function verifyBothWays(db: Kysely<any>, options: Omit<VerifyChainOptions, 'workers' | 'onScan'> = {}): Promise<VerificationReport> {
  const inOrder = await verifyChain(db, { ...options, workers: 0 })

  const outcomes: ScanOutcome[] = []
  const scanned = await verifyChain(db, { ...options, workers: 2, onScan: (outcome) => outcomes.push(outcome) })
  expect(scanned).toEqual(inOrder)
  expect(outcomes).toHaveLength(1)
  if (inOrder.valid) {
    expect(outcomes[0]).toBe('scan')
  } else {
    expect(outcomes[0]).not.toBe('worker_error')
  }
  return inOrder
}
