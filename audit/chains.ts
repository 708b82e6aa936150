/**
 * The chains of the audit log and how an entry is assigned to one of them.
 *
 * The log is split into `AUDIT_CHAIN_COUNT` chains so that appends about
 * different people do not wait for each other: each chain is serialized by
 * its head row, and a lock on it is held until the appending transaction
 * commits. Every entry about one person goes to the same chain, so a
 * person's events keep their order and one contiguous range of one chain
 * holds them all. docs/architecture.md gives the reasons for the count.
 */
import { createHash } from 'node:crypto'

import type { AuditEventInput } from './entry.js'

/** Number of chains that appends write to: chains 0 to 31. */
export const AUDIT_CHAIN_COUNT = 32

/** Every chain that may hold entries. Verification reports an entry or checkpoint in any other chain. */
export const AUDIT_CHAINS: readonly number[] = Array.from({ length: AUDIT_CHAIN_COUNT }, (_, chain) => chain)

/**
 * Returns the chain of an event: the first two bytes of SHA-256 over the
 * UTF-8 bytes of its subject id (else its actor id, else its request id),
 * read as a big-endian number, modulo `AUDIT_CHAIN_COUNT`. An event with none
 * of the three goes to chain 0.
 *
 * The assignment only spreads the load. Verification does not depend on it,
 * and entries written before the log was split are all in chain 0.
 */
export function chainOf(event: Pick<AuditEventInput, 'subjectId' | 'actorId' | 'requestId'>): number {
  const key = event.subjectId ?? event.actorId ?? event.requestId
  if (key === null || key === undefined) {
    return 0
  }
  return createHash('sha256').update(key, 'utf8').digest().readUInt16BE(0) % AUDIT_CHAIN_COUNT
}
