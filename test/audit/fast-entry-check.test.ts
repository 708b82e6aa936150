import { createHash } from 'node:crypto'

import { describe, expect, test } from 'vitest'

import { matchesCanonicalEntry, type FieldRef } from '../../audit/canonical-template.js'
import { canonicalize } from '../../audit/canonical-json.js'
import { chainOf } from '../../audit/chains.js'
import { entryCanonicalText } from '../../audit/entry-text.js'
import type { AuditEntry } from '../../audit/entry.js'
import { COPIED_TEXT_COLUMNS, type CopiedTextColumn } from '../../audit/event-row.js'

// The verifier's fast path relies on a fixed-field serializer and a byte
// template, independent of the writer's RFC 8785 serializer. These tests hold
// the three equal on valid entries and show the template refusing each kind
// of difference, which sends verification to the detailed checks.

const ENTRY: AuditEntry = {
  version: 1,
  chain: 7,
  seq: 1234,
  time: '2026-02-28T23:59:59.999Z',
  prevHash: '0f'.repeat(32),
  actorType: 'partner',
  actorId: 'cap-emploi-75',
  subjectId: '5b0c8a1e-8f1e-4c3a-9d59-0f2d6f3e7a10',
  action: 'partner.document.download',
  resourceType: 'document',
  resourceId: '0c7e2a4b-1d55-4f0e-b8a3-6b9f2e1d4c88',
  outcome: 'deny',
  reason: 'grant_revoked',
  requestId: 'req:01.a_b-c',
  sourceAddress: '2001:db8::1',
  partnerId: null,
  grantId: null,
}

const COLUMNS = Object.entries(COPIED_TEXT_COLUMNS) as [CopiedTextColumn, keyof AuditEntry][]

/** Lays out canonical bytes followed by each copied column in one buffer, as a COPY row arrives. */
function layout(canonical: string, entry: AuditEntry): { buffer: Buffer; copies: FieldRef[]; length: number } {
  const parts = [Buffer.from(canonical, 'utf8')]
  const copies: FieldRef[] = []
  let offset = parts[0]!.length
  for (const [, field] of COLUMNS) {
    const value = entry[field] as string | null
    if (value === null) {
      copies.push({ start: offset, length: -1 })
      continue
    }
    const bytes = Buffer.from(value, 'utf8')
    copies.push({ start: offset, length: bytes.length })
    parts.push(bytes)
    offset += bytes.length
  }
  return { buffer: Buffer.concat(parts), copies, length: parts[0]!.length }
}

function matches(canonical: string, entry: AuditEntry, expected = { chain: ENTRY.chain, seq: ENTRY.seq, prevHash: Buffer.from(ENTRY.prevHash, 'hex'), timeMs: Date.parse(ENTRY.time) }): boolean {
  const { buffer, copies, length } = layout(canonical, entry)
  return matchesCanonicalEntry(buffer, 0, length, copies, expected)
}

describe('entryCanonicalText', () => {
  test('equals the RFC 8785 serializer on a full entry', () => {
    expect(entryCanonicalText(ENTRY)).toBe(canonicalize(ENTRY))
  })

  test.each([
    ['nulls everywhere', { actorId: null, subjectId: null, resourceType: null, resourceId: null, reason: null, requestId: null, sourceAddress: null }],
    ['quotes and backslashes', { actorId: 'a"b\\c' }],
    ['control characters', { requestId: 'line\nbreak\u0001' }],
    ['non-ASCII text', { reason: 'refusé', actorId: '\u2028😀' }],
    ['large numbers', { seq: Number.MAX_SAFE_INTEGER, chain: 32767 }],
  ])('equals the RFC 8785 serializer with %s', (_name, change) => {
    const entry = { ...ENTRY, ...change } as AuditEntry
    expect(entryCanonicalText(entry)).toBe(canonicalize(entry))
  })
})

