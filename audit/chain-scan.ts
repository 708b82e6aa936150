/**
 * Checks chains from rows that arrive in the table's physical order, as a
 * sequential scan returns them, rather than in seq order.
 *
 * Reading one chain in seq order visits its rows scattered over the whole
 * table, and PostgreSQL then spends more time per row than the checks. A
 * sequential scan returns rows nearly in insertion order, so each chain's
 * rows come nearly in seq order too. A row that comes before its
 * predecessor (a later append that reused space freed by an aborted one,
 * or two loads committing side by side) is held until the predecessor has
 * been checked. Each entry then goes through the same `checkCopiedRow` as
 * verification in seq order.
 *
 * A scan only proves that chains are valid. Anything else (a failed check,
 * a repeated or missing seq, a checkpoint that does not match, too many
 * rows held) ends it with a doubt, and the caller verifies again in seq
 * order, which names the first failure exactly.
 */
import { checkCopiedRow, VERIFIED_COLUMNS } from './copied-entry-check.js'
import { readInt64, type CopyBatch } from './copy-rows.js'
import { GENESIS_HASH } from './entry.js'
import type { ChainPosition } from './stored-entry-check.js'

/** The columns a scan reads: the chain, then the columns that `checkCopiedRow` takes. */
export const SCANNED_COLUMNS: readonly string[] = ['chain', ...VERIFIED_COLUMNS]

/** Checkpoint as a scan compares it: its seq and the head hash it signed, in hex. */
export interface ExpectedCheckpoint {
  id: string
  seq: number
  headHash: string
}

/** Limits on the rows held until their predecessor is checked. */
export interface HoldLimits {
  rows: number
  bytes: number
}

/**
 * At most 100,000 rows or 64 MiB held. NOTE: an estimate. In a generated
 * log of 1,000,000 entries loaded by two concurrent writers, about 11,000
 * rows came early over a whole scan. No production log has been measured.
 * A log past the limit is verified chain by chain, more slowly but exactly.
 */
export const DEFAULT_HOLD_LIMITS: HoldLimits = { rows: 100_000, bytes: 64 * 1024 * 1024 }

/** A chain that the scan verified to its last entry. */
export interface ScannedChain {
  chain: number
  /** Number of entries, which is also the seq of the last one. */
  entries: number
  /** Hash of the last entry in hex, or null for a chain without entries. */
  headHash: string | null
  checkpointsChecked: number
}

/** Why a scan stopped: the chain, the seq it was waiting for or met, and a reason for the logs. */
export interface ScanDoubt {
  chain: number
  seq: number
  reason: string
}

export type ScanResult = { ok: true; chains: ScannedChain[] } | { ok: false; doubt: ScanDoubt }

interface ChainState {
  position: ChainPosition
  earlyRows: Map<number, CopyBatch>
  checkpoints: readonly ExpectedCheckpoint[]
  nextCheckpoint: number
  checkpointsChecked: number
}

const CHAIN = 0
const SEQ = 1

/** Checks the rows of a set of chains, fed in any order, batch by batch. */
export class ChainScan {
  readonly #states: (ChainState | undefined)[] = []
  readonly #limits: HoldLimits
  #earlyRowCount = 0
  #earlyByteCount = 0
  #doubt: ScanDoubt | null = null

