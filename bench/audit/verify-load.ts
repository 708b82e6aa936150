import { randomUUID } from 'node:crypto';

import { sql, type Kysely } from 'kysely';
import pg from 'pg';

import { AUDIT_KEYS_FORMAT } from '../../audit/checkpoint-message.js';
import { chainHash, entryCanonicalBytes, GENESIS_HASH, type AuditEntry } from '../../audit/entry.js';
import { COPIED_TEXT_COLUMNS, type CopiedTextColumn } from '../../audit/event-row.js';
import { verifyExportLines } from '../../audit/offline-verify.js';
import { checkStoredEntry, type ChainPosition, type StoredEntryRow } from '../../audit/stored-entry-check.js';
import { AUDIT_EXPORT_FORMAT } from '../../audit/export-format.js';
import { round } from './append-load.js';

const INSERT_BATCH = 5_000;

const ACTIONS = ['document.download', 'document.read', 'document.upload', 'grant.create', 'auth.sign_in'] as const;

/** Result of `loadChain`: the entry count, the load time, and the export lines when they were requested. */
export interface LoadedChain {
  entries: number;
  seconds: number;
  /** One JSON Lines export of the whole chain (header, then one line per entry), or null. */
  exportLines: string[] | null;
}

/**
 * Builds a valid chain of `count` entries in this process with the functions
 * of `audit/entry.ts`, and inserts it into `audit_events` in multi-row
 * INSERTs of 5,000 rows, with up to two statements in flight while the next
 * batch is built. The append-only triggers stay on, since these are inserts.
 */
export async function loadChain(db: Kysely<any>, count: number, withExportLines: boolean): Promise<LoadedChain> {
  const start = performance.now();
  const exportLines: string[] | null = withExportLines ? [] : null;
  const base = Date.parse('2026-01-01T00:00:00.000Z');
  let prevHash = GENESIS_HASH;
  // Two statements in flight, so the server inserts while this process builds the next batch.
  const pending: Promise<void>[] = [];

  exportLines?.push(
    JSON.stringify({ type: 'header', format: AUDIT_EXPORT_FORMAT, chain: 0, fromSeq: 1, toSeq: count, prevHash: GENESIS_HASH, filtered: false, generatedAt: new Date().toISOString() }),
  );

  for (let first = 1; first <= count; first += INSERT_BATCH) {
    const columns = emptyColumns();
    for (let seq = first; seq < first + INSERT_BATCH && seq <= count; seq++) {
      const entry = syntheticEntry(seq, new Date(base + seq * 10).toISOString(), prevHash);
      const canonical = entryCanonicalBytes(entry);
      const hash = chainHash(prevHash, canonical);
      const text = canonical.toString('utf8');
      columns.seq.push(seq);
      columns.time.push(entry.time);
      columns.canonical.push(text);
      columns.prevHash.push(prevHash);
      columns.hash.push(hash);
      for (const [column, field] of Object.entries(COPIED_TEXT_COLUMNS) as [CopiedTextColumn, keyof AuditEntry][]) {
        columns.copied[column].push(entry[field] as string | null);
      }
      exportLines?.push(JSON.stringify({ type: 'entry', seq, canonical: text, hash }));
      prevHash = hash;
    }
    if (pending.length === 2) await pending.shift();
    const insert = insertColumns(db, columns);
    // Marks a rejection as handled while the other statement is awaited. Promise.all below still rejects with it.
    insert.catch(() => undefined);
    pending.push(insert);
  }
  await Promise.all(pending);
  return { entries: count, seconds: (performance.now() - start) / 1000, exportLines };
}

/** Timings of the phases of verification: reading rows, hashing, and the canonical checks, each on a batch in memory. */
export interface VerifyProfile {
  entries: number;
  batchSize: number;
  /** Seconds per phase over the profiled entries. */
  seconds: {
    /** The query of `verifyChain` through Kysely and node-postgres, awaited batch by batch without overlap. */
    readRows: number;
    /** The same queries through node-postgres with every value left as text: the server and the transfer, without the type parsers. */
    readRowsUnparsed: number;
    /** `prev_hash` and `hash` to hex, the link, SHA-256 over the previous hash and the canonical bytes, the comparison. */
    hashing: number;
    /** Strict UTF-8 decoding and JSON.parse of the canonical bytes. */
    canonicalParse: number;
    /** `entryCanonicalBytes` on the parsed entry (field validation and RFC 8785 serialization) and the byte comparison. */
    canonicalRebuild: number;
    /** Chain, seq, prevHash, time and the twelve copied columns against the parsed entry. */
    rowComparison: number;
    /** `checkStoredEntry`, which does all of the per-entry work above, on the same rows. */
    checkStoredEntry: number;
  };
  /** The same phases divided by the entries profiled, in microseconds. */
  microsecondsPerEntry: VerifyProfile['seconds'];
}

const ENTRY_COLUMNS = ['chain', 'seq', 'time', 'canonical', 'prev_hash', 'hash', ...Object.keys(COPIED_TEXT_COLUMNS)];
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads the first `maxEntries` entries of the chain batch by batch and times
 * each phase of the per-entry checks separately on the batch in memory.
 * Throws if an entry does not verify, since the profile is only meaningful
 * on a valid chain.
 */
