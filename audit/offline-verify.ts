/**
 * Verification of a JSON Lines audit export without the vault: the hash
 * chain of the exported range, and each checkpoint's head hash and Ed25519
 * signature against a published key set. Pure: no database, no clock, no file.
 */
import { decodeBase64Strict } from '../crypto/base64.js'
import {
  AUDIT_KEYS_FORMAT,
  verifyCheckpointSignature,
  type AuditKeySet,
  type PublishedAuditKey,
} from './checkpoint-message.js'
import { chainHash, entryCanonicalBytes, MAX_CHAIN, type AuditEntry } from './entry.js'
import { AUDIT_EXPORT_FORMAT, type ExportHeaderLine } from './export-format.js'
import type { ChainHead, VerificationFailure, VerificationFailureKind, VerificationReport } from './verification-report.js'

/**
 * Kind of the first problem that offline verification found: the kinds of
 * `verifyChain`, and two more about the file itself.
 *
 * - `malformed_export`: a line is not valid JSON of the export format, or
 *   lines come in the wrong order. `seq` is the seq of the line when it has
 *   one, else 0, and `detail` names the line number.
 * - `filtered_export`: the header says `filtered: true`. Entries were left
 *   out, so the file cannot be verified as a chain.
 */
export type OfflineFailureKind = VerificationFailureKind | 'malformed_export' | 'filtered_export'

/** The first problem found, as in `VerificationFailure`. */
export interface OfflineVerificationFailure extends Omit<VerificationFailure, 'kind'> {
  kind: OfflineFailureKind
}

/** Result of `verifyExportLines`, in the shape of the database verification's report. */
export interface OfflineVerificationReport extends Omit<VerificationReport, 'failure'> {
  failure?: OfflineVerificationFailure
}

/** Error thrown by `parseAuditKeySet` for a key set that is not `coffre-audit-keys/1`. */
export class InvalidKeySetError extends Error {
  override name = 'InvalidKeySetError'
}

const HASH_PATTERN = /^[0-9a-f]{64}$/
const HASH_BYTES = 32

/**
 * Parses the JSON of a published key set (`/.well-known/coffre/audit-keys`).
 * Throws `InvalidKeySetError` naming the first field that is not of the
 * format. Key bytes are checked later, by the signature check.
 */
export function parseAuditKeySet(text: string): AuditKeySet {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new InvalidKeySetError('invalid key set: the file is not JSON')
  }
  if (!isRecord(parsed) || parsed.format !== AUDIT_KEYS_FORMAT) {
    throw new InvalidKeySetError(`invalid key set: "format" must be "${AUDIT_KEYS_FORMAT}"`)
  }
  if (!Array.isArray(parsed.keys)) {
    throw new InvalidKeySetError('invalid key set: "keys" must be an array')
  }

  const keys: PublishedAuditKey[] = []
  for (const [index, key] of parsed.keys.entries()) {
    if (
      !isRecord(key) ||
      typeof key.keyId !== 'string' ||
      key.algorithm !== 'Ed25519' ||
      typeof key.publicKey !== 'string' ||
      typeof key.createdAt !== 'string' ||
      (key.retiredAt !== null && typeof key.retiredAt !== 'string')
    ) {
      throw new InvalidKeySetError(
        `invalid key set: keys[${index}] must have a string keyId, algorithm "Ed25519", a string publicKey and createdAt, and retiredAt null or a string`,
      )
    }
    keys.push({
      keyId: key.keyId,
      algorithm: 'Ed25519',
      publicKey: key.publicKey,
      createdAt: key.createdAt,
      retiredAt: key.retiredAt as string | null,
    })
  }
  return { format: AUDIT_KEYS_FORMAT, keys }
}