  /**
   * `chains` are the chains whose rows the batches hold; a row of another
   * chain is a doubt. `checkpoints` gives each chain's checkpoints in seq
   * order.
   */
  constructor(chains: readonly number[], checkpoints: ReadonlyMap<number, readonly ExpectedCheckpoint[]>, limits: HoldLimits = DEFAULT_HOLD_LIMITS) {
    for (const chain of chains) {
      this.#states[chain] = {
        position: { chain, seq: 1, prevHash: Buffer.from(GENESIS_HASH, 'hex'), prevTime: null },
        earlyRows: new Map(),
        checkpoints: checkpoints.get(chain) ?? [],
        nextCheckpoint: 0,
        checkpointsChecked: 0,
      }
    }
    this.#limits = limits
  }

  /**
   * Checks a batch of `SCANNED_COLUMNS` rows. Returns false once the scan
   * has a doubt, after which reading further is useless.
   */
  add(batch: CopyBatch): boolean {
    if (this.#doubt !== null) return false
    const { buffer, offsets, fieldCount } = batch

    for (let row = 0; row < batch.rows; row++) {
      const base = row * fieldCount * 2
      const chain = offsets[base + CHAIN * 2 + 1] === 2 ? buffer.readInt16BE(offsets[base + CHAIN * 2]!) : Number.NaN
      const state = this.#states[chain]
      if (state === undefined) {
        return this.#fail(chain, Number.NaN, 'a row belongs to a chain this scan does not read')
      }

      const seq = readInt64(buffer, offsets[base + SEQ * 2]!, offsets[base + SEQ * 2 + 1]!)
      if (seq === state.position.seq) {
        if (!this.#accept(state, batch, row) || !this.#acceptEarlyRows(state)) return false
      } else if (seq > state.position.seq && !state.earlyRows.has(seq)) {
        if (!this.#keepEarlyRow(state, seq, copyRow(batch, row))) return false
      } else {
        return this.#fail(chain, seq, 'a seq comes twice, or is not a positive integer')
      }
    }
    return true
  }

  /** Ends the scan: every held row and every checkpoint must have found its place. */
  finish(): ScanResult {
    if (this.#doubt === null) {
      for (const state of this.#states) {
        if (state === undefined) continue
        if (state.earlyRows.size > 0) {
          this.#fail(state.position.chain, state.position.seq, 'an entry is missing before later ones')
          break
        }
        if (state.nextCheckpoint < state.checkpoints.length) {
          this.#fail(state.position.chain, state.checkpoints[state.nextCheckpoint]!.seq, 'a checkpoint names a seq past the last entry')
          break
        }
      }
    }
    if (this.#doubt !== null) return { ok: false, doubt: this.#doubt }

    const chains: ScannedChain[] = []
    for (const state of this.#states) {
      if (state === undefined) continue
      const entries = state.position.seq - 1
      chains.push({
        chain: state.position.chain,
        entries,
        headHash: entries > 0 ? state.position.prevHash.toString('hex') : null,
        checkpointsChecked: state.checkpointsChecked,
      })
    }
    return { ok: true, chains }
  }

  /** Checks the row as the chain's next entry, then the checkpoints at its seq. */
  #accept(state: ChainState, batch: CopyBatch, row: number): boolean {
    const { position } = state
    const check = checkCopiedRow(batch, row, position, SEQ)
    if (!check.ok) {
      return this.#fail(position.chain, position.seq, `the entry fails the ${check.failure.kind} check`)
    }

    const seq = position.seq
    position.seq = seq + 1
    position.prevHash = check.hash
    position.prevTime = check.time

    for (let checkpoint = state.checkpoints[state.nextCheckpoint]; checkpoint?.seq === seq; checkpoint = state.checkpoints[state.nextCheckpoint]) {
      if (checkpoint.headHash !== check.hash.toString('hex')) {
        return this.#fail(position.chain, seq, `checkpoint ${checkpoint.id} does not match the entry's hash`)
      }
      state.nextCheckpoint++
      state.checkpointsChecked++
    }
    return true
  }

  /** Checks the held rows that now follow the chain's last checked entry. */
  #acceptEarlyRows(state: ChainState): boolean {
    for (let next = state.earlyRows.get(state.position.seq); next !== undefined; next = state.earlyRows.get(state.position.seq)) {
      state.earlyRows.delete(state.position.seq)
      this.#earlyRowCount--
      this.#earlyByteCount -= next.buffer.length
      if (!this.#accept(state, next, 0)) return false
    }
    return true
  }

  #keepEarlyRow(state: ChainState, seq: number, row: CopyBatch): boolean {
    state.earlyRows.set(seq, row)
    this.#earlyRowCount++
    this.#earlyByteCount += row.buffer.length
    if (this.#earlyRowCount > this.#limits.rows || this.#earlyByteCount > this.#limits.bytes) {
      return this.#fail(state.position.chain, state.position.seq, `more than ${this.#limits.rows} rows or ${this.#limits.bytes} bytes came before their predecessor`)
    }
    return true
  }

  #fail(chain: number, seq: number, reason: string): false {
    this.#doubt ??= { chain, seq, reason }
    return false
  }
}

/**
 * Copies one row of a batch into a batch of its own, since the received
 * buffer is not kept after its rows are checked.
 */
function copyRow(batch: CopyBatch, row: number): CopyBatch {
  const { buffer, offsets, fieldCount } = batch
  const base = row * fieldCount * 2
  // The row opens with its field count (2 bytes) and its first field's length (4 bytes).
  const start = offsets[base]! - 6
  const lastStart = offsets[base + (fieldCount - 1) * 2]!
  const end = lastStart + Math.max(0, offsets[base + (fieldCount - 1) * 2 + 1]!)

  const rebased = offsets.slice(base, base + fieldCount * 2)
  for (let field = 0; field < fieldCount; field++) {
    rebased[field * 2] = rebased[field * 2]! - start
  }
  return { buffer: Buffer.from(buffer.subarray(start, end)), offsets: rebased, rows: 1, fieldCount }
}
