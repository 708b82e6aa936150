/**
 * A second, fixed-field serializer of audit entries, used by verification.
 *
 * RFC 8785 writes an object's members sorted by the UTF-16 code units of
 * their names, and strings and numbers as ECMAScript's JSON.stringify does.
 * An entry has a fixed set of members whose values are strings, integers or
 * null, so its canonical text is a fixed template. Building it costs about a
 * tenth of the general `canonicalize`, which appends keep using: the writer
 * and the verifier then rely on two independent serializers, and a test
 * holds them equal.
 */
import type { AuditEntry } from './entry.js'

/**
 * Returns the canonical JSON text of an entry with exactly the members of
 * `AuditEntry`. The caller must pass integers for `version`, `chain` and
 * `seq`, and a string or null for every other member.
 */
export function entryCanonicalText(entry: AuditEntry): string {
  return (
    '{"action":' + JSON.stringify(entry.action) +
    ',"actorId":' + JSON.stringify(entry.actorId) +
    ',"actorType":' + JSON.stringify(entry.actorType) +
    ',"chain":' + String(entry.chain) +
    ',"grantId":' + JSON.stringify(entry.grantId) +
    ',"outcome":' + JSON.stringify(entry.outcome) +
    ',"partnerId":' + JSON.stringify(entry.partnerId) +
    ',"prevHash":' + JSON.stringify(entry.prevHash) +
    ',"reason":' + JSON.stringify(entry.reason) +
    ',"requestId":' + JSON.stringify(entry.requestId) +
    ',"resourceId":' + JSON.stringify(entry.resourceId) +
    ',"resourceType":' + JSON.stringify(entry.resourceType) +
    ',"seq":' + String(entry.seq) +
    ',"sourceAddress":' + JSON.stringify(entry.sourceAddress) +
    ',"subjectId":' + JSON.stringify(entry.subjectId) +
    ',"time":' + JSON.stringify(entry.time) +
    ',"version":' + String(entry.version) +
    '}'
  )
}