/**
 * Verifies an export read line by line and reports the first line that does
 * not verify, in the same shape as `verifyChain`.
 *
 * An export contains one section per chain, in increasing chain order: a
 * header, the entries, then the checkpoints. Checks, in file order:
 * - the header: format, range, and that the export is not filtered;
 * - each entry: seq from `fromSeq` to `toSeq` without gaps. The previous hash
 *   inside its canonical JSON must equal the hash of the entry before it, or
 *   the header's `prevHash` for the first one. Its hash is recomputed as
 *   SHA-256 over the previous hash's 32 bytes and the canonical bytes. The
 *   canonical JSON must be a valid entry in canonical form, of the header's
 *   chain, with a time that never decreases;
 * - each checkpoint: its head hash against the recomputed hash at its seq,
 *   then its message and Ed25519 signature against `keys`
 *   (`verifyCheckpointSignature`). A checkpoint after `toSeq` can only have
 *   its signature checked, because its entry is not in the file.
 *
 * Without a checkpoint in the range, a valid report only means the file is
 * self-consistent: whoever wrote it could have written any chain. The
 * header's `prevHash` is trusted as given, and is bound only by a checkpoint
 * of the range, which signs a hash that depends on it.
 *
 * Memory grows by 32 bytes per entry, because checkpoints come after the
 * entries and any entry's hash may be needed then.
 */
export async function verifyExportLines(
  lines: AsyncIterable<string> | Iterable<string>,
  keys: AuditKeySet,
): Promise<OfflineVerificationReport> {
  const verifier = new ExportVerifier(keys)
  let lineNumber = 0
  for await (const line of lines) {
    lineNumber++
    if (line.trim() === '') {
      continue
    }
    const failure = await verifier.checkLine(line, lineNumber)
    if (failure !== null) {
      return verifier.failedReport(failure)
    }
  }
  const failure = verifier.checkEnd()
  return failure === null ? verifier.report : verifier.failedReport(failure)
}

/** State of one verification: the header, the position in the chain and the hashes seen. */
class ExportVerifier {
  readonly report: OfflineVerificationReport = { valid: true, entriesChecked: 0, checkpointsChecked: 0, head: null, heads: [] }
  readonly #keys: AuditKeySet
  #header: ExportHeaderLine | null = null
  #nextSeq = 0
  #prevHash = ''
  #prevTime: number | null = null
  #lastCheckpointSeq = 0
  #entriesDone = false
  /** Last entry verified in the current section. */
  #sectionHead: ChainHead | null = null
  /** Raw hashes of the entries from `fromSeq`, 32 bytes each, in a buffer that doubles when full. */
  #hashes = Buffer.alloc(HASH_BYTES * 1024)

  constructor(keys: AuditKeySet) {
    this.#keys = keys
  }

  failedReport(failure: OfflineVerificationFailure): OfflineVerificationReport {
    return { ...this.report, valid: false, failure }
  }

  async checkLine(text: string, lineNumber: number): Promise<OfflineVerificationFailure | null> {
    let line: unknown
    try {
      line = JSON.parse(text)
    } catch {
      return this.#malformed(0, `line ${lineNumber} is not JSON`)
    }
    if (!isRecord(line)) {
      return this.#malformed(0, `line ${lineNumber} is not a JSON object`)
    }

    if (this.#header === null) {
      return this.#checkHeader(line, lineNumber)
    }
    if (line.type === 'header') {
      return this.#startSection(line, lineNumber)
    }
    if (line.type === 'entry') {
      return this.#checkEntry(line, lineNumber)
    }
    if (line.type === 'checkpoint') {
      return this.#checkCheckpoint(line, lineNumber)
    }
    return this.#malformed(0, `line ${lineNumber} has type ${JSON.stringify(line.type)}; expected "entry" or "checkpoint"`)
  }

  /** Checks that the file did not end before the header's `toSeq`. */
  checkEnd(): OfflineVerificationFailure | null {
    if (this.#header === null) {
      return this.#malformed(0, 'the export is empty: no header line')
    }
    return this.#endSection()
  }

  /**
   * A header after entries starts the section of the next chain, in an
   * export of several chains. The current section must be complete, and
   * chains must come in increasing order, so none can appear twice.
   */
  #startSection(line: Record<string, unknown>, lineNumber: number): OfflineVerificationFailure | null {
    const previousChain = (this.#header as ExportHeaderLine).chain
    const failure = this.#endSection()
    if (failure !== null) {
      return failure
    }
    if (!isInteger(line.chain, previousChain + 1, MAX_CHAIN)) {
      return this.#malformed(0, `line ${lineNumber} starts a section that is not of a chain after chain ${previousChain}`)
    }

    this.#header = null
    this.#prevTime = null
    this.#lastCheckpointSeq = 0
    this.#entriesDone = false
    this.#sectionHead = null
    return this.#checkHeader(line, lineNumber)
  }

