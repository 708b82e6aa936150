/**
 * Types of the result of audit chain verification.
 */

/**
 * Kind of the first problem that verification found.
 *
 * - `sequence_gap`: the entry at this seq is missing. Seqs run from 1 without gaps.
 * - `hash_mismatch`: an entry's stored hash differs from the hash recomputed
 *   from its canonical bytes, or its previous hash differs from the hash of
 *   the entry before it.
 * - `entry_mismatch`: an entry's hash checks out, but its canonical bytes are
 *   not a valid canonical entry, or disagree with the row: chain, seq,
 *   previous hash, time, or a column copied for queries. Time must also not
 *   decrease along the chain.
 * - `unknown_chain`: an entry or checkpoint belongs to a chain that the log
 *   does not use.
 * - `checkpoint_mismatch`: a checkpoint's head hash differs from the
 *   recomputed hash at its seq, or the checkpoint names a seq past the last
 *   entry, which means entries were removed from the end.
 * - `bad_signature`: a checkpoint's signature does not verify.
 */
export type VerificationFailureKind =
  | 'hash_mismatch'
  | 'sequence_gap'
  | 'entry_mismatch'
  | 'unknown_chain'
  | 'checkpoint_mismatch'
  | 'bad_signature'

/** The first problem found, at the seq of the first entry or checkpoint that does not verify. */
export interface VerificationFailure {
  kind: VerificationFailureKind
  chain: number
  seq: number
  /** Description for the DPO, with seqs and column names but never entry contents. */
  detail: string
}

/**
 * Result of `verifyChain`.
 *
 * When `valid` is false, `entriesChecked` and `checkpointsChecked` count what
 * verified before the failure, and `head` is the last entry that verified.
 */
export interface VerificationReport {
  valid: boolean
  entriesChecked: number
  checkpointsChecked: number
  /** Last verified entry and its hash as 64 lowercase hex digits, or null when none verified. */
  head: ChainHead | null
  /** Head of each chain that verified to its end, in chain order; chains without entries are left out. */
  heads: ChainHead[]
  failure?: VerificationFailure
}

/** The last entry of a chain and its hash as 64 lowercase hex digits. */
export interface ChainHead {
  chain: number
  seq: number
  hash: string
}

/** A row of `audit_checkpoints`, as handed to a signature verifier. */
export interface StoredCheckpoint {
  /** bigserial id, as a decimal string. */
  id: string
  chain: number
  seq: number
  /** Signed head hash as 64 lowercase hex digits. */
  headHash: string
  time: Date
  keyId: string
  /** The exact bytes that were signed. */
  message: Buffer
  signature: Buffer
}
