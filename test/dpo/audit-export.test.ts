import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AUDIT_KEYS_FORMAT, checkpointMessageBytes, encodePublicKey, type AuditKeySet, type PublishedAuditKey } from '../../audit/checkpoint-message.js';
import { loadAuditKeySet } from '../../audit/checkpoint-signatures.js';
import { appendAuditEvent } from '../../audit/append.js';
import { chainOf } from '../../audit/chains.js';
import { GENESIS_HASH } from '../../audit/entry.js';
import { verifyExportLines, type OfflineVerificationReport } from '../../audit/offline-verify.js';
import { createAuditSigningKey, signDetached, type AuditSigningKey } from '../../crypto/signing-key.js';
import { superuserQuery, uploadSpecimen } from '../documents/document-api.js';
import { signIn, type SignedIn } from '../support/sign-in.js';
import { startTestVault, type TestVault } from '../support/test-vault.js';

const run = promisify(execFile);
const PROJECT = fileURLToPath(new URL('../../', import.meta.url));

let vault: TestVault;
let dpo: SignedIn;
let camille: SignedIn;
let signingKey: AuditSigningKey;
let keySet: AuditKeySet;
let workDir: string;
/** Seq of the test's first checkpoint, inside every range exported here, and of a later one. */
const FIRST_CHECKPOINT_SEQ = 4;
let laterCheckpointSeq: number;
/** Camille's chain, which contains every entry about her and is the one exported here. */
let CHAIN: number;

type Line = Record<string, any>;

beforeAll(async () => {
  vault = await startTestVault();
  workDir = mkdtempSync(path.join(os.tmpdir(), 'coffre-audit-export-'));
  dpo = await signIn(vault, 'dpo');
  camille = await signIn(vault, 'camille');
  CHAIN = chainOf({ subjectId: camille.accountId, actorId: null, requestId: null });
  await uploadSpecimen(vault, camille, 'notification-rqth.pdf', 'decision_mdph');
  await uploadSpecimen(vault, camille, 'notification-aah.pdf', 'decision_mdph');
  while ((await headSeq()) < FIRST_CHECKPOINT_SEQ) await appendAboutCamille(1);

  const created = await createAuditSigningKey(vault.ctx.keys);
  signingKey = created.key;
  // Stored retired, so the vault never signs with it, but with its secret
  // wrapped by the vault's master key, which makes the vault trust it.
  await superuserQuery(
    vault,
    'insert into audit_signing_keys (key_id, public_key, wrapped_secret, kek_id, created_at, retired_at) values ($1, $2, $3, $4, now(), now())',
    [signingKey.keyId, Buffer.from(signingKey.publicKey), Buffer.from(created.wrappedSecret.wrapped), created.wrappedSecret.kekId],
  );
  await insertCheckpoint(FIRST_CHECKPOINT_SEQ);
  await uploadSpecimen(vault, camille, 'notification-pch.pdf', 'decision_mdph');
  laterCheckpointSeq = await headSeq();
  await insertCheckpoint(laterCheckpointSeq);
  await uploadSpecimen(vault, camille, 'photo-justificatif.png', 'other');

  // The vault's own keys, if it signs checkpoints, and the test's key.
  keySet = await loadAuditKeySet(vault.ctx.db, vault.ctx.keys);
  expect(keySet.keys.map((key) => key.keyId)).toContain(signingKey.keyId);
});

