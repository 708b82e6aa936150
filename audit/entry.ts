/**
 * The audit entry: its fields, the validation that keeps free text out of the
 * log, its canonical bytes and the hash that links it to the previous entry.
 */
import { createHash } from 'node:crypto'
import { isIP } from 'node:net'

import { canonicalize } from './canonical-json.js'

/** Result of the authorization decision that an entry records. */
export type AuditOutcome = 'allow' | 'deny'

/** Kind of actor that performed the recorded action. */
export type ActorType = 'person' | 'partner' | 'dpo' | 'admin' | 'system' | 'unknown'

/** Every accepted actor type, for runtime checks. */
export const ACTOR_TYPES: readonly ActorType[] = ['person', 'partner', 'dpo', 'admin', 'system', 'unknown']

/** Event that a caller records: ids and codes only, never titles, file names, tokens or health details. */
export interface AuditEventInput {
  actorType: ActorType
  actorId: string | null
  /** Id of the person whose data the action concerns. */
  subjectId: string | null
  /** Dotted action code, such as 'document.upload', 'document.download' or 'auth.sign_in'. */
  action: string
  resourceType: string | null
  resourceId: string | null
  outcome: AuditOutcome
  /** Reason code of the decision, such as 'not_found' or 'grant_revoked'. */
  reason: string | null
  requestId: string | null
  /** IPv4 or IPv6 address of the client. */
  sourceAddress: string | null
  partnerId?: string | null
  grantId?: string | null
}

/** A chained entry as stored. */
export interface AuditEntry extends Required<AuditEventInput> {
  version: 1
  /** Number of the chain that the entry belongs to, which is 0 while the log has a single chain. */
  chain: number
  /** Position in the chain, starting at 1, without gaps. */
  seq: number
  /** RFC 3339 UTC time with milliseconds, as `Date.prototype.toISOString` writes it. */
  time: string
  /** Hash of the previous entry of the chain as 64 lowercase hex digits, or `GENESIS_HASH` for seq 1. */
  prevHash: string
}

/** Previous hash of the first entry of every chain: 32 zero bytes as hex. */
export const GENESIS_HASH = '0'.repeat(64)

/** Current format version of `AuditEntry`. */
export const AUDIT_ENTRY_VERSION = 1

/** Largest chain number, because the database column is a smallint. */
export const MAX_CHAIN = 32767

/** Code for action, resource type and reason: lowercase words of letters, digits and underscores, joined by dots. */
const CODE_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/
const MAX_CODE_LENGTH = 100

/** Identifier such as a UUID or a partner's client id: no spaces, so no free text. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/
const MAX_ID_LENGTH = 128

const HASH_PATTERN = /^[0-9a-f]{64}$/
const TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

/** Error thrown when an audit event or entry has a field that must not be recorded. */
export class InvalidAuditEntryError extends Error {
  override name = 'InvalidAuditEntryError'
}

/**
 * Validates a caller's event and returns it with every optional field set,
 * `null` where it was absent.
 *
 * Throws `InvalidAuditEntryError` naming the field when a code is not of the
 * form `word.word_2`, an id contains characters other than ASCII letters,
 * digits, '.', '_', ':' and '-', or the source address is not an IP address.
 * These checks keep titles, file names and other free text out of the log.
 */
export function normalizeAuditEventInput(input: AuditEventInput): Required<AuditEventInput> {
  const event: Required<AuditEventInput> = {
    actorType: input.actorType,
    actorId: input.actorId,
    subjectId: input.subjectId,
    action: input.action,
    resourceType: input.resourceType,
    resourceId: input.resourceId,
    outcome: input.outcome,
    reason: input.reason,
    requestId: input.requestId,
    sourceAddress: input.sourceAddress,
    partnerId: input.partnerId ?? null,
    grantId: input.grantId ?? null,
  }

  if (!ACTOR_TYPES.includes(event.actorType)) {
    throw invalidField('actorType', `must be one of ${ACTOR_TYPES.join(', ')}`)
  }
  if (event.outcome !== 'allow' && event.outcome !== 'deny') {
    throw invalidField('outcome', "must be 'allow' or 'deny'")
  }

  validateCode('action', event.action)
  validateOptional('resourceType', event.resourceType, validateCode)
  validateOptional('reason', event.reason, validateCode)

  validateOptional('actorId', event.actorId, validateId)
  validateOptional('subjectId', event.subjectId, validateId)
  validateOptional('resourceId', event.resourceId, validateId)
  validateOptional('requestId', event.requestId, validateId)
  validateOptional('partnerId', event.partnerId, validateId)
  validateOptional('grantId', event.grantId, validateId)

  validateOptional('sourceAddress', event.sourceAddress, validateAddress)
  return event
}

