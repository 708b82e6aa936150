import { randomUUID } from 'node:crypto';

import { sql, type Kysely } from 'kysely';

import { appendAuditEvent } from '../../audit/append.js';
import { chainOf } from '../../audit/chains.js';
import { chainHash, entryCanonicalBytes, GENESIS_HASH, type AuditEntry, type AuditEventInput } from '../../audit/entry.js';
import { entryToRow } from '../../audit/event-row.js';

/** Table with the columns, checks and indexes of `audit_events`, but written without the chain's lock or head read. */
export const PLAIN_TABLE = 'audit_events_plain';

/** Throughput of one timed load: how many transactions committed and how long each took. */
export interface LoadResult {
  concurrency: number;
  seconds: number;
  committed: number;
  perSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
}

/**
 * Creates the plain twin of `audit_events`. `LIKE … INCLUDING ALL` copies
 * the columns, defaults, checks, primary key and indexes, but not the
 * triggers, which fire only on UPDATE, DELETE and TRUNCATE anyway.
 */
export async function createPlainTable(db: Kysely<any>): Promise<void> {
  await sql`create table ${sql.table(PLAIN_TABLE)} (like audit_events including all)`.execute(db);
}

/** Appends through `appendAuditEvent`, one entry per transaction, as a route does. */
export function chainedAppend(db: Kysely<any>): () => Promise<void> {
  return async () => {
    await db.transaction().execute(async (trx) => {
      await appendAuditEvent(trx, downloadEvent());
    });
  };
}

/**
 * Inserts the same kind of row into the plain twin, one per transaction. The
 * chain, the canonical bytes and the hash are computed as an append computes
 * them. The seq comes from a counter in this process and the previous hash
 * from the previous row built here, so nothing is locked and no head is read.
 */
export function plainInsert(db: Kysely<any>): () => Promise<void> {
  let seq = 0;
  let prevHash = GENESIS_HASH;
  return async () => {
    seq += 1;
    const event = downloadEvent();
    const entry: AuditEntry = { ...event, partnerId: null, grantId: null, version: 1, chain: chainOf(event), seq, time: new Date().toISOString(), prevHash };
    const canonical = entryCanonicalBytes(entry);
    const hash = chainHash(prevHash, canonical);
    prevHash = hash;
    await db.transaction().execute(async (trx) => {
      await trx.insertInto(PLAIN_TABLE).values(entryToRow(entry, canonical, hash)).execute();
    });
  };
}

/**
 * Runs `operation` from `concurrency` workers until `seconds` have passed,
 * and returns the committed operations per second. The first error stops
 * every worker and is rethrown.
 */
export async function runTimedLoad(operation: () => Promise<void>, concurrency: number, seconds: number): Promise<LoadResult> {
  const latencies: number[] = [];
  const start = performance.now();
  const deadline = start + seconds * 1000;
  let failure: unknown = null;

  const worker = async (): Promise<void> => {
    while (failure === null && performance.now() < deadline) {
      const begin = performance.now();
      try {
        await operation();
      } catch (error) {
        failure ??= error;
        return;
      }
      latencies.push(performance.now() - begin);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (failure !== null) throw failure;

  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    concurrency,
    seconds: round(elapsed, 2),
    committed: latencies.length,
    perSecond: round(latencies.length / elapsed, 1),
    latencyP50Ms: round(percentile(latencies, 0.5), 2),
    latencyP99Ms: round(percentile(latencies, 0.99), 2),
  };
}

// A download by its owner: the most frequent entry, with UUIDs where a route puts them.
function downloadEvent(): AuditEventInput {
  const person = randomUUID();
  return {
    actorType: 'person',
    actorId: person,
    subjectId: person,
    action: 'document.download',
    resourceType: 'document',
    resourceId: randomUUID(),
    outcome: 'allow',
    reason: null,
    requestId: randomUUID(),
    sourceAddress: '127.0.0.1',
  };
}

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] as number;
}

export function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