afterAll(async () => {
  await vault?.destroy();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

function published(key: { keyId: string; publicKey: Uint8Array }): PublishedAuditKey {
  return { keyId: key.keyId, algorithm: 'Ed25519', publicKey: encodePublicKey(key.publicKey), createdAt: new Date().toISOString(), retiredAt: null };
}

async function headSeq(): Promise<number> {
  const [row] = await superuserQuery<{ seq: string }>(vault, 'select max(seq) as seq from audit_events where chain = $1', [CHAIN]);
  return Number(row!.seq ?? 0);
}

/** Appends `count` entries about Camille, which go to her chain. */
async function appendAboutCamille(count: number): Promise<void> {
  await vault.ctx.db.transaction().execute(async (trx) => {
    for (let index = 0; index < count; index += 1) {
      await appendAuditEvent(trx, {
        actorType: 'system', actorId: null, subjectId: camille.accountId, action: 'test.event', resourceType: null, resourceId: null,
        outcome: 'allow', reason: null, requestId: null, sourceAddress: null,
      });
    }
  });
}

/** Signs the chain head at `seq` with the test key and stores the checkpoint as the superuser. */
async function insertCheckpoint(seq: number): Promise<void> {
  const [row] = await superuserQuery<{ hash: Buffer }>(vault, 'select hash from audit_events where chain = $1 and seq = $2', [CHAIN, seq]);
  const headHash = row!.hash.toString('hex');
  const time = new Date().toISOString();
  const message = checkpointMessageBytes({ chain: CHAIN, seq, headHash, time, keyId: signingKey.keyId });
  const signature = Buffer.from(await signDetached(signingKey.secretKey, message));
  await superuserQuery(
    vault,
    'insert into audit_checkpoints (chain, seq, head_hash, time, key_id, message, signature) values ($1, $2, $3, $4, $5, $6, $7)',
    [CHAIN, seq, row!.hash, time, signingKey.keyId, message, signature],
  );
}

/** Exports Camille's chain unless the query names another or sets `chain` to '' to leave it out. */
async function exportAs(session: SignedIn, query: Record<string, string>): Promise<{ status: number; headers: Record<string, string>; text: string }> {
  const withChain: Record<string, string> = { chain: String(CHAIN), ...query };
  if (withChain.chain === '') delete withChain.chain;
  const response = await request(vault.url)
    .get('/dpo/v1/audit/export')
    .query(withChain)
    .set('Cookie', session.cookie)
    .buffer(true)
    .parse((res, callback) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => callback(null, Buffer.concat(chunks).toString('utf8')));
    });
  return { status: response.status, headers: response.headers as Record<string, string>, text: response.body as string };
}

async function exportLines(query: Record<string, string> = {}): Promise<string[]> {
  const response = await exportAs(dpo, query);
  expect(response.status).toBe(200);
  return response.text.split('\n').filter((line) => line !== '');
}

function parse(lines: string[]): Line[] {
  return lines.map((line) => JSON.parse(line) as Line);
}

async function verify(lines: string[], keys: AuditKeySet = keySet): Promise<OfflineVerificationReport> {
  return verifyExportLines(lines, keys);
}

/** Index of the line of entry `seq`. */
function entryIndex(lines: string[], seq: number): number {
  const index = parse(lines).findIndex((line) => line.type === 'entry' && line.seq === seq);
  expect(index).toBeGreaterThan(0);
  return index;
}