  #endSection(): OfflineVerificationFailure | null {
    const failure = this.#checkAllEntriesSeen()
    if (failure === null && this.#sectionHead !== null) {
      this.report.heads.push(this.#sectionHead)
    }
    return failure
  }

  #checkHeader(line: Record<string, unknown>, lineNumber: number): OfflineVerificationFailure | null {
    if (line.type !== 'header' || line.format !== AUDIT_EXPORT_FORMAT) {
      return this.#malformed(0, `line ${lineNumber} must be the header, of type "header" and format "${AUDIT_EXPORT_FORMAT}"`)
    }
    if (line.filtered !== false) {
      return {
        kind: 'filtered_export',
        chain: typeof line.chain === 'number' ? line.chain : 0,
        seq: 0,
        detail: 'the export is filtered: entries were left out, so it cannot be verified as a chain. Export a range without filters to verify it.',
      }
    }
    const { chain, fromSeq, toSeq, prevHash } = line
    if (!isInteger(chain, 0, MAX_CHAIN) || !isInteger(fromSeq, 1) || !isInteger(toSeq, fromSeq - 1)) {
      return this.#malformed(0, 'the header must have an integer chain, fromSeq from 1, and toSeq from fromSeq - 1')
    }
    if (typeof prevHash !== 'string' || !HASH_PATTERN.test(prevHash)) {
      return this.#malformed(0, 'the header prevHash must be 64 lowercase hex digits')
    }

