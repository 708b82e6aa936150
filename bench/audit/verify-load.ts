import { randomUUID } from 'node:crypto';

import { sql, type Kysely } from 'kysely';

import { AUDIT_KEYS_FORMAT } from '../../audit/checkpoint-message.js';
import { chainHash, entryCanonicalBytes, GENESIS_HASH, type AuditEntry } from '../../audit/entry.js';
import { AUDIT_CHAINS, chainOf } from '../../audit/chains.js';
import { COPIED_TEXT_COLUMNS, type CopiedTextColumn } from '../../audit/event-row.js';
import { verifyExportLines } from '../../audit/offline-verify.js';
import { AUDIT_EXPORT_FORMAT } from '../../audit/export-format.js';

const INSERT_BATCH = 5_000;

const ACTIONS = ['document.download', 'document.read', 'document.upload', 'grant.create', 'auth.sign_in'] as const;

/** Result of `loadChain`: the entry count and the load time. */
export interface LoadedChain {
  entries: number;
  seconds: number;
}

/**
 * Builds a valid log of `count` entries in this process with the functions
 * of `audit/entry.ts`, spread over the chains as `chainOf` spreads real
 * appends, and inserts it into `audit_events` in multi-row INSERTs of 5,000
 * rows, with up to two statements in flight while the next batch is built.
 * The chain heads are set to match at the end. The append-only triggers stay
 * on, since these are inserts.
 */
export async function loadChain(db: Kysely<any>, count: number): Promise<LoadedChain> {
  const start = performance.now();
  const base = Date.parse('2026-01-01T00:00:00.000Z');
  const heads = AUDIT_CHAINS.map(() => ({ seq: 0, hash: GENESIS_HASH }));
  // Two statements in flight, so the server inserts while this process builds the next batch.
  const pending: Promise<void>[] = [];

  for (let first = 1; first <= count; first += INSERT_BATCH) {
    const columns = emptyColumns();
    for (let index = first; index < first + INSERT_BATCH && index <= count; index++) {
      const draft = syntheticEntry(index, 0, 0, new Date(base + index * 10).toISOString(), GENESIS_HASH);
      const chain = chainOf(draft);
      const head = heads[chain]!;
      const entry: AuditEntry = { ...draft, chain, seq: head.seq + 1, prevHash: head.hash };
      const canonical = entryCanonicalBytes(entry);
      const hash = chainHash(entry.prevHash, canonical);
      columns.chain.push(chain);
      columns.seq.push(entry.seq);
      columns.time.push(entry.time);
      columns.canonical.push(canonical.toString('utf8'));
      columns.prevHash.push(entry.prevHash);
      columns.hash.push(hash);
      for (const [column, field] of Object.entries(COPIED_TEXT_COLUMNS) as [CopiedTextColumn, keyof AuditEntry][]) {
        columns.copied[column].push(entry[field] as string | null);
      }
      head.seq = entry.seq;
      head.hash = hash;
    }
    if (pending.length === 2) await pending.shift();
    const insert = insertColumns(db, columns);
    // Marks a rejection as handled while the other statement is awaited. Promise.all below still rejects with it.
    insert.catch(() => undefined);
    pending.push(insert);
  }
  await Promise.all(pending);

  await sql`
    update audit_chain_heads h set seq = last.seq, hash = last.hash, time = last.time
    from (select distinct on (chain) chain, seq, hash, time from audit_events order by chain, seq desc) last
    where h.chain = last.chain
  `.execute(db);
  return { entries: count, seconds: (performance.now() - start) / 1000 };
}

/**
 * Builds, in memory, a JSON Lines export of one chain of `count` entries, for
 * the offline verifier, since an export section contains one chain.
 */
