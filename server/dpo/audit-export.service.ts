import type { Response } from 'express';

import { GENESIS_HASH } from '../../audit/entry.js';
import { AUDIT_CHAIN_COUNT, AUDIT_CHAINS, chainOf } from '../../audit/chains.js';
import {
  AUDIT_EXPORT_FORMAT,
  FILTERED_EXPORT_NOTICE,
  type ExportCheckpointLine,
  type ExportEntryLine,
  type ExportHeaderLine,
} from '../../audit/export-format.js';
import type { AppContext } from '../context.js';
import { AppError } from '../errors/app-error.js';
import {
  findCheckpointAfter,
  findEntryHash,
  findHeadSeq,
  readCheckpointBatch,
  readExportBatch,
  type ChainedEventRecord,
  type CheckpointRecord,
} from './audit-event.repository.js';
import { hasFilters, type ExportQuery } from './audit-query.js';
import { csvRow, UTF8_BOM } from './csv.js';
import { writeChunk } from './response-stream.js';
import { appendStaffAudit, type StaffActor } from './staff-access.js';

// Rows per query: large enough that the half millisecond each query costs
// does not dominate, small enough that one batch stays a few megabytes.
const BATCH_SIZE = 1000;

/**
 * Columns of the CSV export: the entry's fields under their JSON names, in
 * English like the JSON Lines format, then the entry's hash.
 */
export const AUDIT_CSV_COLUMNS = [
  'chain',
  'seq',
  'time',
  'actorType',
  'actorId',
  'subjectId',
  'action',
  'resourceType',
  'resourceId',
  'outcome',
  'reason',
  'requestId',
  'sourceAddress',
  'partnerId',
  'grantId',
  'hash',
] as const;

/** The chain and seq range of an export, fixed before any byte is sent. */
interface ExportRange {
  chain: number;
  fromSeq: number;
  toSeq: number;
  /** Hash of entry fromSeq - 1, or null for a filtered export. */
  prevHash: string | null;
  filtered: boolean;
}

/**
 * Streams an audit export. The ranges are fixed first (toSeq defaults to the
 * current head), then the `audit.export` entry is committed in a transaction
 * of its own before the first byte, so no export leaves without its record.
 * Entries are read in keyset batches of BATCH_SIZE and written as the
 * socket drains; a client that disconnects stops the reading.
 *
 * The export contains one chain (`chain`, or the chain of the person
 * filtered on). When neither is given, it contains every chain that has
 * entries, one section after another.
 */