/**
 * Returns the bytes that the chain hashes for an entry: the UTF-8 encoding of
 * `canonicalize` over exactly the fields of `AuditEntry`, absent values as
 * `null`. Fields that are not part of `AuditEntry` are left out.
 *
 * Throws `InvalidAuditEntryError` when a field fails the checks of
 * `normalizeAuditEventInput` or the chain fields are out of range.
 */
export function entryCanonicalBytes(entry: AuditEntry): Buffer {
  const event = normalizeAuditEventInput(entry)

  if (entry.version !== AUDIT_ENTRY_VERSION) {
    throw invalidField('version', `must be ${AUDIT_ENTRY_VERSION}`)
  }
  if (!Number.isInteger(entry.chain) || entry.chain < 0 || entry.chain > MAX_CHAIN) {
    throw invalidField('chain', `must be an integer from 0 to ${MAX_CHAIN}`)
  }
  if (!Number.isSafeInteger(entry.seq) || entry.seq < 1) {
    throw invalidField('seq', 'must be a positive safe integer')
  }
  if (typeof entry.time !== 'string' || !TIME_PATTERN.test(entry.time) || Number.isNaN(Date.parse(entry.time))) {
    throw invalidField('time', 'must be an RFC 3339 UTC time with milliseconds, such as 2025-01-31T09:30:00.000Z')
  }
  if (typeof entry.prevHash !== 'string' || !HASH_PATTERN.test(entry.prevHash)) {
    throw invalidField('prevHash', 'must be 64 lowercase hex digits')
  }

  // An explicit literal, because spreading `event` here made this function
  // about three times slower on Node 20, and verification rebuilds every entry.
  const hashed: AuditEntry = {
    version: entry.version,
    chain: entry.chain,
    seq: entry.seq,
    time: entry.time,
    prevHash: entry.prevHash,
    actorType: event.actorType,
    actorId: event.actorId,
    subjectId: event.subjectId,
    action: event.action,
    resourceType: event.resourceType,
    resourceId: event.resourceId,
    outcome: event.outcome,
    reason: event.reason,
    requestId: event.requestId,
    sourceAddress: event.sourceAddress,
    partnerId: event.partnerId,
    grantId: event.grantId,
  }
  return Buffer.from(canonicalize(hashed), 'utf8')
}

/**
 * Computes an entry's hash: SHA-256 over the 32 raw bytes of `prevHash`
 * followed by the entry's canonical bytes, as 64 lowercase hex digits.
 * Throws `InvalidAuditEntryError` when `prevHash` is not 64 lowercase hex digits.
 */
export function chainHash(prevHash: string, canonical: Uint8Array): string {
  if (!HASH_PATTERN.test(prevHash)) {
    throw invalidField('prevHash', 'must be 64 lowercase hex digits')
  }

  return createHash('sha256').update(Buffer.from(prevHash, 'hex')).update(canonical).digest('hex')
}

function validateOptional(
  field: string,
  value: string | null,
  validate: (field: string, value: string) => void,
): void {
  if (value !== null) {
    validate(field, value)
  }
}

function validateCode(field: string, value: string): void {
  if (typeof value !== 'string' || value.length > MAX_CODE_LENGTH || !CODE_PATTERN.test(value)) {
    throw invalidField(
      field,
      `must be a code of at most ${MAX_CODE_LENGTH} characters: lowercase words of letters, digits and underscores joined by dots, such as 'document.download'`,
    )
  }
}

function validateId(field: string, value: string): void {
  if (typeof value !== 'string' || value.length > MAX_ID_LENGTH || !ID_PATTERN.test(value)) {
    throw invalidField(
      field,
      `must be null or an id of at most ${MAX_ID_LENGTH} ASCII letters, digits, '.', '_', ':' or '-'`,
    )
  }
}

function validateAddress(field: string, value: string): void {
  if (typeof value !== 'string' || isIP(value) === 0) {
    throw invalidField(field, 'must be null or an IPv4 or IPv6 address')
  }
}

// The message names the field and the rule but never repeats the rejected
// value, which may be the very free text that must not reach logs.
function invalidField(field: string, rule: string): InvalidAuditEntryError {
  return new InvalidAuditEntryError(`invalid audit entry: ${field} ${rule}`)
}