describe('JSON Lines export', () => {
  it('starts with a header of the whole chain', async () => {
    const response = await exportAs(dpo, {});
    expect(response.headers['content-disposition']).toMatch(new RegExp(`^attachment; filename="?coffre-audit-${CHAIN}-1-\\d+\\.jsonl"?$`));
    expect(response.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-store');

    const [header] = parse(response.text.split('\n').filter(Boolean));
    expect(header).toMatchObject({ type: 'header', format: 'coffre-audit-export/1', chain: CHAIN, fromSeq: 1, prevHash: GENESIS_HASH, filtered: false });
    expect(header!.toSeq).toBeGreaterThan(laterCheckpointSeq);
    expect(Date.parse(header!.generatedAt)).not.toBeNaN();
    expect(header).not.toHaveProperty('notice');
  });

  it('holds entries in seq order, then checkpoints', async () => {
    const lines = parse(await exportLines());
    const header = lines[0]!;
    const entries = lines.filter((line) => line.type === 'entry');
    expect(entries.map((line) => line.seq)).toEqual(Array.from({ length: header.toSeq }, (_, index) => index + 1));
    const [stored] = await superuserQuery<{ canonical: Buffer }>(vault, 'select canonical from audit_events where chain = $1 and seq = 2', [CHAIN]);
    expect(Buffer.from(entries[1]!.canonical, 'utf8').equals(stored!.canonical)).toBe(true);

    const firstCheckpoint = lines.findIndex((line) => line.type === 'checkpoint');
    expect(firstCheckpoint).toBe(entries.length + 1);
    expect(lines.slice(firstCheckpoint).every((line) => line.type === 'checkpoint')).toBe(true);
  });

  it('verifies offline as a whole', async () => {
    const report = await verify(await exportLines());
    expect(report.failure).toBeUndefined();
    expect(report.valid).toBe(true);
    expect(report.checkpointsChecked).toBeGreaterThanOrEqual(2);
    expect(report.head?.seq).toBe(report.entriesChecked);
  });

  it('verifies offline for a contiguous range', async () => {
    const lines = await exportLines({ fromSeq: '3', toSeq: String(laterCheckpointSeq - 1) });
    const parsed = parse(lines);
    const [entry2] = await superuserQuery<{ hash: Buffer }>(vault, 'select hash from audit_events where chain = $1 and seq = 2', [CHAIN]);
    expect(parsed[0]).toMatchObject({ fromSeq: 3, toSeq: laterCheckpointSeq - 1, prevHash: entry2!.hash.toString('hex') });

    // The range's checkpoint, then the first one after the range.
    const checkpointSeqs = parsed.filter((line) => line.type === 'checkpoint').map((line) => line.seq);
    expect(checkpointSeqs).toContain(FIRST_CHECKPOINT_SEQ);
    expect(checkpointSeqs[checkpointSeqs.length - 1]).toBe(laterCheckpointSeq);

    const report = await verify(lines);
    expect(report.valid).toBe(true);
    expect(report.entriesChecked).toBe(laterCheckpointSeq - 3);
  });

  it('caps toSeq at the head', async () => {
    const [header] = parse(await exportLines({ toSeq: '999999' }));
    expect(header!.toSeq).toBeLessThan(999999);
  });
});

describe('offline verification of a tampered export', () => {
  let lines: string[];

  beforeAll(async () => {
    lines = await exportLines({ toSeq: String(laterCheckpointSeq + 1) });
  });

  function withLine(index: number, change: (line: Line) => void): string[] {
    const copy = [...lines];
    const line = JSON.parse(copy[index]!) as Line;
    change(line);
    copy[index] = JSON.stringify(line);
    return copy;
  }

  function checkpointIndex(seq: number): number {
    return parse(lines).findIndex((line) => line.type === 'checkpoint' && line.seq === seq && line.keyId === signingKey.keyId);
  }

  it('passes untouched', async () => {
    expect((await verify(lines)).valid).toBe(true);
  });

  it('fails on entry-5-outcome-flipped', async () => {
    const tampered = withLine(entryIndex(lines, 5), (line) => {
      const flipped = line.canonical.includes('"outcome":"allow"') ? line.canonical.replace('"outcome":"allow"', '"outcome":"deny"') : line.canonical.replace('"outcome":"deny"', '"outcome":"allow"');
      expect(flipped).not.toBe(line.canonical);
      line.canonical = flipped;
    });
    expect((await verify(tampered)).failure).toMatchObject({ kind: 'hash_mismatch', seq: 5 });
  });

  it('fails on entry-5-rehashed at entry 6', async () => {
    // An entry changed with its hash recomputed still breaks the link from the next entry.
    const { chainHash } = await import('../../audit/entry.js');
    const tampered = withLine(entryIndex(lines, 5), (line) => {
      line.canonical = line.canonical.replace(/"requestId":"[^"]*"/, '"requestId":"forged"');
      const entry = JSON.parse(line.canonical);
      line.hash = chainHash(entry.prevHash, Buffer.from(line.canonical, 'utf8'));
    });
    expect((await verify(tampered)).failure).toMatchObject({ kind: 'hash_mismatch', seq: 6 });
  });

  it('fails on entry-3-deleted', async () => {
    const tampered = lines.filter((_, index) => index !== entryIndex(lines, 3));
    expect((await verify(tampered)).failure).toMatchObject({ kind: 'sequence_gap', seq: 3 });
  });

  it('fails on entries-3-and-4-swapped', async () => {
    const tampered = [...lines];
    const third = entryIndex(lines, 3);
    const fourth = entryIndex(lines, 4);
    [tampered[third], tampered[fourth]] = [lines[fourth]!, lines[third]!];
    expect((await verify(tampered)).failure).toMatchObject({ kind: 'sequence_gap', seq: 3 });
  });

  it('fails on tail-truncated before toSeq', async () => {
    const last = parse(lines)[0]!.toSeq as number;
    const tampered = lines.filter((_, index) => index !== entryIndex(lines, last));
    expect((await verify(tampered)).failure).toMatchObject({ kind: 'sequence_gap', seq: last });
  });

  it('fails on checkpoint-4-signature-altered', async () => {
    const tampered = withLine(checkpointIndex(FIRST_CHECKPOINT_SEQ), (line) => {
      const signature = Buffer.from(line.signature, 'base64');
      signature[0] = signature[0]! ^ 0x01;
      line.signature = signature.toString('base64');
    });
    expect((await verify(tampered)).failure).toMatchObject({ kind: 'bad_signature', seq: FIRST_CHECKPOINT_SEQ });
  });

  it('fails on checkpoint-4-head-hash-changed', async () => {
    const tampered = withLine(checkpointIndex(FIRST_CHECKPOINT_SEQ), (line) => {
      line.headHash = GENESIS_HASH;
    });
    expect((await verify(tampered)).failure).toMatchObject({ kind: 'checkpoint_mismatch', seq: FIRST_CHECKPOINT_SEQ });
  });

  it('fails with a key set holding another key', async () => {
    const other = (await createAuditSigningKey(vault.ctx.keys)).key;
    const keys: AuditKeySet = { format: AUDIT_KEYS_FORMAT, keys: [...keySet.keys.filter((key) => key.keyId !== signingKey.keyId), published(other)] };
    expect((await verify(lines, keys)).failure).toMatchObject({ kind: 'bad_signature', seq: FIRST_CHECKPOINT_SEQ });
  });

  it('fails with another public key under the same key id', async () => {
    const other = (await createAuditSigningKey(vault.ctx.keys)).key;
    const keys: AuditKeySet = {
      format: AUDIT_KEYS_FORMAT,
      keys: keySet.keys.map((key) => (key.keyId === signingKey.keyId ? { ...key, publicKey: encodePublicKey(other.publicKey) } : key)),
    };
    expect((await verify(lines, keys)).failure).toMatchObject({ kind: 'bad_signature', seq: FIRST_CHECKPOINT_SEQ });
  });
});

describe('export of every chain', () => {
  it('holds one section per chain and verifies offline', async () => {
    const response = await exportAs(dpo, { chain: '' });
    expect(response.status).toBe(200);
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="?coffre-audit-all\.jsonl"?$/);
    const lines = response.text.split('\n').filter(Boolean);
    const headers = parse(lines).filter((line) => line.type === 'header');
    const [chains] = await superuserQuery<{ chains: number[] }>(vault, 'select array_agg(distinct chain order by chain) as chains from audit_events');
    expect(headers.map((header) => header.chain)).toEqual(chains!.chains);
    expect(headers.length).toBeGreaterThan(1);

    const report = await verify(lines);
    expect(report.failure).toBeUndefined();
    expect(report.heads.map((head) => head.chain)).toEqual(chains!.chains);
  });

  it('is refused when two sections are of the same chain', async () => {
    const lines = parse(await exportLines({ chain: String(CHAIN) }));
    const twice = [...lines, ...lines].map((line) => JSON.stringify(line));
    expect((await verify(twice)).failure).toMatchObject({ kind: 'malformed_export' });
  });
});

