/**
 * The erasure certificate: a statement, signed with the audit Ed25519 key,
 * that a person's account was erased, with what was destroyed and the audit
 * checkpoint that covers the erasure's audit entry. Signing and checking are
 * pure: no database, no clock.
 */
import { auditKeyIdOf, signDetached, verifyDetached, type AuditSigningKey } from '../crypto/signing-key.js'
import { canonicalize } from './canonical-json.js'
import {
  checkpointMessageBytes,
  decodePublicKey,
  InvalidCheckpointError,
  verifyCheckpointSignature,
  type AuditKeySet,
  type CheckpointFields,
} from './checkpoint-message.js'
import { MAX_CHAIN } from './entry.js'

/** Format tag of an erasure certificate. */
export const ERASURE_CERTIFICATE_FORMAT = 'coffre-erasure-certificate/1'

/** Counts of the rows and keys that the erasure destroyed, taken in the transaction that destroyed them. */
export interface ErasureCounts {
  documents: number
  /** Wrapped document keys, one per document row. */
  documentKeys: number
  /** Wrapped user keys: 1, or 0 for an account that had none. */
  userKeys: number
  /** Grants revoked then deleted, in force or not. */
  grants: number
  accessRequests: number
}

/**
 * The checkpoint that covers the erasure: the fields it signs and its
 * Ed25519 signature, base64url without padding.
 */
// NOTE: this is the one field tied to the checkpoint layout, which signs one
// chain head today. A layout that signs several heads changes this field and
// `checkCheckpoint` below, and the format tag with them.
export interface CertificateCheckpoint extends CheckpointFields {
  signature: string
}

/** Every field of a certificate except its signature: the signed part. */
export interface UnsignedErasureCertificate {
  format: typeof ERASURE_CERTIFICATE_FORMAT
  certificateId: string
  /** The erased account's id: a random UUID that only the vault's own records link to a person. */
  personId: string
  /** RFC 3339 UTC time with milliseconds at which the erasure committed. */
  erasedAt: string
  destroyed: ErasureCounts
  /** The `account.erase` audit entry: its chain, seq and hash as 64 lowercase hex digits. */
  auditEntry: { chain: number; seq: number; hash: string }
  checkpoint: CertificateCheckpoint
  /** Id of the audit key that signs the certificate. */
  keyId: string
}

/** A signed certificate, as the vault returns it and `npm run certificate:verify` reads it. */
export interface ErasureCertificate extends UnsignedErasureCertificate {
  /** Ed25519 signature of `certificateSigningBytes`, base64url without padding. */
  signature: string
}

/** Kind of the first problem that verification found. */
export type CertificateFailureKind = 'malformed' | 'key_unknown' | 'signature_invalid' | 'checkpoint_invalid' | 'checkpoint_not_covering'