export async function streamAuditExport(ctx: AppContext, actor: StaffActor, query: ExportQuery, res: Response): Promise<void> {
  const allChains = exportsAllChains(query);
  const ranges = allChains ? await resolveAllChains(ctx, query) : [await resolveRange(ctx, query, exportedChain(query))];
  const single = ranges[0]!;
  const filtered = hasFilters(query.filters);

  await ctx.db.transaction().execute((trx) =>
    appendStaffAudit(trx, actor, {
      action: 'audit.export',
      outcome: 'allow',
      reason: null,
      subjectId: query.filters.personId ?? null,
      partnerId: query.filters.partnerId ?? null,
      range: allChains ? 'all-chains' : `chain-${single.chain}-seq-${single.fromSeq}-${single.toSeq}`,
    }),
  );

  const extension = query.format === 'csv' ? 'csv' : 'jsonl';
  const name = allChains ? 'coffre-audit-all' : `coffre-audit-${single.chain}-${single.fromSeq}-${single.toSeq}`;
  // attachment() sets a type from the file name's extension, so the type comes after it.
  res
    .status(200)
    .attachment(`${name}${filtered ? '-filtered' : ''}.${extension}`)
    .type(query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
    .set('Cache-Control', 'no-store');

  if (query.format === 'csv') {
    if (await writeChunk(res, UTF8_BOM + csvRow([...AUDIT_CSV_COLUMNS]))) {
      for (const range of ranges) {
        if (!(await forEachBatch(ctx, query, range, res, (rows) => rows.map(csvLine).join('')))) break;
      }
    }
  } else {
    for (const range of ranges) {
      if (!(await streamJsonLines(ctx, query, range, res))) break;
    }
  }
  if (!res.destroyed) res.end();
}

/** True when the query names neither a chain nor a person, nor a seq range, which needs a chain. */
function exportsAllChains(query: ExportQuery): boolean {
  if (query.chain !== undefined || query.filters.personId !== undefined) return false;
  if (query.fromSeq !== undefined || query.toSeq !== undefined) {
    throw new AppError('validation_failed', {
      field: 'chain',
      reason: `un intervalle fromSeq–toSeq se lit dans une chaîne : précisez chain, de 0 à ${AUDIT_CHAIN_COUNT - 1}, ou le filtre personId ; le journal indique la chaîne de chaque entrée`,
      reasonEn: `a fromSeq–toSeq range is read within one chain: give chain, from 0 to ${AUDIT_CHAIN_COUNT - 1}, or the personId filter; the journal gives each entry's chain`,
    });
  }
  return true;
}

/** Resolves the range of every chain with entries, whole. An empty log gives chain 0 with an empty range, so the export still has a header. */
async function resolveAllChains(ctx: AppContext, query: ExportQuery): Promise<ExportRange[]> {
  const filtered = hasFilters(query.filters);
  const ranges: ExportRange[] = [];
  for (const chain of AUDIT_CHAINS) {
    const head = await findHeadSeq(ctx.db, chain);
    if (head > 0) ranges.push({ chain, fromSeq: 1, toSeq: head, prevHash: filtered ? null : GENESIS_HASH, filtered });
  }
  return ranges.length > 0 ? ranges : [{ chain: 0, fromSeq: 1, toSeq: 0, prevHash: filtered ? null : GENESIS_HASH, filtered }];
}

async function resolveRange(ctx: AppContext, query: ExportQuery, chain: number): Promise<ExportRange> {
  const head = await findHeadSeq(ctx.db, chain);
  const fromSeq = query.fromSeq ?? 1;
  const toSeq = Math.min(query.toSeq ?? head, head);
  if (fromSeq > toSeq) {
    throw new AppError('validation_failed', {
      field: 'fromSeq',
      reason: `aucune entrée à partir de ce numéro dans la chaîne ${chain} ; sa dernière entrée porte le numéro ${head}`,
      reasonEn: `no entry from this seq in chain ${chain}; its last entry has seq ${head}`,
    });
  }

  const filtered = hasFilters(query.filters);
  if (filtered) return { chain, fromSeq, toSeq, prevHash: null, filtered };
  const prevHash = fromSeq === 1 ? GENESIS_HASH : await findEntryHash(ctx.db, chain, fromSeq - 1);
  // Seqs are gapless and entries are never deleted, so entry fromSeq - 1 exists.
  if (prevHash === undefined) throw new Error(`audit entry ${fromSeq - 1} of chain ${chain} is missing`);
  return { chain, fromSeq, toSeq, prevHash, filtered };
}

/** Returns the chain of a single-chain export: the one named, else the chain of the person filtered on, which contains every entry about that person. */
function exportedChain(query: ExportQuery): number {
  return query.chain ?? chainOf({ subjectId: query.filters.personId ?? null, actorId: null, requestId: null });
}

/** Writes one chain's section: header, entries, then checkpoints; returns false when the client went away. */
async function streamJsonLines(ctx: AppContext, query: ExportQuery, range: ExportRange, res: Response): Promise<boolean> {
  const header: ExportHeaderLine = {
    type: 'header',
    format: AUDIT_EXPORT_FORMAT,
    chain: range.chain,
    fromSeq: range.fromSeq,
    toSeq: range.toSeq,
    prevHash: range.prevHash,
    filtered: range.filtered,
    ...(range.filtered ? { notice: FILTERED_EXPORT_NOTICE } : {}),
    generatedAt: new Date().toISOString(),
  };
  if (!(await writeChunk(res, JSON.stringify(header) + '\n'))) return false;

  const completed = await forEachBatch(ctx, query, range, res, (rows) => rows.map((row) => JSON.stringify(entryLine(row)) + '\n').join(''));
  // A filtered export cannot be verified as a chain, so it carries no checkpoint.
  if (!completed || range.filtered) return completed;
  return streamCheckpoints(ctx, range, res);
}

/** Reads the range batch by batch and writes each formatted batch; returns false when the client went away. */
async function forEachBatch(
  ctx: AppContext,
  query: ExportQuery,
  range: ExportRange,
  res: Response,
  format: (rows: ChainedEventRecord[]) => string,
): Promise<boolean> {
  let afterSeq = range.fromSeq - 1;
  for (;;) {
    const rows = await readExportBatch(ctx.db, range.chain, query.filters, afterSeq, range.toSeq, BATCH_SIZE);
    if (rows.length === 0) return true;
    if (!(await writeChunk(res, format(rows)))) return false;
    if (rows.length < BATCH_SIZE) return true;
    afterSeq = rows[rows.length - 1]!.seq;
  }
}

/** Writes every checkpoint with seq in the range, then the first checkpoint after it, if any; returns false when the client went away. */
async function streamCheckpoints(ctx: AppContext, range: ExportRange, res: Response): Promise<boolean> {
  let after = { seq: range.fromSeq - 1, id: Number.MAX_SAFE_INTEGER };
  for (;;) {
    const checkpoints = await readCheckpointBatch(ctx.db, range.chain, after, range.toSeq, BATCH_SIZE);
    if (checkpoints.length > 0 && !(await writeChunk(res, checkpoints.map(checkpointText).join('')))) return false;
    if (checkpoints.length < BATCH_SIZE) break;
    const last = checkpoints[checkpoints.length - 1]!;
    after = { seq: last.seq, id: last.id };
  }
  const next = await findCheckpointAfter(ctx.db, range.chain, range.toSeq);
  return next === undefined || writeChunk(res, checkpointText(next));
}

function entryLine(row: ChainedEventRecord): ExportEntryLine {
  return { type: 'entry', seq: row.seq, canonical: row.canonical.toString('utf8'), hash: row.hash };
}

function checkpointText(checkpoint: CheckpointRecord): string {
  const line: ExportCheckpointLine = {
    type: 'checkpoint',
    chain: checkpoint.chain,
    seq: checkpoint.seq,
    headHash: checkpoint.headHash,
    time: checkpoint.time.toISOString(),
    keyId: checkpoint.keyId,
    message: checkpoint.message.toString('base64'),
    signature: checkpoint.signature.toString('base64'),
  };
  return JSON.stringify(line) + '\n';
}

function csvLine(row: ChainedEventRecord): string {
  return csvRow([
    row.chain,
    row.seq,
    row.time.toISOString(),
    row.actorType,
    row.actorId,
    row.subjectId,
    row.action,
    row.resourceType,
    row.resourceId,
    row.outcome,
    row.reason,
    row.requestId,
    row.sourceAddress,
    row.partnerId,
    row.grantId,
    row.hash,
  ]);
}