describe('filtered export', () => {
  it('is marked and refused by the verifier', async () => {
    const lines = await exportLines({ personId: camille.accountId });
    const parsed = parse(lines);
    expect(parsed[0]).toMatchObject({ type: 'header', filtered: true, prevHash: null });
    expect(parsed[0]!.notice).toContain('ne peut pas être vérifié');
    expect(parsed.some((line) => line.type === 'checkpoint')).toBe(false);
    const entries = parsed.filter((line) => line.type === 'entry');
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) expect(JSON.parse(entry.canonical).subjectId).toBe(camille.accountId);

    expect((await verify(lines)).failure?.kind).toBe('filtered_export');
  });

  it('is named as filtered', async () => {
    const response = await exportAs(dpo, { action: 'document.upload' });
    expect(response.headers['content-disposition']).toMatch(/-filtered\.jsonl"?$/);
  });
});

describe('CSV export', () => {
  it('has the BOM, the English field names and one row per entry', async () => {
    const response = await exportAs(dpo, { format: 'csv', toSeq: '6' });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(new RegExp(`^attachment; filename="?coffre-audit-${CHAIN}-1-6\\.csv"?$`));
    expect(response.text.charCodeAt(0)).toBe(0xfeff);

    const rows = response.text.slice(1).split('\r\n').filter(Boolean);
    expect(rows[0]).toBe('chain,seq,time,actorType,actorId,subjectId,action,resourceType,resourceId,outcome,reason,requestId,sourceAddress,partnerId,grantId,hash');
    expect(rows.slice(1).map((row) => row.split(',')[0])).toEqual(Array(6).fill(String(CHAIN)));
    expect(rows.slice(1).map((row) => row.split(',')[1])).toEqual(['1', '2', '3', '4', '5', '6']);
  });
});

