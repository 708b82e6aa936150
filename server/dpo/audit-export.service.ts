import type { Response } from 'express';

import { GENESIS_HASH } from '../../audit/entry.js';
import { APPEND_CHAIN } from '../../audit/chains.js';
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

/** The seq range of an export, fixed before any byte is sent. */
interface ExportRange {
  fromSeq: number;
  toSeq: number;
  /** Hash of entry fromSeq - 1, or null for a filtered export. */
  prevHash: string | null;
  filtered: boolean;
}

/**
 * Streams an audit export. The range is fixed first (toSeq defaults to the
 * current head), then the `audit.export` entry is committed in a transaction
 * of its own before the first byte, so no export leaves without its record.
 * Entries are read in keyset batches of BATCH_SIZE and written as the
 * socket drains; a client that disconnects stops the reading.
 */
export async function streamAuditExport(ctx: AppContext, actor: StaffActor, query: ExportQuery, res: Response): Promise<void> {
  const range = await resolveRange(ctx, query);

  await ctx.db.transaction().execute((trx) =>
    appendStaffAudit(trx, actor, {
      action: 'audit.export',
      outcome: 'allow',
      reason: null,
      subjectId: query.filters.personId ?? null,
      partnerId: query.filters.partnerId ?? null,
      range: `seq-${range.fromSeq}-${range.toSeq}`,
    }),
  );

  const extension = query.format === 'csv' ? 'csv' : 'jsonl';
  // attachment() sets a type from the file name's extension, so the type comes after it.
  res
    .status(200)
    .attachment(`coffre-audit-${range.fromSeq}-${range.toSeq}${range.filtered ? '-filtered' : ''}.${extension}`)
    .type(query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
    .set('Cache-Control', 'no-store');

  if (query.format === 'csv') {
    await streamCsv(ctx, query, range, res);
  } else {
    await streamJsonLines(ctx, query, range, res);
  }
  if (!res.destroyed) res.end();
}

async function resolveRange(ctx: AppContext, query: ExportQuery): Promise<ExportRange> {
  const head = await findHeadSeq(ctx.db);
  const fromSeq = query.fromSeq ?? 1;
  const toSeq = Math.min(query.toSeq ?? head, head);
  if (fromSeq > toSeq) {
    throw new AppError('validation_failed', {
      field: 'fromSeq',
      reason: `aucune entrée à partir de ce numéro ; la dernière entrée porte le numéro ${head}`,
      reasonEn: `no entry from this seq; the last entry has seq ${head}`,
    });
  }

  const filtered = hasFilters(query.filters);
  if (filtered) return { fromSeq, toSeq, prevHash: null, filtered };
  const prevHash = fromSeq === 1 ? GENESIS_HASH : await findEntryHash(ctx.db, fromSeq - 1);
  // Seqs are gapless and entries are never deleted, so entry fromSeq - 1 exists.
  if (prevHash === undefined) throw new Error(`audit entry ${fromSeq - 1} is missing`);
  return { fromSeq, toSeq, prevHash, filtered };
}

async function streamJsonLines(ctx: AppContext, query: ExportQuery, range: ExportRange, res: Response): Promise<void> {
  const header: ExportHeaderLine = {
    type: 'header',
    format: AUDIT_EXPORT_FORMAT,
    chain: APPEND_CHAIN,
    fromSeq: range.fromSeq,
    toSeq: range.toSeq,
    prevHash: range.prevHash,
    filtered: range.filtered,
    ...(range.filtered ? { notice: FILTERED_EXPORT_NOTICE } : {}),
    generatedAt: new Date().toISOString(),
  };
  if (!(await writeChunk(res, JSON.stringify(header) + '\n'))) return;

  const completed = await forEachBatch(ctx, query, range, res, (rows) => rows.map((row) => JSON.stringify(entryLine(row)) + '\n').join(''));
  // A filtered export cannot be verified as a chain, so it carries no checkpoint.
  if (!completed || range.filtered) return;
  await streamCheckpoints(ctx, range, res);
}

async function streamCsv(ctx: AppContext, query: ExportQuery, range: ExportRange, res: Response): Promise<void> {
  if (!(await writeChunk(res, UTF8_BOM + csvRow([...AUDIT_CSV_COLUMNS])))) return;
  await forEachBatch(ctx, query, range, res, (rows) => rows.map(csvLine).join(''));
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
    const rows = await readExportBatch(ctx.db, query.filters, afterSeq, range.toSeq, BATCH_SIZE);
    if (rows.length === 0) return true;
    if (!(await writeChunk(res, format(rows)))) return false;
    if (rows.length < BATCH_SIZE) return true;
    afterSeq = rows[rows.length - 1]!.seq;
  }
}

/** Writes every checkpoint with seq in the range, then the first checkpoint after it, if any. */
async function streamCheckpoints(ctx: AppContext, range: ExportRange, res: Response): Promise<void> {
  let after = { seq: range.fromSeq - 1, id: Number.MAX_SAFE_INTEGER };
  for (;;) {
    const checkpoints = await readCheckpointBatch(ctx.db, after, range.toSeq, BATCH_SIZE);
    if (checkpoints.length > 0 && !(await writeChunk(res, checkpoints.map(checkpointText).join('')))) return;
    if (checkpoints.length < BATCH_SIZE) break;
    const last = checkpoints[checkpoints.length - 1]!;
    after = { seq: last.seq, id: last.id };
  }
  const next = await findCheckpointAfter(ctx.db, range.toSeq);
  if (next !== undefined) await writeChunk(res, checkpointText(next));
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