describe('matchesCanonicalEntry', () => {
  test('accepts the canonical bytes of the row it describes', () => {
    expect(matches(canonicalize(ENTRY), ENTRY)).toBe(true)
  })

  test('accepts an entry with null copies', () => {
    const entry = { ...ENTRY, actorId: null, reason: null, sourceAddress: null }
    expect(matches(canonicalize(entry), entry)).toBe(true)
  })

  test.each(COLUMNS.map(([column, field]) => [column, field]))('refuses a changed %s column', (_column, field) => {
    const changed = { ...ENTRY, [field]: ENTRY[field] === null ? 'x' : `${String(ENTRY[field])}x` } as AuditEntry
    expect(matches(canonicalize(ENTRY), changed)).toBe(false)
  })

  test.each([
    ['chain', { chain: 8 }],
    ['seq', { seq: 1235 }],
    ['previous hash', { prevHash: Buffer.alloc(32, 0x0e) }],
    ['time', { timeMs: Date.parse(ENTRY.time) + 1 }],
  ])('refuses a different %s', (_name, change) => {
    const expected = { chain: ENTRY.chain, seq: ENTRY.seq, prevHash: Buffer.from(ENTRY.prevHash, 'hex'), timeMs: Date.parse(ENTRY.time), ...change }
    expect(matches(canonicalize(ENTRY), ENTRY, expected)).toBe(false)
  })

  test.each([
    ['a space after a colon', canonicalize(ENTRY).replace('"chain":7', '"chain": 7')],
    ['a leading zero', canonicalize(ENTRY).replace('"chain":7', '"chain":07')],
    ['an extra member', canonicalize(ENTRY).replace('"version":1}', '"version":1,"x":1}')],
    ['members out of order', canonicalize(ENTRY).replace('{"action":"partner.document.download","actorId":"cap-emploi-75"', '{"actorId":"cap-emploi-75","action":"partner.document.download"')],
    ['an escaped character', canonicalize(ENTRY).replace('cap-emploi-75', 'cap-emploi-\\u00375')],
    ['an uppercase hash', canonicalize(ENTRY).replace('0f'.repeat(32), '0F'.repeat(32))],
    ['a time with an offset', canonicalize(ENTRY).replace('23:59:59.999Z', '23:59:59.999+00:00')],
    ['trailing bytes', `${canonicalize(ENTRY)} `],
  ])('refuses canonical bytes with %s', (_name, text) => {
    expect(matches(text, ENTRY)).toBe(false)
  })

  test('refuses a copy that needs escaping, which only the detailed checks can judge', () => {
    const entry = { ...ENTRY, actorId: 'a"b' }
    expect(matches(canonicalize(entry), entry)).toBe(false)
  })

  test('refuses the 30th of February', () => {
    const text = canonicalize(ENTRY).replace('2026-02-28', '2026-02-30')
    expect(matches(text, ENTRY, { chain: 7, seq: 1234, prevHash: Buffer.from(ENTRY.prevHash, 'hex'), timeMs: Date.parse('2026-03-02T23:59:59.999Z') })).toBe(false)
  })
})

describe('chainOf', () => {
  test('chain of a subject id', () => {
    // The rule of docs/audit-format.md: SHA-256 of the id, first two bytes, modulo 32.
    const subject = '5b0c8a1e-8f1e-4c3a-9d59-0f2d6f3e7a10'
    const expected = createHash('sha256').update(subject).digest().readUInt16BE(0) % 32
    expect(chainOf({ subjectId: subject, actorId: 'other', requestId: 'req' })).toBe(expected)
  })

  test('falls back to the actor, then the request, then chain 0', () => {
    const byActor = createHash('sha256').update('actor-1').digest().readUInt16BE(0) % 32
    expect(chainOf({ subjectId: null, actorId: 'actor-1', requestId: 'req' })).toBe(byActor)
    const byRequest = createHash('sha256').update('req-9').digest().readUInt16BE(0) % 32
    expect(chainOf({ subjectId: null, actorId: null, requestId: 'req-9' })).toBe(byRequest)
    expect(chainOf({ subjectId: null, actorId: null, requestId: null })).toBe(0)
  })
})