export function buildExportLines(count: number): string[] {
  const lines = [
    JSON.stringify({ type: 'header', format: AUDIT_EXPORT_FORMAT, chain: 0, fromSeq: 1, toSeq: count, prevHash: GENESIS_HASH, filtered: false, generatedAt: new Date().toISOString() }),
  ];
  const base = Date.parse('2026-01-01T00:00:00.000Z');
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq++) {
    const entry = syntheticEntry(seq, 0, seq, new Date(base + seq * 10).toISOString(), prevHash);
    const canonical = entryCanonicalBytes(entry);
    const hash = chainHash(prevHash, canonical);
    lines.push(JSON.stringify({ type: 'entry', seq, canonical: canonical.toString('utf8'), hash }));
    prevHash = hash;
  }
  return lines;
}

/** Runs the offline verifier over export lines held in memory, with an empty key set since the chain has no checkpoint. */
export async function verifyExportInMemory(lines: string[]): Promise<{ valid: boolean; entriesChecked: number; seconds: number }> {
  const start = performance.now();
  const report = await verifyExportLines(lines, { format: AUDIT_KEYS_FORMAT, keys: [] });
  return { valid: report.valid, entriesChecked: report.entriesChecked, seconds: elapsedSince(start) };
}

/** Runs VACUUM (ANALYZE) after the bulk load, so the first timed verification does not pay for setting hint bits. */
export async function vacuumAuditEvents(db: Kysely<any>): Promise<void> {
  await sql`vacuum (analyze) audit_events`.execute(db);
}

// A mix of actors, actions and null fields, so the canonical bytes vary in length as in a real log.
function syntheticEntry(seq: number, chain: number, chainSeq: number, time: string, prevHash: string): AuditEntry {
  const person = randomUUID();
  const byPartner = seq % 4 === 0;
  const denied = seq % 10 === 0;
  return {
    version: 1,
    chain,
    seq: chainSeq,
    time,
    prevHash,
    actorType: byPartner ? 'partner' : 'person',
    actorId: byPartner ? `partner-${seq % 50}` : person,
    subjectId: person,
    action: ACTIONS[seq % ACTIONS.length] as string,
    resourceType: 'document',
    resourceId: randomUUID(),
    outcome: denied ? 'deny' : 'allow',
    reason: denied ? 'grant_expired' : null,
    requestId: randomUUID(),
    sourceAddress: seq % 3 === 0 ? '2001:db8::17' : '192.0.2.10',
    partnerId: byPartner ? `partner-${seq % 50}` : null,
    grantId: byPartner ? randomUUID() : null,
  };
}

interface ColumnArrays {
  chain: number[];
  seq: number[];
  time: string[];
  canonical: string[];
  prevHash: string[];
  hash: string[];
  copied: Record<CopiedTextColumn, (string | null)[]>;
}

function emptyColumns(): ColumnArrays {
  const copied = Object.fromEntries(Object.keys(COPIED_TEXT_COLUMNS).map((column) => [column, []])) as unknown as ColumnArrays['copied'];
  return { chain: [], seq: [], time: [], canonical: [], prevHash: [], hash: [], copied };
}

// One statement per batch: the arrays travel as text parameters, and the
// server turns the canonical text and the hex hashes back into bytea.
async function insertColumns(db: Kysely<any>, columns: ColumnArrays): Promise<void> {
  const copiedNames = Object.keys(COPIED_TEXT_COLUMNS) as CopiedTextColumn[];
  await sql`
    insert into audit_events (chain, seq, time, canonical, prev_hash, hash, ${sql.join(copiedNames.map((name) => sql.ref(name)))})
    select chain, seq, time, convert_to(canonical, 'UTF8'), decode(prev_hash, 'hex'), decode(hash, 'hex'), ${sql.join(copiedNames.map((name) => sql.ref(name)))}
    from unnest(
      ${columns.chain}::smallint[], ${columns.seq}::bigint[], ${columns.time}::timestamptz[], ${columns.canonical}::text[], ${columns.prevHash}::text[], ${columns.hash}::text[],
      ${sql.join(copiedNames.map((name) => sql`${columns.copied[name]}::text[]`))}
    ) as batch(chain, seq, time, canonical, prev_hash, hash, ${sql.join(copiedNames.map((name) => sql.ref(name)))})
  `.execute(db);
}

function elapsedSince(start: number): number {
  return (performance.now() - start) / 1000;
}