/** Result of `verifyErasureCertificate`. */
export interface CertificateVerification {
  valid: boolean
  certificateId: string | null
  personId: string | null
  failure?: { kind: CertificateFailureKind; detail: string }
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const HASH_PATTERN = /^[0-9a-f]{64}$/
const TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const BASE64URL_PATTERN = /^[A-Za-z0-9_-]+$/
const SIGNATURE_BYTES = 64
const TOP_LEVEL_FIELDS = ['format', 'certificateId', 'personId', 'erasedAt', 'destroyed', 'auditEntry', 'checkpoint', 'keyId', 'signature']
const COUNT_FIELDS: ReadonlyArray<keyof ErasureCounts> = ['documents', 'documentKeys', 'userKeys', 'grants', 'accessRequests']

/**
 * Builds the bytes that the certificate's signature covers: the UTF-8 RFC
 * 8785 canonical JSON of every field except `signature`. The format tag is
 * among them, so these bytes can never equal a checkpoint message.
 */
export function certificateSigningBytes(certificate: UnsignedErasureCertificate): Buffer {
  const signed: UnsignedErasureCertificate = {
    format: certificate.format,
    certificateId: certificate.certificateId,
    personId: certificate.personId,
    erasedAt: certificate.erasedAt,
    destroyed: { ...certificate.destroyed },
    auditEntry: { ...certificate.auditEntry },
    checkpoint: { ...certificate.checkpoint },
    keyId: certificate.keyId,
  }
  return Buffer.from(canonicalize(signed), 'utf8')
}

/** Signs a certificate with the audit key whose id it names. Throws a RangeError when `keyId` is not that key's. */
export async function signErasureCertificate(certificate: UnsignedErasureCertificate, key: AuditSigningKey): Promise<ErasureCertificate> {
  if (certificate.keyId !== key.keyId) {
    throw new RangeError(`the certificate names key ${certificate.keyId} but is signed with ${key.keyId}`)
  }
  const signature = await signDetached(key.secretKey, certificateSigningBytes(certificate))
  return { ...certificate, signature: Buffer.from(signature).toString('base64url') }
}

/**
 * Checks a certificate read from JSON against a published key set, and
 * reports the first problem:
 *
 * - `malformed`: a field is missing, unknown or out of its format;
 * - `key_unknown`: `keyId` is not in the key set, or is not the id derived
 *   from the listed public key;
 * - `signature_invalid`: the signature does not verify over the signed bytes,
 *   so a field was changed;
 * - `checkpoint_invalid`: the checkpoint's own signature does not verify;
 * - `checkpoint_not_covering`: the checkpoint is of another chain, or signs a
 *   head before the erasure's entry.
 *
 * A valid certificate proves that the holder of the audit key signed it. To
 * tie it to the audit log itself, compare `auditEntry` and `checkpoint` with
 * an audit export (`npm run audit:verify -- --file`).
 */
export async function verifyErasureCertificate(input: unknown, keys: AuditKeySet): Promise<CertificateVerification> {
  const certificateId = isRecord(input) && typeof input.certificateId === 'string' ? input.certificateId : null
  const personId = isRecord(input) && typeof input.personId === 'string' ? input.personId : null
  const fail = (kind: CertificateFailureKind, detail: string): CertificateVerification => ({ valid: false, certificateId, personId, failure: { kind, detail } })

  const problem = shapeProblem(input)
  if (problem !== null) return fail('malformed', problem)
  const certificate = input as ErasureCertificate

  const key = keys.keys.find((candidate) => candidate.keyId === certificate.keyId)
  const publicKey = key === undefined ? undefined : decodePublicKey(key.publicKey)
  if (key === undefined || key.algorithm !== 'Ed25519' || publicKey === undefined || auditKeyIdOf(publicKey) !== key.keyId) {
    return fail('key_unknown', `key ${certificate.keyId} is not in the key set; fetch the current set from /.well-known/coffre/audit-keys`)
  }

  const signature = Buffer.from(certificate.signature, 'base64url')
  if (!(await verifyDetached(publicKey, certificateSigningBytes(certificate), signature))) {
    return fail('signature_invalid', 'the signature does not match the certificate\'s fields: the certificate was changed or was not signed by this key')
  }

  const checkpointProblem = await checkCheckpoint(certificate, keys)
  if (checkpointProblem !== null) return fail(checkpointProblem.kind, checkpointProblem.detail)
  return { valid: true, certificateId, personId }
}

async function checkCheckpoint(certificate: ErasureCertificate, keys: AuditKeySet): Promise<{ kind: CertificateFailureKind; detail: string } | null> {
  const { signature, ...fields } = certificate.checkpoint
  let message: Buffer
  try {
    message = checkpointMessageBytes(fields)
  } catch (error) {
    if (error instanceof InvalidCheckpointError) return { kind: 'malformed', detail: error.message }
    throw error
  }
  const valid = await verifyCheckpointSignature({ ...fields, message, signature: Buffer.from(signature, 'base64url') }, keys)
  if (!valid) return { kind: 'checkpoint_invalid', detail: `the signature of checkpoint ${fields.chain}:${fields.seq} does not verify with key ${fields.keyId}` }

  const entry = certificate.auditEntry
  if (fields.chain !== entry.chain || fields.seq < entry.seq) {
    return { kind: 'checkpoint_not_covering', detail: `checkpoint ${fields.chain}:${fields.seq} does not cover audit entry ${entry.chain}:${entry.seq}` }
  }
  return null
}

// Returns what is wrong with the certificate's shape, or null. Unknown
// fields are rejected because the signature would not cover them.
function shapeProblem(input: unknown): string | null {
  if (!isRecord(input)) return 'the certificate is not a JSON object'
  const unknown = Object.keys(input).filter((field) => !TOP_LEVEL_FIELDS.includes(field))
  if (unknown.length > 0) return `unknown field ${JSON.stringify(unknown[0])}`
  if (input.format !== ERASURE_CERTIFICATE_FORMAT) return `"format" must be "${ERASURE_CERTIFICATE_FORMAT}"`
  if (typeof input.certificateId !== 'string' || !UUID_PATTERN.test(input.certificateId)) return '"certificateId" must be a lowercase UUID'
  if (typeof input.personId !== 'string' || !UUID_PATTERN.test(input.personId)) return '"personId" must be a lowercase UUID'
  if (!isTime(input.erasedAt)) return '"erasedAt" must be an RFC 3339 UTC time with milliseconds'
  if (typeof input.keyId !== 'string') return '"keyId" must be a string'
  if (!isSignature(input.signature)) return '"signature" must be 64 bytes in base64url without padding'

  const destroyed = input.destroyed
  if (!isRecord(destroyed) || Object.keys(destroyed).length !== COUNT_FIELDS.length) return `"destroyed" must have exactly ${COUNT_FIELDS.join(', ')}`
  for (const field of COUNT_FIELDS) {
    if (!Number.isSafeInteger(destroyed[field]) || (destroyed[field] as number) < 0) return `"destroyed.${field}" must be a non-negative integer`
  }

  const entry = input.auditEntry
  if (!isRecord(entry) || Object.keys(entry).length !== 3) return '"auditEntry" must have exactly chain, seq and hash'
  if (!isInteger(entry.chain, 0, MAX_CHAIN) || !isInteger(entry.seq, 1, Number.MAX_SAFE_INTEGER)) return '"auditEntry" chain and seq must be integers, seq from 1'
  if (typeof entry.hash !== 'string' || !HASH_PATTERN.test(entry.hash)) return '"auditEntry.hash" must be 64 lowercase hex digits'

  const checkpoint = input.checkpoint
  if (!isRecord(checkpoint) || Object.keys(checkpoint).length !== 6) return '"checkpoint" must have exactly chain, seq, headHash, time, keyId and signature'
  if (!isSignature(checkpoint.signature)) return '"checkpoint.signature" must be 64 bytes in base64url without padding'
  return null
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isInteger(value: unknown, min: number, max: number): value is number {
  return Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max
}

function isTime(value: unknown): boolean {
  return typeof value === 'string' && TIME_PATTERN.test(value) && !Number.isNaN(Date.parse(value))
}

function isSignature(value: unknown): boolean {
  return typeof value === 'string' && BASE64URL_PATTERN.test(value) && Buffer.from(value, 'base64url').length === SIGNATURE_BYTES && Buffer.from(value, 'base64url').toString('base64url') === value
}
