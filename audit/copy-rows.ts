/**
 * Reading rows of PostgreSQL's binary COPY format, for verification.
 *
 * node-postgres parses every column of every row through generic type
 * parsers, which cost about as much as all the checks verification makes
 * on an entry. `COPY … TO STDOUT (FORMAT binary)` sends each field as its
 * length and its raw bytes. This reader only records the offset and length
 * of each field in the received bytes, so a row costs no allocation.
 */
import type { Readable } from 'node:stream'

/** The 11-byte signature that opens a binary COPY stream. */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1')

/** Signature, flags (int32) and header extension length (int32). */
const FIXED_HEADER_BYTES = SIGNATURE.length + 8

/**
 * Rows that lie in one buffer. Field `f` of row `r` starts at
 * `offsets[(r * fieldCount + f) * 2]` and has the length at the next index,
 * -1 for SQL NULL.
 */
export interface CopyBatch {
  buffer: Buffer
  offsets: Int32Array
  rows: number
  fieldCount: number
}

/** Error thrown when the stream is not well-formed binary COPY data. */
export class CopyFormatError extends Error {
  override name = 'CopyFormatError'
}

/**
 * Yields the rows of a binary COPY stream whose rows all have `fieldCount`
 * fields, in batches of at most `batchSize` rows. A batch stays valid after
 * the next one is read.
 */
export async function* readCopyRows(stream: Readable, fieldCount: number, batchSize: number): AsyncGenerator<CopyBatch> {
  let pending: Buffer = Buffer.alloc(0)
  let headerRead = false
  let ended = false

  for await (const chunk of stream as AsyncIterable<Buffer>) {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk])
    let offset = 0

    if (!headerRead) {
      if (pending.length < FIXED_HEADER_BYTES) continue
      if (!pending.subarray(0, SIGNATURE.length).equals(SIGNATURE)) {
        throw new CopyFormatError('the COPY stream does not start with the binary format signature')
      }
      offset = FIXED_HEADER_BYTES + pending.readInt32BE(SIGNATURE.length + 4)
      headerRead = true
    }

    for (;;) {
      // Each row takes at least 2 + 4 * fieldCount bytes, which bounds the
      // rows left in the buffer and so the offsets to allocate.
      const capacity = Math.min(batchSize, Math.ceil((pending.length - offset) / (2 + 4 * fieldCount)))
      const batch: CopyBatch = { buffer: pending, offsets: new Int32Array(capacity * fieldCount * 2), rows: 0, fieldCount }
      while (batch.rows < capacity) {
        const next = parseRow(pending, offset, batch)
        if (next === undefined) break
        if (next === -1) {
          ended = true
          offset = pending.length
          break
        }
        offset = next
      }
      if (batch.rows > 0) yield batch
      if (batch.rows < capacity || ended) break
    }
    pending = pending.subarray(offset)
  }

  if (!ended) {
    throw new CopyFormatError('the COPY stream ended before its trailer')
  }
}

/**
 * Records the fields of the row at `offset` as the batch's next row and
 * returns the offset after it, -1 for the trailer, or undefined when the row
 * is not complete yet.
 */
function parseRow(buffer: Buffer, offset: number, batch: CopyBatch): number | undefined {
  if (offset + 2 > buffer.length) return undefined
  const count = buffer.readInt16BE(offset)
  if (count === -1) return -1
  if (count !== batch.fieldCount) {
    throw new CopyFormatError(`a COPY row has ${count} fields where ${batch.fieldCount} were asked for`)
  }

  let position = offset + 2
  const base = batch.rows * batch.fieldCount * 2
  for (let field = 0; field < count; field++) {
    if (position + 4 > buffer.length) return undefined
    const length = buffer.readInt32BE(position)
    position += 4
    batch.offsets[base + field * 2] = position
    batch.offsets[base + field * 2 + 1] = length
    if (length > 0) {
      if (position + length > buffer.length) return undefined
      position += length
    }
  }
  batch.rows++
  return position
}

/**
 * Reads a big-endian int64 field as a number, exact below 2^53, which seqs
 * and microsecond times stay under. A field that is not 8 bytes gives NaN,
 * which fails every comparison.
 */
export function readInt64(buffer: Buffer, start: number, length: number): number {
  if (length !== 8) return Number.NaN
  return buffer.readInt32BE(start) * 0x1_0000_0000 + buffer.readUInt32BE(start + 4)
}