export async function profileVerification(db: Kysely<any>, url: string, batchSize: number, maxEntries: number): Promise<VerifyProfile> {
  const seconds = { readRows: 0, readRowsUnparsed: 0, hashing: 0, canonicalParse: 0, canonicalRebuild: 0, rowComparison: 0, checkStoredEntry: 0 };
  let entries = 0;
  const position: ChainPosition = { chain: 0, seq: 1, prevHash: GENESIS_HASH, prevTime: null };
  let linkHash = GENESIS_HASH;

  const raw = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await raw.connect();
  try {
    for (let afterSeq = 0; entries < maxEntries; ) {
      let mark = performance.now();
      const rows = (await db
        .selectFrom('audit_events')
        .select(ENTRY_COLUMNS)
        .where('chain', '=', 0)
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .limit(batchSize)
        .execute()) as StoredEntryRow[];
      seconds.readRows += elapsedSince(mark);
      if (rows.length === 0) break;

      mark = performance.now();
      await raw.query({
        text: `select ${ENTRY_COLUMNS.join(', ')} from audit_events where chain = 0 and seq > $1 order by seq limit $2`,
        values: [afterSeq, batchSize],
        types: { getTypeParser: () => (value: string) => value },
      });
      seconds.readRowsUnparsed += elapsedSince(mark);

      mark = performance.now();
      for (const row of rows) {
        const prevHash = row.prev_hash.toString('hex');
        if (prevHash !== linkHash) throw new Error(`profile: entry ${row.seq} does not link to the previous entry`);
        linkHash = chainHash(prevHash, row.canonical);
        if (row.hash.toString('hex') !== linkHash) throw new Error(`profile: entry ${row.seq} hash differs`);
      }
      seconds.hashing += elapsedSince(mark);

      mark = performance.now();
      const parsed = rows.map((row) => JSON.parse(strictUtf8.decode(row.canonical)) as AuditEntry);
      seconds.canonicalParse += elapsedSince(mark);

      mark = performance.now();
      for (let index = 0; index < rows.length; index++) {
        if (!entryCanonicalBytes(parsed[index] as AuditEntry).equals((rows[index] as StoredEntryRow).canonical)) {
          throw new Error(`profile: entry ${(rows[index] as StoredEntryRow).seq} is not canonical`);
        }
      }
      seconds.canonicalRebuild += elapsedSince(mark);

      mark = performance.now();
      for (let index = 0; index < rows.length; index++) {
        compareRow(rows[index] as StoredEntryRow, parsed[index] as AuditEntry);
      }
      seconds.rowComparison += elapsedSince(mark);

      mark = performance.now();
      for (const row of rows) {
        const check = checkStoredEntry(row, position);
        if (!check.ok) throw new Error(`profile: ${check.failure.kind} at entry ${check.failure.seq}`);
        position.seq += 1;
        position.prevHash = check.hash;
        position.prevTime = check.time;
      }
      seconds.checkStoredEntry += elapsedSince(mark);

      entries += rows.length;
      afterSeq = Number((rows[rows.length - 1] as StoredEntryRow).seq);
    }
  } finally {
    await raw.end();
  }

  const microsecondsPerEntry = { ...seconds };
  for (const key of Object.keys(seconds) as (keyof typeof seconds)[]) {
    microsecondsPerEntry[key] = round((seconds[key] / Math.max(entries, 1)) * 1e6, 2);
    seconds[key] = round(seconds[key], 3);
  }
  return { entries, batchSize, seconds, microsecondsPerEntry };
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

function compareRow(row: StoredEntryRow, entry: AuditEntry): void {
  if (entry.chain !== row.chain || entry.seq !== Number(row.seq) || entry.prevHash !== row.prev_hash.toString('hex')) {
    throw new Error(`profile: entry ${row.seq} differs from its row`);
  }
  if (row.time.getTime() !== Date.parse(entry.time)) throw new Error(`profile: entry ${row.seq} time differs`);
  for (const [column, field] of Object.entries(COPIED_TEXT_COLUMNS) as [CopiedTextColumn, keyof AuditEntry][]) {
    if (row[column] !== entry[field]) throw new Error(`profile: entry ${row.seq} column ${column} differs`);
  }
}

// A mix of actors, actions and null fields, so the canonical bytes vary in length as in a real log.
function syntheticEntry(seq: number, time: string, prevHash: string): AuditEntry {
  const person = randomUUID();
  const byPartner = seq % 4 === 0;
  const denied = seq % 10 === 0;
  return {
    version: 1,
    chain: 0,
    seq,
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
  seq: number[];
  time: string[];
  canonical: string[];
  prevHash: string[];
  hash: string[];
  copied: Record<CopiedTextColumn, (string | null)[]>;
}

function emptyColumns(): ColumnArrays {
  const copied = Object.fromEntries(Object.keys(COPIED_TEXT_COLUMNS).map((column) => [column, []])) as unknown as ColumnArrays['copied'];
  return { seq: [], time: [], canonical: [], prevHash: [], hash: [], copied };
}

// One statement per batch: the arrays travel as text parameters, and the
// server turns the canonical text and the hex hashes back into bytea.
async function insertColumns(db: Kysely<any>, columns: ColumnArrays): Promise<void> {
  const copiedNames = Object.keys(COPIED_TEXT_COLUMNS) as CopiedTextColumn[];
  await sql`
    insert into audit_events (chain, seq, time, canonical, prev_hash, hash, ${sql.join(copiedNames.map((name) => sql.ref(name)))})
    select 0, seq, time, convert_to(canonical, 'UTF8'), decode(prev_hash, 'hex'), decode(hash, 'hex'), ${sql.join(copiedNames.map((name) => sql.ref(name)))}
    from unnest(
      ${columns.seq}::bigint[], ${columns.time}::timestamptz[], ${columns.canonical}::text[], ${columns.prevHash}::text[], ${columns.hash}::text[],
      ${sql.join(copiedNames.map((name) => sql`${columns.copied[name]}::text[]`))}
    ) as batch(seq, time, canonical, prev_hash, hash, ${sql.join(copiedNames.map((name) => sql.ref(name)))})
  `.execute(db);
}

function elapsedSince(start: number): number {
  return (performance.now() - start) / 1000;
}