    this.#header = line as unknown as ExportHeaderLine
    this.#nextSeq = fromSeq
    this.#prevHash = prevHash
    return null
  }

  #checkEntry(line: Record<string, unknown>, lineNumber: number): OfflineVerificationFailure | null {
    const header = this.#header as ExportHeaderLine
    const seq = this.#nextSeq
    if (this.#entriesDone) {
      return this.#malformed(0, `line ${lineNumber} is an entry after a checkpoint; entries must come first`)
    }
    if (typeof line.seq !== 'number' || typeof line.canonical !== 'string' || typeof line.hash !== 'string') {
      return this.#malformed(seq, `line ${lineNumber} must have a number seq and string canonical and hash`)
    }
    if (seq > header.toSeq) {
      return this.#malformed(line.seq, `line ${lineNumber} has entry ${line.seq}, after the header's toSeq ${header.toSeq}`)
    }
    if (line.seq !== seq) {
      return this.#failed('sequence_gap', seq, `entry ${seq} is missing: line ${lineNumber} has seq ${line.seq}`)
    }

    const canonical = Buffer.from(line.canonical, 'utf8')
    const entry = parseCanonicalEntry(canonical)
    if (typeof entry === 'string') {
      return this.#failed('entry_mismatch', seq, entry)
    }
    if (entry.seq !== seq) {
      return this.#failed('entry_mismatch', seq, `hashed entry has seq ${entry.seq}, but its line has seq ${seq}`)
    }
    if (entry.prevHash !== this.#prevHash) {
      const expected = seq === header.fromSeq ? "the header's prevHash" : `the hash of entry ${seq - 1}`
      return this.#failed('hash_mismatch', seq, `previous hash differs from ${expected}`)
    }
    const hash = chainHash(this.#prevHash, canonical)
    if (line.hash !== hash) {
      return this.#failed('hash_mismatch', seq, 'the hash of the line differs from the hash recomputed from the canonical JSON')
    }
    if (entry.chain !== header.chain) {
      return this.#failed('entry_mismatch', seq, `hashed entry belongs to chain ${entry.chain}, not to chain ${header.chain}`)
    }
    const time = Date.parse(entry.time)
    if (this.#prevTime !== null && time < this.#prevTime) {
      return this.#failed('entry_mismatch', seq, `time is earlier than the time of entry ${seq - 1}`)
    }

    this.#rememberHash(seq - header.fromSeq, hash)
    this.#nextSeq = seq + 1
    this.#prevHash = hash
    this.#prevTime = time
    this.report.entriesChecked++
    this.report.head = { chain: header.chain, seq, hash }
    this.#sectionHead = this.report.head
    return null
  }

  async #checkCheckpoint(line: Record<string, unknown>, lineNumber: number): Promise<OfflineVerificationFailure | null> {
    const header = this.#header as ExportHeaderLine
    if (!this.#entriesDone) {
      const missing = this.#checkAllEntriesSeen()
      if (missing !== null) {
        return missing
      }
      this.#entriesDone = true
    }

    const { chain, seq, headHash, time, keyId } = line
    const message = typeof line.message === 'string' ? decodeBase64Strict(line.message) : undefined
    const signature = typeof line.signature === 'string' ? decodeBase64Strict(line.signature) : undefined
    if (
      chain !== header.chain ||
      !isInteger(seq, 1) ||
      typeof headHash !== 'string' ||
      typeof time !== 'string' ||
      typeof keyId !== 'string' ||
      message === undefined ||
      signature === undefined
    ) {
      return this.#malformed(
        typeof seq === 'number' ? seq : 0,
        `line ${lineNumber} must be a checkpoint of chain ${header.chain} with an integer seq, string headHash, time and keyId, and base64 message and signature`,
      )
    }
    if (seq < header.fromSeq || seq < this.#lastCheckpointSeq) {
      return this.#malformed(seq, `line ${lineNumber} has checkpoint ${seq}, before the range or before the previous checkpoint`)
    }

    if (seq <= header.toSeq && headHash !== this.#hashAt(seq - header.fromSeq)) {
      return this.#failed('checkpoint_mismatch', seq, `checkpoint head hash differs from the recomputed hash of entry ${seq}`)
    }
    const checkpoint = { chain, seq, headHash, time, keyId, message, signature }
    if (!(await verifyCheckpointSignature(checkpoint, this.#keys))) {
      return this.#failed('bad_signature', seq, `checkpoint signature by key ${keyId} does not verify against the key set`)
    }

    this.#lastCheckpointSeq = seq
    this.report.checkpointsChecked++
    return null
  }

  #checkAllEntriesSeen(): OfflineVerificationFailure | null {
    const header = this.#header as ExportHeaderLine
    if (this.#nextSeq <= header.toSeq) {
      return this.#failed(
        'sequence_gap',
        this.#nextSeq,
        `entry ${this.#nextSeq} is missing: the entries end before the header's toSeq ${header.toSeq}`,
      )
    }
    return null
  }

  #rememberHash(index: number, hash: string): void {
    const offset = index * HASH_BYTES
    if (offset + HASH_BYTES > this.#hashes.length) {
      const grown = Buffer.alloc(this.#hashes.length * 2)
      this.#hashes.copy(grown)
      this.#hashes = grown
    }
    this.#hashes.write(hash, offset, HASH_BYTES, 'hex')
  }

  #hashAt(index: number): string {
    return this.#hashes.subarray(index * HASH_BYTES, (index + 1) * HASH_BYTES).toString('hex')
  }

  #failed(kind: OfflineFailureKind, seq: number, detail: string): OfflineVerificationFailure {
    return { kind, chain: this.#header?.chain ?? 0, seq, detail }
  }

  #malformed(seq: number, detail: string): OfflineVerificationFailure {
    return this.#failed('malformed_export', seq, detail)
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/** Parses canonical bytes into an entry, or returns why they are not a valid entry in canonical form. */
function parseCanonicalEntry(canonical: Buffer): AuditEntry | string {
  let parsed: unknown
  try {
    parsed = JSON.parse(strictUtf8.decode(canonical))
  } catch {
    return 'canonical JSON is not valid JSON'
  }
  if (!isRecord(parsed)) {
    return 'canonical JSON is not an object'
  }

  let rebuilt: Buffer
  try {
    rebuilt = entryCanonicalBytes(parsed as unknown as AuditEntry)
  } catch (error) {
    // InvalidAuditEntryError messages name the field and the rule, never the value.
    return `canonical JSON is not a valid entry: ${(error as Error).message}`
  }
  if (!rebuilt.equals(canonical)) {
    return 'canonical JSON is not in canonical form or has fields that an entry does not have'
  }
  return parsed as unknown as AuditEntry
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isInteger(value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max
}