describe('export validation', () => {
  const cases: Array<[string, Record<string, string>, string]> = [
    ['unknown format', { format: 'xml' }, 'format'],
    ['seq zero', { fromSeq: '0' }, 'fromSeq'],
    ['seq not a number', { toSeq: 'last' }, 'toSeq'],
    ['reversed range', { fromSeq: '5', toSeq: '4' }, 'toSeq'],
    ['range past the head', { fromSeq: '999999' }, 'fromSeq'],
    ['unknown parameter', { limit: '5' }, 'limit'],
    ['chain past the last', { chain: '32' }, 'chain'],
    ['chain not a number', { chain: 'zero' }, 'chain'],
    ['range without a chain or a person', { chain: '', fromSeq: '2' }, 'chain'],
  ];

  it.each(cases)('rejects %s', async (_name, query, field) => {
    const response = await exportAs(dpo, query);
    expect(response.status).toBe(400);
    const problem = JSON.parse(response.text);
    expect(problem.code).toBe('validation_failed');
    expect(problem.detail).toContain(`« ${field} »`);
  });
});

describe('npm run audit:verify -- --file', () => {
  async function auditVerify(exportPath: string, keysPath: string): Promise<{ code: number; report: OfflineVerificationReport; stderr: string }> {
    const env = { ...process.env, LOG_LEVEL: 'error' };
    try {
      const { stdout, stderr } = await run(path.join(PROJECT, 'node_modules/.bin/tsx'), ['server/cli/audit-verify.ts', '--file', exportPath, '--keys', keysPath], { cwd: PROJECT, env });
      return { code: 0, report: JSON.parse(stdout), stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, report: JSON.parse(failed.stdout), stderr: failed.stderr };
    }
  }

  it('exits 0 on an intact export and 1 on a tampered one', async () => {
    const lines = await exportLines({ toSeq: String(laterCheckpointSeq) });
    const keysPath = path.join(workDir, 'keys.json');
    writeFileSync(keysPath, JSON.stringify(keySet));
    const intactPath = path.join(workDir, 'intact.jsonl');
    writeFileSync(intactPath, lines.join('\n') + '\n');
    const tamperedPath = path.join(workDir, 'tampered.jsonl');
    writeFileSync(tamperedPath, lines.filter((_, index) => index !== entryIndex(lines, 3)).join('\n') + '\n');

    const [intact, tampered] = await Promise.all([auditVerify(intactPath, keysPath), auditVerify(tamperedPath, keysPath)]);
    expect(intact.code).toBe(0);
    expect(intact.report).toMatchObject({ valid: true, entriesChecked: laterCheckpointSeq });
    expect(intact.report.checkpointsChecked).toBeGreaterThanOrEqual(2);
    expect(tampered.code).toBe(1);
    expect(tampered.report).toMatchObject({ valid: false, failure: { kind: 'sequence_gap', seq: 3 } });
  });

  it('refuses a filtered export', async () => {
    const keysPath = path.join(workDir, 'keys-filtered.json');
    writeFileSync(keysPath, JSON.stringify(keySet));
    const filteredPath = path.join(workDir, 'filtered.jsonl');
    writeFileSync(filteredPath, (await exportLines({ outcome: 'allow' })).join('\n') + '\n');

    const result = await auditVerify(filteredPath, keysPath);
    expect(result.code).toBe(1);
    expect(result.report.failure?.kind).toBe('filtered_export');
    expect(result.stderr).toContain('filtered');
  });
});

describe('large export', () => {
  it('streams more than one batch and verifies', async () => {
    // The export reads 1,000 entries per query; 2,100 more entries cross two batch boundaries.
    await appendAboutCamille(2100);
    await insertCheckpoint(await headSeq());

    const lines = await exportLines();
    const header = JSON.parse(lines[0]!);
    expect(header.toSeq).toBeGreaterThan(2100);
    expect(lines.filter((line) => line.includes('"type":"entry"'))).toHaveLength(header.toSeq);

    const report = await verify(lines);
    expect(report.failure).toBeUndefined();
    expect(report.entriesChecked).toBe(header.toSeq);
    expect(report.checkpointsChecked).toBeGreaterThanOrEqual(3);
  });
});
