/**
 * The per-entry check of verification, on a row as the binary COPY reader
 * delivers it: field offsets into received bytes.
 *
 * A valid entry is checked without building a row object. Seq and link are
 * read in place, and the hash runs over a scratch copy of the previous hash
 * and the canonical bytes. The canonical bytes are then matched member by
 * member against the copied columns (`canonical-template.ts`). Any
 * difference sends the row to `checkStoredEntry`, which names it.
 */
import { hash as oneShotHash } from 'node:crypto'

import { matchesCanonicalEntry, type FieldRef } from './canonical-template.js'
import { readInt64, type CopyBatch } from './copy-rows.js'
import { COPIED_TEXT_COLUMNS, type CopiedTextColumn } from './event-row.js'
import { checkStoredEntry, type ChainPosition, type StoredEntryCheck, type StoredEntryRow } from './stored-entry-check.js'

const COPIED_COLUMNS = Object.keys(COPIED_TEXT_COLUMNS) as CopiedTextColumn[]

/** The columns that verification reads, in the order the checks expect. */
export const VERIFIED_COLUMNS: readonly string[] = ['seq', 'time', 'canonical', 'prev_hash', 'hash', ...COPIED_COLUMNS]

const SEQ = 0
const TIME = 1
const CANONICAL = 2
const PREV_HASH = 3
const HASH = 4
const FIRST_COPY = 5

/** PostgreSQL's timestamp epoch, 2000-01-01T00:00:00Z, in milliseconds since the Unix epoch. */
const POSTGRES_EPOCH_MS = 946_684_800_000

const HASH_BYTES = 32
let scratch = Buffer.alloc(4096)

/**
 * Checks row `row` of a COPY batch as the next entry at `position`. The
 * row's fields from `firstField` on are the `VERIFIED_COLUMNS`, in order;
 * the fields before it are ignored.
 */
export function checkCopiedRow(batch: CopyBatch, row: number, position: ChainPosition, firstField = 0): StoredEntryCheck {
  const { buffer, offsets } = batch
  const base = (row * batch.fieldCount + firstField) * 2
  const seq = readInt64(buffer, offsets[base + SEQ * 2]!, offsets[base + SEQ * 2 + 1]!)
  const micros = readInt64(buffer, offsets[base + TIME * 2]!, offsets[base + TIME * 2 + 1]!)
  const time = POSTGRES_EPOCH_MS + Math.trunc(micros / 1000)
  const prevStart = offsets[base + PREV_HASH * 2]!
  const hashStart = offsets[base + HASH * 2]!
  const canonicalStart = offsets[base + CANONICAL * 2]!
  const canonicalLength = offsets[base + CANONICAL * 2 + 1]!

  const inPlace =
    seq === position.seq &&
    offsets[base + PREV_HASH * 2 + 1] === HASH_BYTES &&
    sameHash(position.prevHash, 0, buffer, prevStart) &&
    (position.prevTime === null || time >= position.prevTime) &&
    offsets[base + HASH * 2 + 1] === HASH_BYTES &&
    canonicalLength >= 0

  if (inPlace) {
    const digest = chainDigest(position.prevHash, buffer, canonicalStart, canonicalLength)
    if (
      sameHash(digest, 0, buffer, hashStart) &&
      matchesCanonicalEntry(buffer, canonicalStart, canonicalLength, copiedFields(offsets, base), {
        chain: position.chain,
        seq,
        prevHash: position.prevHash,
        timeMs: time,
      }) &&
      // The column keeps microseconds; the entry only milliseconds.
      micros % 1000 === 0
    ) {
      return { ok: true, hash: digest, time }
    }
  }
  return checkStoredEntry(storedRow(batch, base, position.chain), position)
}

/** Compares 32 bytes in a loop, cheaper than Buffer.compare's native call for so few bytes. */
function sameHash(left: Buffer, leftStart: number, right: Buffer, rightStart: number): boolean {
  for (let index = 0; index < HASH_BYTES; index++) {
    if (left[leftStart + index] !== right[rightStart + index]) return false
  }
  return true
}

/** SHA-256 over the previous hash followed by the canonical bytes. */
function chainDigest(prevHash: Buffer, buffer: Buffer, start: number, length: number): Buffer {
  if (scratch.length < HASH_BYTES + length) {
    scratch = Buffer.alloc(2 * (HASH_BYTES + length))
  }
  prevHash.copy(scratch, 0, 0, HASH_BYTES)
  buffer.copy(scratch, HASH_BYTES, start, start + length)
  return oneShotHash('sha256', scratch.subarray(0, HASH_BYTES + length), 'buffer')
}

// Reused for every row: the check runs synchronously, one row at a time.
const copies: FieldRef[] = COPIED_COLUMNS.map(() => ({ start: 0, length: -1 }))

function copiedFields(offsets: Int32Array, base: number): FieldRef[] {
  for (let index = 0; index < copies.length; index++) {
    const field = copies[index]!
    field.start = offsets[base + (FIRST_COPY + index) * 2]!
    field.length = offsets[base + (FIRST_COPY + index) * 2 + 1]!
  }
  return copies
}

/** Builds the row object that the detailed checks take, decoding text as UTF-8. */
function storedRow(batch: CopyBatch, base: number, chain: number): StoredEntryRow {
  const { buffer, offsets } = batch
  const bytes = (field: number): Buffer => {
    const start = offsets[base + field * 2]!
    const length = offsets[base + field * 2 + 1]!
    return length < 0 ? Buffer.alloc(0) : buffer.subarray(start, start + length)
  }
  const micros = readInt64(buffer, offsets[base + TIME * 2]!, offsets[base + TIME * 2 + 1]!)
  const row = {
    chain,
    seq: readInt64(buffer, offsets[base + SEQ * 2]!, offsets[base + SEQ * 2 + 1]!),
    time: new Date(Number.isNaN(micros) ? Number.NaN : POSTGRES_EPOCH_MS + Math.trunc(micros / 1000)),
    canonical: bytes(CANONICAL),
    prev_hash: bytes(PREV_HASH),
    hash: bytes(HASH),
  } as StoredEntryRow
  COPIED_COLUMNS.forEach((column, index) => {
    const length = offsets[base + (FIRST_COPY + index) * 2 + 1]!
    row[column] = length < 0 ? null : bytes(FIRST_COPY + index).toString('utf8')
  })
  return row
}
