import { describe, expect, test } from 'vitest'

import {
  GENESIS_HASH,
  InvalidAuditEntryError,
  chainHash,
  entryCanonicalBytes,
  normalizeAuditEventInput,
  type AuditEntry,
  type AuditEventInput,
} from '../../audit/entry.js'

const EVENT: AuditEventInput = {
  actorType: 'partner',
  actorId: 'cap-emploi-75',
  subjectId: '5b0c8a1e-8f1e-4c3a-9d59-0f2d6f3e7a10',
  action: 'document.download',
  resourceType: 'document',
  resourceId: '0c7e2a4b-1d55-4f0e-b8a3-6b9f2e1d4c88',
  outcome: 'deny',
  reason: 'grant_revoked',
  requestId: 'req-01',
  sourceAddress: '2001:db8::1',
  grantId: '9a1f3b2c-7d4e-4f6a-8b5c-3e2d1f0a9b8c',
}

const ENTRY: AuditEntry = {
  ...normalizeAuditEventInput(EVENT),
  version: 1,
  chain: 0,
  seq: 42,
  time: '2025-03-01T08:15:30.250Z',
  prevHash: 'ab'.repeat(32),
}

describe('entryCanonicalBytes', () => {
  test('writes every field in canonical order', () => {
    const expected =
      '{"action":"document.download","actorId":"cap-emploi-75","actorType":"partner","chain":0,' +
      '"grantId":"9a1f3b2c-7d4e-4f6a-8b5c-3e2d1f0a9b8c","outcome":"deny","partnerId":null,' +
      `"prevHash":"${'ab'.repeat(32)}","reason":"grant_revoked","requestId":"req-01",` +
      '"resourceId":"0c7e2a4b-1d55-4f0e-b8a3-6b9f2e1d4c88","resourceType":"document",' +
      '"seq":42,"sourceAddress":"2001:db8::1","subjectId":"5b0c8a1e-8f1e-4c3a-9d59-0f2d6f3e7a10",' +
      '"time":"2025-03-01T08:15:30.250Z","version":1}'

    expect(entryCanonicalBytes(ENTRY).toString('utf8')).toBe(expected)
  })

  test('leaves out fields that are not part of an entry', () => {
    const withExtra = { ...ENTRY, title: 'Notification MDPH' } as AuditEntry

    expect(entryCanonicalBytes(withExtra).equals(entryCanonicalBytes(ENTRY))).toBe(true)
  })

  test.each([
    ['version', { version: 2 }],
    ['chain', { chain: -1 }],
    ['chain', { chain: 40000 }],
    ['seq', { seq: 0 }],
    ['seq', { seq: 1.5 }],
    ['time', { time: '2025-03-01T08:15:30Z' }],
    ['time', { time: '2025-03-01T09:15:30.250+01:00' }],
    ['prevHash', { prevHash: 'AB'.repeat(32) }],
    ['prevHash', { prevHash: 'ab' }],
  ])('rejects invalid %s', (field, change) => {
    const entry = { ...ENTRY, ...change } as AuditEntry

    expect(() => entryCanonicalBytes(entry)).toThrow(InvalidAuditEntryError)
    expect(() => entryCanonicalBytes(entry)).toThrow(`invalid audit entry: ${field} `)
  })
})

describe('normalizeAuditEventInput', () => {
  test('sets absent partner and grant ids to null', () => {
    const { partnerId: _partnerId, grantId: _grantId, ...required } = EVENT

    const event = normalizeAuditEventInput(required)

    expect(event.partnerId).toBeNull()
    expect(event.grantId).toBeNull()
  })

  test('accepts null optional fields', () => {
    const event = normalizeAuditEventInput({
      ...EVENT,
      actorId: null,
      subjectId: null,
      resourceType: null,
      resourceId: null,
      reason: null,
      requestId: null,
      sourceAddress: null,
    })

    expect(event.action).toBe('document.download')
  })

  test.each([
    ['action', { action: 'Téléchargement du certificat médical' }],
    ['action', { action: 'Document.Download' }],
    ['action', { action: 'document..download' }],
    ['action', { action: '' }],
    ['action', { action: `a${'b'.repeat(100)}` }],
    ['reason', { reason: 'grant revoked by Mme Dupont' }],
    ['resourceType', { resourceType: 'document/pdf' }],
    ['actorType', { actorType: 'doctor' }],
    ['outcome', { outcome: 'maybe' }],
    ['subjectId', { subjectId: 'Jeanne Dupont' }],
    ['resourceId', { resourceId: 'certificat-médical.pdf' }],
    ['requestId', { requestId: 'x'.repeat(129) }],
    ['partnerId', { partnerId: '' }],
    ['grantId', { grantId: 'grant\n42' }],
    ['sourceAddress', { sourceAddress: 'localhost' }],
    ['sourceAddress', { sourceAddress: '10.0.0.300' }],
  ])('rejects invalid %s', (field, change) => {
    const event = { ...EVENT, ...change } as AuditEventInput

    expect(() => normalizeAuditEventInput(event)).toThrow(`invalid audit entry: ${field} `)
  })

  test('error message leaves out the rejected value', () => {
    const event = { ...EVENT, reason: 'certificat de Jeanne Dupont' }

    expect(() => normalizeAuditEventInput(event)).toThrow(InvalidAuditEntryError)
    expect(() => normalizeAuditEventInput(event)).not.toThrow(/Dupont/)
  })
})

describe('chainHash', () => {
  // Expected values computed independently with Python's hashlib.sha256.
  test('hashes genesis bytes then canonical bytes', () => {
    expect(chainHash(GENESIS_HASH, Buffer.from('abc'))).toBe(
      '365aa7d8f7f9402c4b9434502b4cc89ddb09fe50d7cd95b493b834c62d5a5370',
    )
  })

  test('hashes raw previous hash bytes', () => {
    expect(chainHash('ab'.repeat(32), Buffer.from('{"a":1}'))).toBe(
      '3c0e6e9fd260c6edcbee0d4c55ed0620533658d625379175bec5089d8f73d898',
    )
  })

  test('rejects previous hash that is not 64 hex digits', () => {
    expect(() => chainHash('00', Buffer.from('abc'))).toThrow('invalid audit entry: prevHash ')
  })
})
