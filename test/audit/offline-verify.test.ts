import { describe, expect, it } from 'vitest';

import { AUDIT_KEYS_FORMAT, type AuditKeySet } from '../../audit/checkpoint-message.js';
import { chainHash, entryCanonicalBytes, GENESIS_HASH, type AuditEntry } from '../../audit/entry.js';
import { InvalidKeySetError, parseAuditKeySet, verifyExportLines } from '../../audit/offline-verify.js';

// Hand-built exports without checkpoints, for the file-level checks that a
// vault's export never exercises. Tampering with real exports is tested in
// test/dpo/audit-export.test.ts.

const NO_KEYS: AuditKeySet = { format: AUDIT_KEYS_FORMAT, keys: [] };

function buildExport(count: number, header: Record<string, unknown> = {}): string[] {
  const lines = [JSON.stringify({ type: 'header', format: 'coffre-audit-export/1', chain: 0, fromSeq: 1, toSeq: count, prevHash: GENESIS_HASH, filtered: false, generatedAt: '2026-12-04T21:00:00.000Z', ...header })];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq += 1) {
    const entry: AuditEntry = {
      version: 1, chain: 0, seq, time: `2026-12-04T20:00:0${seq}.000Z`, prevHash,
      actorType: 'system', actorId: null, subjectId: null, action: 'test.event', resourceType: null, resourceId: null,
      outcome: 'allow', reason: null, requestId: null, sourceAddress: null, partnerId: null, grantId: null,
    };
    const canonical = entryCanonicalBytes(entry);
    const hash = chainHash(prevHash, canonical);
    lines.push(JSON.stringify({ type: 'entry', seq, canonical: canonical.toString('utf8'), hash }));
    prevHash = hash;
  }
  return lines;
}

describe('verifyExportLines', () => {
  it('accepts an intact export without checkpoints', async () => {
    const report = await verifyExportLines(buildExport(3), NO_KEYS);
    expect(report).toMatchObject({ valid: true, entriesChecked: 3, checkpointsChecked: 0, head: { chain: 0, seq: 3 } });
  });

  it('accepts an empty range', async () => {
    expect((await verifyExportLines(buildExport(0), NO_KEYS)).valid).toBe(true);
  });

  it('rejects an empty file', async () => {
    expect((await verifyExportLines([], NO_KEYS)).failure?.kind).toBe('malformed_export');
  });

  it('rejects a line that is not JSON', async () => {
    const lines = buildExport(3);
    lines[2] = '{not json';
    expect((await verifyExportLines(lines, NO_KEYS)).failure).toMatchObject({ kind: 'malformed_export', detail: 'line 3 is not JSON' });
  });

  it('rejects a file without header', async () => {
    expect((await verifyExportLines(buildExport(3).slice(1), NO_KEYS)).failure?.kind).toBe('malformed_export');
  });

  it('rejects another format version', async () => {
    expect((await verifyExportLines(buildExport(2, { format: 'coffre-audit-export/2' }), NO_KEYS)).failure?.kind).toBe('malformed_export');
  });

  it('rejects a filtered export', async () => {
    expect((await verifyExportLines(buildExport(2, { filtered: true }), NO_KEYS)).failure?.kind).toBe('filtered_export');
  });

  it('rejects a header prevHash that does not match', async () => {
    const report = await verifyExportLines(buildExport(2, { prevHash: 'a'.repeat(64) }), NO_KEYS);
    expect(report.failure).toMatchObject({ kind: 'hash_mismatch', seq: 1 });
  });

  it('rejects an entry past toSeq', async () => {
    const lines = buildExport(3, { toSeq: 2 });
    expect((await verifyExportLines(lines, NO_KEYS)).failure).toMatchObject({ kind: 'malformed_export', seq: 3 });
  });

  it('rejects an entry whose line seq was rewritten', async () => {
    const lines = buildExport(3);
    const line = JSON.parse(lines[2]!);
    lines[2] = JSON.stringify({ ...line, seq: 1 });
    lines.splice(1, 1);
    expect((await verifyExportLines(lines, NO_KEYS)).failure).toMatchObject({ kind: 'entry_mismatch', seq: 1 });
  });

  it('rejects canonical JSON that is not in canonical form', async () => {
    const lines = buildExport(2);
    const line = JSON.parse(lines[1]!);
    const spaced = JSON.stringify(JSON.parse(line.canonical), null, 1);
    lines[1] = JSON.stringify({ ...line, canonical: spaced, hash: chainHash(GENESIS_HASH, Buffer.from(spaced, 'utf8')) });
    expect((await verifyExportLines(lines, NO_KEYS)).failure).toMatchObject({ kind: 'entry_mismatch', seq: 1 });
  });
});

describe('parseAuditKeySet', () => {
  it('reads a key set', () => {
    const text = JSON.stringify({ format: AUDIT_KEYS_FORMAT, keys: [{ keyId: 'audit-0123456789abcdef', algorithm: 'Ed25519', publicKey: 'AAAA', createdAt: '2026-12-04T21:00:00.000Z', retiredAt: null }] });
    expect(parseAuditKeySet(text).keys).toHaveLength(1);
  });

  it.each([
    ['not JSON', '{'],
    ['another format', JSON.stringify({ format: 'jwks', keys: [] })],
    ['keys not an array', JSON.stringify({ format: AUDIT_KEYS_FORMAT, keys: {} })],
    ['another algorithm', JSON.stringify({ format: AUDIT_KEYS_FORMAT, keys: [{ keyId: 'a', algorithm: 'ES256', publicKey: 'x', createdAt: 'x', retiredAt: null }] })],
  ])('rejects %s', (_name, text) => {
    expect(() => parseAuditKeySet(text)).toThrow(InvalidKeySetError);
  });
});
