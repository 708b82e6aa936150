/**
 * The lineage of an audit signing key: the message by which a key vouches
 * for the keys it succeeds. A key signs its lineage when it is created, and
 * the vault stores both beside the key. Verification trusts the key whose
 * secret the master key unwraps, and through its lineage the retired keys
 * before it, whose secrets are erased.
 */
import { canonicalize } from './canonical-json.js'
import { decodePublicKey, encodePublicKey } from './checkpoint-message.js'

/** Value of the lineage message's `format` member. */
export const KEY_LINEAGE_FORMAT = 'coffre-audit-key-lineage/1'

/** A key as a lineage names it: its id and its Ed25519 public key. */
export interface LineageKey {
  keyId: string
  publicKey: Uint8Array
}

/** A parsed lineage message. */
export interface KeyLineage {
  key: LineageKey
  predecessors: LineageKey[]
  /** RFC 3339 UTC time at which the key was created or its lineage recorded. */
  time: string
}

const MEMBERS = ['format', 'keyId', 'predecessors', 'publicKey', 'time'].join(',')

/**
 * Builds the exact bytes a key signs: the RFC 8785 canonical JSON of
 * `{ format, keyId, publicKey, predecessors, time }`, public keys in
 * base64url without padding as the key set publishes them, predecessors
 * sorted by key id, encoded as UTF-8.
 */
export function keyLineageBytes(lineage: KeyLineage): Buffer {
  // Sorted by code unit, as RFC 8785 sorts member names, whatever the locale.
  const predecessors = [...lineage.predecessors]
    .sort(byKeyId)
    .map((key) => ({ keyId: key.keyId, publicKey: encodePublicKey(key.publicKey) }))
  const message = {
    format: KEY_LINEAGE_FORMAT,
    keyId: lineage.key.keyId,
    publicKey: encodePublicKey(lineage.key.publicKey),
    predecessors,
    time: lineage.time,
  }
  return Buffer.from(canonicalize(message), 'utf8')
}

/**
 * Parses lineage bytes, or returns undefined when they are not exactly a
 * canonical lineage message: the bytes must equal what `keyLineageBytes`
 * builds from the parsed values, so one message has one byte form.
 */
export function parseKeyLineage(bytes: Uint8Array): KeyLineage | undefined {
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'))
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null || Object.keys(value).sort().join(',') !== MEMBERS) return undefined

  const message = value as Record<string, unknown>
  if (message.format !== KEY_LINEAGE_FORMAT || typeof message.time !== 'string' || !Array.isArray(message.predecessors)) return undefined
  const key = lineageKey(message)
  const predecessors = message.predecessors.map(lineageKey)
  if (key === undefined || predecessors.some((predecessor) => predecessor === undefined)) return undefined

  const lineage: KeyLineage = { key, predecessors: predecessors as LineageKey[], time: message.time }
  return keyLineageBytes(lineage).equals(Buffer.from(bytes)) ? lineage : undefined
}

function byKeyId(left: LineageKey, right: LineageKey): number {
  if (left.keyId === right.keyId) return 0
  return left.keyId < right.keyId ? -1 : 1
}

function lineageKey(value: unknown): LineageKey | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const { keyId, publicKey } = value as Record<string, unknown>
  if (typeof keyId !== 'string' || typeof publicKey !== 'string') return undefined
  const decoded = decodePublicKey(publicKey)
  return decoded === undefined ? undefined : { keyId, publicKey: decoded }
}
