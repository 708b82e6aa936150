/**
 * The checkpoint contract: the exact bytes that an audit signing key signs
 * over a chain head, the published key set, and the check of one checkpoint
 * against that key set. Pure: no database, no clock.
 */
import { auditKeyIdOf, verifyDetached } from '../crypto/signing-key.js'
import { canonicalize } from './canonical-json.js'
import { MAX_CHAIN } from './entry.js'

/** Format tag of a checkpoint message. */
export const CHECKPOINT_FORMAT = 'coffre-audit-checkpoint/1'

/** Format tag of the published key set. */
export const AUDIT_KEYS_FORMAT = 'coffre-audit-keys/1'

/** The fields that a checkpoint signs. */
export interface CheckpointFields {
  chain: number
  seq: number
  /** Hash of the entry at `seq`, as 64 lowercase hex digits. */
  headHash: string
  /** RFC 3339 UTC time with milliseconds, such as 2026-12-04T21:00:00.000Z. */
  time: string
  keyId: string
}

/** One public key of the published key set. */
export interface PublishedAuditKey {
  keyId: string
  algorithm: 'Ed25519'
  /** The 32-byte Ed25519 public key, base64url without padding. */
  publicKey: string
  /** RFC 3339 UTC time with milliseconds. */
  createdAt: string
  /** RFC 3339 UTC time with milliseconds, or null while the key signs new checkpoints. */
  retiredAt: string | null
}

/** The JSON served at `/.well-known/coffre/audit-keys` and read by the offline verifier. */
export interface AuditKeySet {
  format: typeof AUDIT_KEYS_FORMAT
  keys: PublishedAuditKey[]
}

/** A stored checkpoint as a verifier reads it: the row's columns, the signed bytes and the signature. */
export interface CheckpointToVerify {
  chain: number
  seq: number
  headHash: string
  /** A Date from the database, or the RFC 3339 string of an export. */
  time: Date | string
  keyId: string
  message: Uint8Array
  signature: Uint8Array
}

const HASH_PATTERN = /^[0-9a-f]{64}$/
const TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const KEY_ID_PATTERN = /^audit-[0-9a-f]{16}$/
const BASE64URL_PATTERN = /^[A-Za-z0-9_-]+$/
const PUBLIC_KEY_BYTES = 32

/** Error thrown when a checkpoint field cannot be signed as given. */
export class InvalidCheckpointError extends Error {
  override name = 'InvalidCheckpointError'
}

/**
 * Builds the bytes that a checkpoint signs: the UTF-8 encoding of the RFC 8785
 * canonical JSON of `{ format, chain, seq, headHash, time, keyId }`, with
 * `format` set to `CHECKPOINT_FORMAT`.
 *
 * Throws `InvalidCheckpointError` naming the field when chain, seq, head hash,
 * time or key id is out of its format, so no signer can sign an ambiguous message.
 *
 * @example checkpointMessageBytes({ chain: 0, seq: 3, headHash: 'ab…', time: '2026-12-04T21:00:00.000Z', keyId: 'audit-0123456789abcdef' })
 */
export function checkpointMessageBytes(fields: CheckpointFields): Buffer {
  if (!Number.isInteger(fields.chain) || fields.chain < 0 || fields.chain > MAX_CHAIN) {
    throw new InvalidCheckpointError(`invalid checkpoint: chain must be an integer from 0 to ${MAX_CHAIN}`)
  }
  if (!Number.isSafeInteger(fields.seq) || fields.seq < 1) {
    throw new InvalidCheckpointError('invalid checkpoint: seq must be a positive safe integer')
  }
  if (typeof fields.headHash !== 'string' || !HASH_PATTERN.test(fields.headHash)) {
    throw new InvalidCheckpointError('invalid checkpoint: headHash must be 64 lowercase hex digits')
  }
  if (typeof fields.time !== 'string' || !TIME_PATTERN.test(fields.time) || Number.isNaN(Date.parse(fields.time))) {
    throw new InvalidCheckpointError('invalid checkpoint: time must be an RFC 3339 UTC time with milliseconds')
  }
  if (typeof fields.keyId !== 'string' || !KEY_ID_PATTERN.test(fields.keyId)) {
    throw new InvalidCheckpointError("invalid checkpoint: keyId must be 'audit-' followed by 16 lowercase hex digits")
  }

  const message = {
    format: CHECKPOINT_FORMAT,
    chain: fields.chain,
    seq: fields.seq,
    headHash: fields.headHash,
    time: fields.time,
    keyId: fields.keyId,
  }
  return Buffer.from(canonicalize(message), 'utf8')
}

/**
 * Checks one stored checkpoint against a key set and returns true only when
 * all of these hold:
 *
 * - `keys` lists a key with the checkpoint's key id, and that id is the id
 *   derived from the listed public key (`auditKeyIdOf`);
 * - the stored message is byte for byte the message rebuilt from the
 *   checkpoint's chain, seq, head hash, time and key id, so a changed column
 *   or a changed message both fail;
 * - the signature is a valid Ed25519 signature of the message by that key.
 *
 * It does not compare the checkpoint's time with the key's `createdAt` or
 * `retiredAt`. Returns false, without throwing, for any malformed input.
 */
export async function verifyCheckpointSignature(
  checkpoint: CheckpointToVerify,
  keys: AuditKeySet | readonly PublishedAuditKey[],
): Promise<boolean> {
  const list = Array.isArray(keys) ? keys : (keys as AuditKeySet).keys
  const key = list.find((candidate) => candidate.keyId === checkpoint.keyId)
  if (key === undefined || key.algorithm !== 'Ed25519') {
    return false
  }
  const publicKey = decodePublicKey(key.publicKey)
  if (publicKey === undefined || auditKeyIdOf(publicKey) !== key.keyId) {
    return false
  }

  let expected: Buffer
  try {
    expected = checkpointMessageBytes({
      chain: checkpoint.chain,
      seq: checkpoint.seq,
      headHash: checkpoint.headHash,
      time: typeof checkpoint.time === 'string' ? checkpoint.time : checkpoint.time.toISOString(),
      keyId: checkpoint.keyId,
    })
  } catch (error) {
    if (error instanceof InvalidCheckpointError || error instanceof RangeError) {
      return false
    }
    throw error
  }
  if (!expected.equals(Buffer.from(checkpoint.message))) {
    return false
  }
  return verifyDetached(publicKey, expected, checkpoint.signature)
}

/** Encodes a 32-byte public key as the key set publishes it: base64url without padding. */
export function encodePublicKey(publicKey: Uint8Array): string {
  return Buffer.from(publicKey).toString('base64url')
}

/** Decodes a published public key, or returns undefined unless it is base64url of exactly 32 bytes. */
export function decodePublicKey(text: string): Uint8Array | undefined {
  if (typeof text !== 'string' || !BASE64URL_PATTERN.test(text)) {
    return undefined
  }
  const bytes = Buffer.from(text, 'base64url')
  if (bytes.length !== PUBLIC_KEY_BYTES || bytes.toString('base64url') !== text) {
    return undefined
  }
  return new Uint8Array(bytes)
}
